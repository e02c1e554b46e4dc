/**
 * The real kubectl against a tiny fake apiserver: kubectl's typed commands send their request bodies
 * as Kubernetes protobuf; the server here decodes them with decodeK8sProtobuf, answers 201 with the
 * decoded JSON (so kubectl succeeds), and the tests compare what was decoded with what the same
 * command prints with `--dry-run=client -o json`, and re-encode it to check it is byte for byte what
 * kubectl (Go's marshaller) sent.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../../../test/real-tools.ts';
import { type DecodedK8sObject, decodeK8sProtobuf, encodeK8sProtobuf, PROTOBUF_CONTENT_TYPE } from './index.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = requireTool('kubectl', KUBECTL, 'install kubectl v1.33 (the Kubernetes CLI)');

type Obj = Record<string, unknown>;

interface Captured {
  method: string;
  path: string;
  contentType: string;
  body: Uint8Array;
  decoded?: DecodedK8sObject;
}

const GROUPS: Record<string, [resource: string, kind: string, namespaced: boolean][]> = {
  v1: [
    ['namespaces', 'Namespace', false],
    ['nodes', 'Node', false],
    ['pods', 'Pod', true],
    ['services', 'Service', true],
    ['configmaps', 'ConfigMap', true],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['resourcequotas', 'ResourceQuota', true],
  ],
  'apps/v1': [['deployments', 'Deployment', true]],
  'batch/v1': [
    ['jobs', 'Job', true],
    ['cronjobs', 'CronJob', true],
  ],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true]],
  'rbac.authorization.k8s.io/v1': [['roles', 'Role', true]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
};

type Reply = [code: number, body: unknown];

class FakeApiserver {
  readonly captured: Captured[] = [];
  readonly fixtures = new Map<string, Obj>();
  private server: Server = createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let reply: Reply;
      try {
        reply = this.route(req, new Uint8Array(Buffer.concat(chunks)));
      } catch (e) {
        reply = [500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: String(e), code: 500 }];
      }
      res.writeHead(reply[0], { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply[1]));
    });
  }

  private route(req: IncomingMessage, body: Uint8Array): Reply {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    const contentType = String(req.headers['content-type'] ?? '');
    if (method === 'GET') {
      if (path === '/version')
        return [200, { major: '1', minor: '33', gitVersion: 'v1.33.1', platform: 'linux/amd64' }];
      if (path === '/api')
        return [
          200,
          {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: new URL(this.url).host }],
          },
        ];
      if (path === '/apis')
        return [
          200,
          {
            kind: 'APIGroupList',
            apiVersion: 'v1',
            groups: Object.keys(GROUPS)
              .filter((gv) => gv.includes('/'))
              .map((gv) => {
                const [name, version] = gv.split('/') as [string, string];
                const v = { groupVersion: gv, version };
                return { name, versions: [v], preferredVersion: v };
              }),
          },
        ];
      const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice(6) : '';
      const resources = GROUPS[gv];
      if (resources)
        return [
          200,
          {
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: gv,
            resources: resources.map(([name, kind, namespaced]) => ({
              name,
              singularName: kind.toLowerCase(),
              namespaced,
              kind,
              verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
            })),
          },
        ];
      const fixture = this.fixtures.get(path);
      if (fixture) return [200, fixture];
      return [404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }];
    }
    const captured: Captured = { method, path, contentType, body };
    this.captured.push(captured);
    let object: Obj;
    if (contentType === PROTOBUF_CONTENT_TYPE) {
      captured.decoded = decodeK8sProtobuf(body);
      object = captured.decoded.object;
    } else object = JSON.parse(new TextDecoder().decode(body)) as Obj;
    // Answer like an apiserver would: the object, with a name if it only had generateName.
    const meta = { ...((object.metadata as Obj | undefined) ?? {}) };
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}x7k2q`;
    return [201, { ...object, metadata: meta }];
  }
}

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.skipIf(!hasKubectl)('kubectl sends protobuf; decodeK8sProtobuf reads it', () => {
  const server = new FakeApiserver();
  let dir = '';

  beforeAll(async () => {
    await server.start();
    dir = mkdtempSync(join(tmpdir(), 'wheelhouse-protobuf-'));
    writeFileSync(join(dir, 'kubeconfig'), '');
    writeFileSync(join(dir, 'blob.bin'), new Uint8Array([0x62, 0x69, 0x6e, 0x00, 0x01, 0xfe, 0xff]));
  });

  afterAll(async () => {
    await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        KUBECTL,
        ['--server', server.url, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') }, timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs a command, returns the protobuf body it POSTed (decoded) and the raw bytes. */
  async function capture(args: string[]): Promise<Captured & { decoded: DecodedK8sObject }> {
    const before = server.captured.length;
    const run = await kubectl(args);
    expect(run.stderr).not.toMatch(/panic|error/i);
    expect(run.code, run.stderr).toBe(0);
    const posts = server.captured.slice(before).filter((c) => c.method === 'POST');
    expect(posts.map((p) => p.contentType)).toEqual([PROTOBUF_CONTENT_TYPE]);
    const post = posts[0] as Captured & { decoded: DecodedK8sObject };
    expect(post.decoded.unknownFields).toEqual([]);
    // Go's marshaller and ours agree byte for byte.
    const again = encodeK8sProtobuf(post.decoded.apiVersion, post.decoded.kind, post.decoded.object);
    expect(toHex(again)).toBe(toHex(post.body));
    return post;
  }

  const commands: [string, string[]][] = [
    ['create deployment', ['create', 'deployment', 'web', '--image=nginx', '--replicas=3']],
    ['create namespace', ['create', 'namespace', 'demo']],
    ['create service clusterip', ['create', 'service', 'clusterip', 'web', '--tcp=80:8080']],
    ['create service nodeport (named targetPort)', ['create', 'service', 'nodeport', 'np', '--tcp=80:http']],
    ['create configmap', ['create', 'configmap', 'c', '--from-literal=a=b']],
    ['create secret generic', ['create', 'secret', 'generic', 's', '--from-literal=k=v']],
    ['create job', ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi']],
    ['create cronjob', ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date']],
    ['create serviceaccount', ['create', 'serviceaccount', 'robot']],
    ['create priorityclass', ['create', 'priorityclass', 'high', '--value=1000', '--description=important']],
    ['create quota', ['create', 'quota', 'q', '--hard=cpu=1,memory=1G,pods=10']],
    ['create poddisruptionbudget', ['create', 'pdb', 'pdb', '--selector=app=web', '--min-available=50%']],
    ['create ingress', ['create', 'ingress', 'ing', '--rule=foo.com/bar=svc1:8080']],
    ['create role', ['create', 'role', 'reader', '--verb=get,list', '--resource=pods']],
  ];

  for (const [title, args] of commands) {
    it(`kubectl ${title}: decoded body equals the --dry-run=client -o json output`, async () => {
      const post = await capture(args);
      // flags go before `--` (after it they would be the container's command)
      const dash = args.includes('--') ? args.indexOf('--') : args.length;
      const dry = await kubectl([...args.slice(0, dash), '--dry-run=client', '-o', 'json', ...args.slice(dash)]);
      expect(dry.code, dry.stderr).toBe(0);
      const expected = JSON.parse(dry.stdout) as Obj;
      expect(post.decoded.object).toEqual(expected);
      expect(post.decoded.apiVersion).toBe(expected.apiVersion);
      expect(post.decoded.kind).toBe(expected.kind);
    });
  }

  it('kubectl create secret generic --from-file with binary content', async () => {
    const args = ['create', 'secret', 'generic', 'bin', `--from-file=blob=${join(dir, 'blob.bin')}`];
    const post = await capture(args);
    const dry = JSON.parse((await kubectl([...args, '--dry-run=client', '-o', 'json'])).stdout) as Obj;
    expect(post.decoded.object).toEqual(dry);
    expect(post.decoded.object.data).toEqual({
      blob: Buffer.from([0x62, 0x69, 0x6e, 0, 1, 0xfe, 0xff]).toString('base64'),
    });
  });

  it('kubectl debug node/...: a Pod with hostPath volumes, host namespaces and tolerations', async () => {
    server.fixtures.set('/api/v1/nodes/node-1', {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
      spec: {},
      status: {},
    });
    const post = await capture(['debug', 'node/node-1', '--image=busybox', '--profile=sysadmin', '--', 'sleep', '1']);
    const pod = post.decoded.object as { spec: Obj };
    expect(post.path).toBe('/api/v1/namespaces/default/pods');
    expect(pod.spec).toMatchObject({
      nodeName: 'node-1',
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      restartPolicy: 'Never',
      tolerations: [{ operator: 'Exists' }],
      volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
    });
    expect(pod.spec.containers).toMatchObject([
      { name: 'debugger', image: 'busybox', command: ['sleep', '1'], securityContext: { privileged: true } },
    ]);
  });

  it('kubectl debug --copy-to: Go re-encodes a rich PodSpec exactly as we do', async () => {
    // What kubectl itself printed for testdata/pod.overrides.json (Go's JSON of the typed Pod).
    const pod = JSON.parse(readFileSync(new URL('testdata/pod.kubectl-run.json', import.meta.url), 'utf8')) as {
      metadata: Obj;
      spec: Obj & { containers: Obj[] };
    };
    server.fixtures.set('/api/v1/namespaces/default/pods/rich', {
      ...pod,
      metadata: { ...pod.metadata, name: 'rich', namespace: 'default', uid: 'u-1', resourceVersion: '7' },
    });
    const post = await capture([
      'debug',
      'rich',
      '--copy-to=rich-debug',
      '--image=busybox',
      '--container=dbg',
      '--profile=legacy',
      '--',
      'sleep',
      '1',
    ]);
    const copy = post.decoded.object as { metadata: Obj; spec: Obj & { containers: Obj[] } };
    expect(copy.metadata).toMatchObject({ name: 'rich-debug', namespace: 'default' });
    // The copy keeps the spec, adds the debug container (and drops nothing else we sent).
    const { containers, ...rest } = copy.spec;
    const { containers: original, ...originalRest } = pod.spec;
    expect(rest).toEqual(originalRest);
    expect(containers.slice(0, original.length)).toEqual(original);
    expect(containers[original.length]).toMatchObject({ name: 'dbg', image: 'busybox', command: ['sleep', '1'] });
  });

  it('kubectl create job --from=cronjob: a JobSpec copied by Go from a CronJob we served', async () => {
    const jobSpec = {
      parallelism: 2,
      completions: 4,
      activeDeadlineSeconds: 600,
      backoffLimit: 3,
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'report' } },
        spec: {
          containers: [
            {
              name: 'report',
              image: 'busybox',
              command: ['sh', '-c', 'date'],
              env: [{ name: 'TZ', value: 'UTC' }],
              resources: { limits: { memory: '64Mi' } },
            },
          ],
          restartPolicy: 'OnFailure',
        },
      },
      ttlSecondsAfterFinished: 100,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    };
    server.fixtures.set('/apis/batch/v1/namespaces/default/cronjobs/nightly', {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name: 'nightly', namespace: 'default', uid: 'cj-uid' },
      spec: {
        schedule: '0 0 * * *',
        concurrencyPolicy: 'Forbid',
        jobTemplate: { metadata: { labels: { team: 'a' } }, spec: jobSpec },
      },
    });
    const post = await capture(['create', 'job', 'manual-1', '--from=cronjob/nightly']);
    const job = post.decoded.object as { metadata: Obj; spec: Obj };
    expect(job.spec).toEqual(jobSpec);
    expect(job.metadata).toMatchObject({
      name: 'manual-1',
      labels: { team: 'a' },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-uid', controller: true }],
    });
  });
});
