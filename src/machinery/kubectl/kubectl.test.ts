import { describe, expect, it } from 'vitest';
import type { ApiRequest, KObject } from '../api/types.ts';
import { TABLE_ACCEPT } from '../printers/table-types.ts';
import { type KubectlIO, runKubectl, type WatchEvent } from './kubectl.ts';
import { FakeApiServer } from './testing/fake-apiserver.ts';
import { seedFake } from './testing/fixtures.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function setup(extra: Partial<KubectlIO> = {}) {
  const server = seedFake(new FakeApiServer({ now: NOW }), NOW);
  const io: KubectlIO = { request: async (r) => server.handle(r), now: () => NOW, ...extra };
  const run = (...argv: string[]) => runKubectl(argv, io);
  /** The requests after discovery, as `METHOD path?query`. */
  const sent = () =>
    server.requests
      .filter((r) => !/^\/(api|apis|openapi\/.*)$/.test(r.path))
      .map((r) => {
        const q = new URLSearchParams(r.query).toString();
        return `${r.method} ${r.path}${q ? `?${q}` : ''}`;
      });
  const last = (): ApiRequest => server.requests[server.requests.length - 1] as ApiRequest;
  return { server, io, run, sent, last };
}

describe('kubectl get', () => {
  it('lists pods as a Table with limit=500 and prints them', async () => {
    const { run, server, sent } = setup();
    const r = await run('get', 'pods');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('NAME                   READY   STATUS             RESTARTS       AGE');
    expect(r.stdout).toContain('crash                  0/1     CrashLoopBackOff   12 (20m ago)   120m\n');
    expect(sent()).toEqual(['GET /api/v1/namespaces/default/pods?limit=500']);
    const list = server.requests.find((q) => q.path === '/api/v1/namespaces/default/pods');
    expect(list?.headers.accept).toBe(TABLE_ACCEPT);
    expect(list?.headers['user-agent']).toMatch(/^kubectl\/v1\.32\.\d+ \(linux\/amd64\) kubernetes\/[0-9a-f]{7}$/);
  });

  it('discovers resources through /api and /apis with the aggregated discovery accept header', async () => {
    const { run, server } = setup();
    await run('get', 'pods');
    const api = server.requests.find((q) => q.path === '/api');
    expect(api?.headers.accept).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    );
    expect(server.requests.some((q) => q.path === '/apis')).toBe(true);
  });

  it.each([
    [['get', 'po'], 'GET /api/v1/namespaces/default/pods?limit=500'],
    [['get', 'deploy'], 'GET /apis/apps/v1/namespaces/default/deployments?limit=500'],
    [['get', 'deployments.apps'], 'GET /apis/apps/v1/namespaces/default/deployments?limit=500'],
    [['get', 'deployment.v1.apps'], 'GET /apis/apps/v1/namespaces/default/deployments?limit=500'],
    [['get', 'Deployment'], 'GET /apis/apps/v1/namespaces/default/deployments?limit=500'],
    [['get', 'svc', '-n', 'kube-system'], 'GET /api/v1/namespaces/kube-system/services?limit=500'],
    [['get', 'pods', '-A'], 'GET /api/v1/pods?limit=500'],
    [['get', 'nodes'], 'GET /api/v1/nodes?limit=500'],
    [['get', 'pods', '-l', 'app=web'], 'GET /api/v1/namespaces/default/pods?labelSelector=app%3Dweb&limit=500'],
    [
      ['get', 'pods', '--field-selector', 'status.phase=Running'],
      'GET /api/v1/namespaces/default/pods?fieldSelector=status.phase%3DRunning&limit=500',
    ],
    [['get', 'pod', 'crash'], 'GET /api/v1/namespaces/default/pods/crash'],
    [['get', 'pod/crash'], 'GET /api/v1/namespaces/default/pods/crash'],
  ])('%j sends %s', async (argv, want) => {
    const { run, sent } = setup();
    const r = await run(...argv);
    expect(r.exitCode).toBe(0);
    expect(sent()).toEqual([want]);
  });

  it('-o json fetches JSON objects and wraps several in a List', async () => {
    const { run, server } = setup();
    const r = await run('get', 'cm', '-o', 'json');
    expect(server.requests[server.requests.length - 1]?.headers.accept).toBe('application/json');
    const out = JSON.parse(r.stdout);
    expect(out.kind).toBe('List');
    expect(out.metadata).toEqual({ resourceVersion: '' });
    expect(out.items.map((i: KObject) => i.metadata?.name)).toEqual(['cfg', 'kube-root-ca.crt']);
    expect(r.stdout.startsWith('{\n    "apiVersion": "v1",\n    "items": [\n')).toBe(true);
  });

  it('-o name and jsonpath', async () => {
    const { run } = setup();
    expect((await run('get', 'deploy/web', 'svc/web', '-o', 'name')).stdout).toBe('deployment.apps/web\nservice/web\n');
    expect((await run('get', 'pods', '-n', 'kube-system', '-o', 'jsonpath={.items[*].metadata.name}')).stdout).toBe(
      'coredns-668d6bf9bc-x7k2q',
    );
  });

  it('several types print one table each with kind prefixes, separated by a blank line, sharing column widths', async () => {
    const { run } = setup();
    const r = await run('get', 'deploy,sts');
    expect(r.stdout).toBe(
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   2/3     3            2           61m\n\nNAME                  READY   AGE\nstatefulset.apps/db   1/2     83m\n',
    );
  });

  it('No resources found goes to stderr', async () => {
    const { run } = setup();
    expect(await run('get', 'pods', '-n', 'empty')).toEqual({
      stdout: '',
      stderr: 'No resources found in empty namespace.\n',
      exitCode: 0,
    });
    expect(await run('get', 'nodes', '-l', 'x=y')).toEqual({ stdout: '', stderr: 'No resources found\n', exitCode: 0 });
  });

  it('errors as kubectl prints them', async () => {
    const { run } = setup();
    expect(await run('get', 'foos')).toEqual({
      stdout: '',
      stderr: 'error: the server doesn\'t have a resource type "foos"\n',
      exitCode: 1,
    });
    expect(await run('get', 'pod', 'nope')).toEqual({
      stdout: '',
      stderr: 'Error from server (NotFound): pods "nope" not found\n',
      exitCode: 1,
    });
    const both = await run('get', 'pods', 'crash', 'nope');
    expect(both.stdout).toContain('crash');
    expect(both.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect((await run('get', 'pods', '--foo')).stderr).toBe(
      "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n",
    );
    expect((await run('frobnicate')).stderr).toMatch(/^Error: unknown command "frobnicate" for "kubectl"/);
  });
});

describe('kubectl create / apply / delete', () => {
  it('create deployment POSTs the generated object', async () => {
    const { run, last } = setup();
    const r = await run('create', 'deployment', 'nginx', '--image=nginx:1.27', '--replicas=2', '--port=80');
    expect(r).toEqual({ stdout: 'deployment.apps/nginx created\n', stderr: '', exitCode: 0 });
    const req = last();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/apis/apps/v1/namespaces/default/deployments');
    expect(req.query).toEqual({ fieldManager: 'kubectl-create', fieldValidation: 'Strict' });
    const body = JSON.parse(req.body ?? '{}');
    expect(body.spec.replicas).toBe(2);
    expect(body.spec.template.spec.containers).toEqual([
      { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} },
    ]);
  });

  it('apply creates, then is unchanged, then configures with a strategic merge patch', async () => {
    const files = {
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: one\n',
      'cm2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: two\n',
    };
    const { run, last } = setup({ files });
    expect((await run('apply', '-f', 'cm.yaml')).stdout).toBe('configmap/app created\n');
    const created = JSON.parse(last().body ?? '{}');
    expect(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(
      '{"apiVersion":"v1","data":{"key":"one"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"app","namespace":"default"}}\n',
    );
    expect((await run('apply', '-f', 'cm.yaml')).stdout).toBe('configmap/app unchanged\n');
    expect((await run('apply', '-f', 'cm2.yaml')).stdout).toBe('configmap/app configured\n');
    const patch = last();
    expect(patch.method).toBe('PATCH');
    expect(patch.headers['content-type']).toBe('application/strategic-merge-patch+json');
    expect(patch.query).toEqual({ fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' });
    expect(JSON.parse(patch.body ?? '{}').data).toEqual({ key: 'two' });
  });

  it('reports YAML errors with the line, as kubectl (libyaml counts from the line before)', async () => {
    const { run } = setup({
      files: { 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: y\n' },
    });
    const r = await run('apply', '-f', 'bad.yaml');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key\n',
    );
  });

  it('delete sends DeleteOptions and prints the deleted line', async () => {
    const { run, last } = setup();
    expect(await run('delete', 'pod', 'crash', '--wait=false')).toEqual({
      stdout: 'pod "crash" deleted\n',
      stderr: '',
      exitCode: 0,
    });
    expect(last().method).toBe('DELETE');
    expect(last().path).toBe('/api/v1/namespaces/default/pods/crash');
    expect(JSON.parse(last().body ?? '{}')).toEqual({ propagationPolicy: 'Background' });
  });
});

describe('kubectl mutations', () => {
  it('scale PATCHes the scale subresource', async () => {
    const { run, last } = setup();
    expect((await run('scale', 'deployment', 'web', '--replicas=5')).stdout).toBe('deployment.apps/web scaled\n');
    expect(last().path).toBe('/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(last().headers['content-type']).toBe('application/merge-patch+json');
    expect(last().body).toBe('{"spec":{"replicas":5}}');
  });

  it('label and annotate, with --overwrite and key-', async () => {
    const { run, last } = setup();
    expect((await run('label', 'pod', 'crash', 'tier=fe')).stdout).toBe('pod/crash labeled\n');
    const again = await run('label', 'pod', 'crash', 'tier=be');
    expect(again.stderr).toBe("error: 'tier' already has a value (fe), and --overwrite is false\n");
    expect((await run('label', 'pod', 'crash', 'tier=be', '--overwrite')).stdout).toBe('pod/crash labeled\n');
    expect((await run('label', 'pod', 'crash', 'tier-')).stdout).toBe('pod/crash unlabeled\n');
    expect(JSON.parse(last().body ?? '{}')).toEqual({ metadata: { labels: { tier: null } } });
    expect((await run('annotate', 'deploy', 'web', 'note=hi')).stdout).toBe('deployment.apps/web annotated\n');
  });

  it('set image and patch', async () => {
    const { run } = setup();
    expect((await run('set', 'image', 'deployment/web', 'nginx=nginx:1.28')).stdout).toBe(
      'deployment.apps/web image updated\n',
    );
    expect((await run('patch', 'deploy', 'web', '-p', '{"spec":{"replicas":4}}')).stdout).toBe(
      'deployment.apps/web patched\n',
    );
    expect((await run('patch', 'deploy', 'web', '-p', '{"spec":{"replicas":4}}')).stdout).toBe(
      'deployment.apps/web patched (no change)\n',
    );
  });

  it('run and expose', async () => {
    const { run } = setup();
    expect((await run('run', 'busy', '--image=busybox', '--', 'sleep', '3600')).stdout).toBe('pod/busy created\n');
    expect((await run('expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--name=web2')).stdout).toBe(
      'service/web2 exposed\n',
    );
  });
});

describe('kubectl rollout status', () => {
  it('prints progress from a watch until the rollout completes', async () => {
    const { server, io } = setup();
    const dep = server.list(
      { group: 'apps', version: 'v1', resource: 'deployments' } as never,
      'default',
    )[0] as KObject & { status: Record<string, number> };
    const done = {
      ...dep,
      status: {
        ...dep.status,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        unavailableReplicas: 0,
      },
    };
    let watched: ApiRequest | undefined;
    io.watch = (req, onEvent: (e: WatchEvent) => void) => {
      watched = req;
      queueMicrotask(() => onEvent({ type: 'MODIFIED', object: done as KObject }));
      return { stop() {} };
    };
    const r = await runKubectl(['rollout', 'status', 'deployment/web'], io);
    expect(r.stdout).toBe(
      'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\ndeployment "web" successfully rolled out\n',
    );
    expect(watched?.query).toMatchObject({ fieldSelector: 'metadata.name=web', watch: 'true' });
  });
});

describe('kubectl rollout status --timeout', () => {
  it('gives up when the simulated deadline passes', async () => {
    let now = NOW;
    const { io } = setup({ now: () => now });
    const seen: string[] = [];
    io.watch = (req, _onEvent, onClose) => {
      seen.push(req.query.timeoutSeconds ?? '');
      queueMicrotask(() => {
        now += 10_000;
        onClose?.();
      });
      return { stop() {} };
    };
    const r = await runKubectl(['rollout', 'status', 'deployment/web', '--timeout=10s'], io);
    expect(r.stdout).toBe('Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n');
    expect(r.stderr).toBe('error: timed out waiting for the condition\n');
    expect(seen).toEqual(['10']);
  });
});

describe('kubectl wait', () => {
  it('returns at once when the condition holds, else watches until it does', async () => {
    const { server, io } = setup();
    expect((await runKubectl(['wait', '--for=condition=Ready', 'pod/web-6d4cf56db6-abcde'], io)).stdout).toBe(
      'pod/web-6d4cf56db6-abcde condition met\n',
    );
    const crash = server
      .list({ group: '', version: 'v1', resource: 'pods', namespaced: true } as never, 'default')
      .find((p) => p.metadata?.name === 'crash') as KObject & { status: Record<string, unknown> };
    let watched: ApiRequest | undefined;
    io.watch = (req, onEvent: (e: WatchEvent) => void) => {
      watched = req;
      queueMicrotask(() =>
        onEvent({
          type: 'MODIFIED',
          object: { ...crash, status: { ...crash.status, conditions: [{ type: 'Ready', status: 'True' }] } } as KObject,
        }),
      );
      return { stop() {} };
    };
    const r = await runKubectl(['wait', '--for=condition=Ready', 'pod/crash', '--timeout=60s'], io);
    expect(r).toEqual({ stdout: 'pod/crash condition met\n', stderr: '', exitCode: 0 });
    expect(watched?.query).toMatchObject({ fieldSelector: 'metadata.name=crash', watch: 'true', timeoutSeconds: '60' });
  });

  it('times out when the server ends the watch at the deadline', async () => {
    let now = NOW;
    const { io } = setup({ now: () => now });
    io.watch = (_req, _onEvent, onClose) => {
      queueMicrotask(() => {
        now += 5000;
        onClose?.();
      });
      return { stop() {} };
    };
    const r = await runKubectl(['wait', '--for=condition=Ready', 'pod/crash', '--timeout=5s'], io);
    expect(r).toEqual({
      stdout: '',
      stderr: 'error: timed out waiting for the condition on pods/crash\n',
      exitCode: 1,
    });
  });

  it('--for=delete of a missing object, --timeout=0, bad conditions', async () => {
    const { run } = setup();
    expect(await run('wait', '--for=delete', 'pod/nope')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await run('wait', '--for=condition=Ready', 'pod/crash', '--timeout=0')).stderr).toBe(
      'error: condition not met for pods/crash\n',
    );
    expect((await run('wait', '--for=foo', 'pod/crash')).stderr).toBe('error: unrecognized condition: "foo"\n');
  });
});

describe('kubectl info commands', () => {
  it('version --client', async () => {
    const { run } = setup();
    expect((await run('version', '--client')).stdout).toMatch(
      /^Client Version: v1\.32\.\d+\nKustomize Version: v5\.5\.0\n$/,
    );
  });

  it('api-resources', async () => {
    const { run } = setup();
    const r = await run('api-resources');
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  });
});
