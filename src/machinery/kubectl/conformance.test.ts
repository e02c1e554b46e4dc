/**
 * Conformance: the real kubectl and ours, each against its own copy of the same fake API server
 * (served over HTTP to the real one), must print the same bytes on stdout and stderr, exit with the
 * same code and send the same requests (discovery and OpenAPI fetches, which the real kubectl
 * caches differently, aside). Tables come from our server-side converter, so this checks the
 * client side: columns, widths, -A, -o wide/name/json/yaml/jsonpath, messages and errors.
 *
 * Needs /usr/bin/kubectl (v1.32); skipped with a message when it is missing, an error when CI is set.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../../test/real-tools.ts';
import type { ApiRequest } from '../api/types.ts';
import { runKubectl } from './kubectl.ts';
import { FakeApiServer } from './testing/fake-apiserver.ts';
import { seedFake } from './testing/fixtures.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = requireTool('kubectl', KUBECTL, 'install kubectl v1.32 to compare output with the real client');

// Whole seconds, so that server-side ages and client-side ages agree.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'wheelhouse-kubectl-conf-'));

const FILES: Record<string, string> = {
  'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  key: value\n',
  'cm2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  key: value2\n  other: x\n',
  'app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: busybox
        command: ["sleep", "3600"]
      - name: side
        image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
  - port: 80
    targetPort: 8080
`,
  'app2.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    team: x
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: busybox:1.36
        command: ["sleep", "3600"]
`,
  'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: y\n',
};
for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);

function server(): FakeApiServer {
  return seedFake(new FakeApiServer({ now: NOW }), NOW);
}

async function serve(s: FakeApiServer): Promise<{ url: string; close(): Promise<void> }> {
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const headers: Record<string, string> = {};
      for (const h of ['accept', 'content-type', 'user-agent']) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const r = s.handle({
        method: req.method as ApiRequest['method'],
        path: url.pathname,
        query,
        headers,
        ...(body ? { body } : {}),
      });
      if (query.watch === 'true') {
        // A watch that stays open with no events, until the server closes.
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
        return;
      }
      res.writeHead(r.status, r.headers);
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      }),
  };
}

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  requests: string[];
}

function runReal(
  argv: string[],
  url: string,
  home: string,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  writeFileSync(
    join(home, 'config'),
    `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${url}\n  name: kind\ncontexts:\n- context:\n    cluster: kind\n    user: kind\n  name: kind\ncurrent-context: kind\nusers:\n- name: kind\n  user: {}\n`,
  );
  return new Promise((resolve) => {
    const p = spawn(KUBECTL, argv, {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        KUBECONFIG: join(home, 'config'),
        KUBECACHEDIR: join(home, 'cache'),
        TZ: 'UTC',
      },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? -1 });
    });
  });
}

/**
 * A request as compared: discovery, OpenAPI and the dispatcher's /version probe are left out, and
 * so are watches (the real kubectl's informers open them with a random timeout, racing its exit).
 */
function describeRequests(reqs: ApiRequest[]): string[] {
  return reqs
    .filter((r) => !/^\/(api|apis|openapi\/.*|version)$/.test(r.path) && r.query.watch !== 'true')
    .map((r) => {
      const q = { ...r.query };
      // The real kubectl builds some field selectors from a Go map: their order varies.
      if (q.fieldSelector) q.fieldSelector = q.fieldSelector.split(',').sort().join(',');
      const query = Object.entries(q)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      return `${r.method} ${r.path}?${query} accept=${r.headers.accept ?? ''} ct=${r.headers['content-type'] ?? ''} ${r.body ?? ''}`;
    });
}

async function real(seq: string[][]): Promise<Outcome> {
  const s = server();
  const h = await serve(s);
  const home = mkdtempSync(join(dir, 'home-'));
  const out: Outcome = { stdout: '', stderr: '', exitCode: 0, requests: [] };
  try {
    for (const argv of seq) {
      const r = await runReal(argv, h.url, home);
      out.stdout += r.stdout;
      out.stderr += r.stderr;
      out.exitCode = out.exitCode * 10 + r.exitCode;
    }
  } finally {
    await h.close();
  }
  out.requests = describeRequests(s.requests);
  return out;
}

async function ours(seq: string[][]): Promise<Outcome> {
  const s = server();
  const out: Outcome = { stdout: '', stderr: '', exitCode: 0, requests: [] };
  for (const argv of seq) {
    const r = await runKubectl(argv, { request: async (req) => s.handle(req), now: () => Date.now(), files: FILES });
    out.stdout += r.stdout;
    out.stderr += r.stderr;
    out.exitCode = out.exitCode * 10 + r.exitCode;
  }
  out.requests = describeRequests(s.requests);
  return out;
}

const GET: string[][] = [
  ['get', 'pods'],
  ['get', 'pods', '-o', 'wide'],
  ['get', 'pods', '-A'],
  ['get', 'pods', '-A', '-o', 'wide'],
  ['get', 'pods', '-o', 'name'],
  ['get', 'po', '--show-labels'],
  ['get', 'pods', '-L', 'app,pod-template-hash'],
  ['get', 'pods', '--no-headers'],
  ['get', 'pods', '-l', 'app=web'],
  ['get', 'pods', '--sort-by=.metadata.name'],
  ['get', 'pod', 'crash', '-o', 'yaml'],
  ['get', 'pod', 'crash', '-o', 'json'],
  ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'],
  ['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'],
  ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image'],
  ['get', 'deploy,rs,svc'],
  ['get', 'deployments.apps', '-o', 'wide'],
  ['get', 'all'],
  ['get', 'all', '-A'],
  ['get', 'nodes'],
  ['get', 'nodes', '-o', 'wide'],
  ['get', 'svc', '-A', '-o', 'wide'],
  ['get', 'endpoints'],
  ['get', 'endpointslices'],
  ['get', 'jobs,cronjobs', '-o', 'wide'],
  ['get', 'ds,sts', '-A'],
  ['get', 'events'],
  ['get', 'ns'],
  ['get', 'cm,secrets,sa'],
  ['get', 'leases', '-A'],
  ['get', 'cm', 'cfg', '-o', 'yaml'],
  ['get', 'pod/crash', 'svc/web'],
  ['get', 'pods', '-o', 'yaml'],
  ['get', 'deploy', 'web', '-o', 'json'],
  ['get', 'pods', '--field-selector=status.phase=Running'],
  ['get', 'pod', 'web-6d4cf56db6-abcde', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'],
  ['get', 'pods', '-o', 'jsonpath={.items[0].metadata.name} {.items[1].spec.containers[0].image}'],
  ['get', 'deploy', '-o', 'jsonpath={.items[*].spec.template.spec.containers[*].image}'],
  ['get', 'pod', 'crash', '-o', 'jsonpath={.nope}', '--allow-missing-template-keys=false'],
  ['get', 'pods', 'crash', 'nope'],
  ['get', 'pods', '-n', 'empty'],
  ['get', 'foos'],
  ['get', 'pods', '-o', 'foo'],
  ['get'],
  ['get', 'pods', '--foo'],
  ['gett', 'pods'],
  ['frobnicate'],
];

const EXPLAIN: string[][] = [
  ['explain', 'pods'],
  ['explain', 'pods.spec'],
  ['explain', 'pods.spec.containers'],
  ['explain', 'pods.spec.containers.ports.protocol'],
  ['explain', 'pods.spec.containers.resources'],
  ['explain', 'pods.spec.restartPolicy'],
  ['explain', 'pods.metadata.labels'],
  ['explain', 'pods', '--recursive'],
  ['explain', 'pods.spec.nope'],
  ['explain', 'foo'],
];

const DESCRIBE: string[][] = [
  ['describe', 'pod', 'web-6d4cf56db6-abcde'],
  ['describe', 'deploy', 'web'],
  ['describe', 'svc', 'web'],
  ['describe', 'node', 'kind-control-plane'],
  ['describe', 'ns', 'default'],
  ['describe', 'rs', 'web-6d4cf56db6'],
  ['describe', 'pod', 'nope'],
];

const MUTATE: string[][][] = [
  [
    ['apply', '-f', 'app.yaml'],
    ['apply', '-f', 'app.yaml'],
    ['apply', '-f', 'app2.yaml'],
    ['get', 'deploy', 'api', '-o', 'yaml'],
  ],
  [
    ['apply', '-f', 'cm.yaml'],
    ['apply', '-f', 'cm2.yaml'],
  ],
  [['apply', '-f', 'app.yaml', '--dry-run=client', '-o', 'yaml']],
  [['apply', '-f', 'app.yaml', '--server-side']],
  [
    ['create', '-f', 'app.yaml'],
    ['create', '-f', 'app.yaml'],
  ],
  [['create', '-f', 'bad.yaml']],
  [['replace', '-f', 'cm.yaml']],
  [
    [
      'create',
      'deployment',
      'nginx',
      '--image=nginx:1.27',
      '--replicas=2',
      '--port=80',
      '--dry-run=client',
      '-o',
      'yaml',
    ],
  ],
  [['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--dry-run=client', '-o', 'json']],
  [['create', 'configmap', 'c1', '--from-literal=a=1', '--from-literal=b=two', '--dry-run=client', '-o', 'yaml']],
  [['run', 'busy', '--image=busybox', '--', 'sleep', '3600']],
  [['expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--name=web2']],
  [
    ['label', 'pod', 'crash', 'tier=fe'],
    ['label', 'pod', 'crash', 'tier=be'],
    ['label', 'pod', 'crash', 'tier=be', '--overwrite'],
    ['label', 'pod', 'crash', 'tier-'],
  ],
  [['annotate', 'deploy', 'web', 'note=hello']],
  [
    ['scale', 'deployment', 'web', '--replicas=5'],
    ['scale', 'deployment', 'web', '--replicas=2', '--current-replicas=3'],
  ],
  [['set', 'image', 'deployment/web', 'nginx=nginx:1.28']],
  [
    ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":4}}'],
    ['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":4}}'],
  ],
  [['patch', 'pod', 'crash', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/x","value":"y"}]']],
  [
    ['delete', 'pod', 'crash', '--wait=false'],
    ['delete', 'pod', 'crash', '--wait=false'],
  ],
  [['delete', 'pods', '-l', 'app=web', '--wait=false']],
  [
    ['rollout', 'history', 'deployment/web'],
    ['rollout', 'history', 'deployment/web', '--revision=1'],
  ],
  [['rollout', 'undo', 'deployment/web']],
  [['rollout', 'status', 'deployment/web', '--watch=false']],
  [
    ['create', '-f', 'app.yaml', '-o', 'name'],
    ['delete', '-f', 'app.yaml', '--wait=false'],
  ],
  [
    ['rollout', 'pause', 'deployment/web'],
    ['rollout', 'resume', 'deployment/web'],
    ['rollout', 'restart', 'deployment/web', '--dry-run=server'],
  ],
  [['logs', 'crash']],
  [
    ['wait', '--for=condition=Ready', 'pod/web-6d4cf56db6-abcde'],
    ['wait', '--for=jsonpath={.status.phase}=Running', 'pod/crash'],
    ['wait', '--for=condition=Ready', 'pod/crash', '--timeout=0'],
    ['wait', '--for=delete', 'pod/nope'],
    ['wait', '--for=foo', 'pod/x'],
  ],
  [['api-resources'], ['api-resources', '--namespaced=false', '-o', 'wide'], ['api-versions']],
];

function name(seq: string[][]): string {
  return seq.map((a) => `kubectl ${a.join(' ')}`).join(' && ');
}

describe.skipIf(!hasKubectl)('kubectl conformance (real /usr/bin/kubectl vs runKubectl, same server)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const argv of [...GET, ...DESCRIBE, ...EXPLAIN]) {
    it(name([argv]), async () => {
      const want = await real([argv]);
      const got = await ours([argv]);
      expect(got.stdout).toBe(want.stdout);
      expect(got.stderr).toBe(want.stderr);
      expect(got.exitCode).toBe(want.exitCode);
      expect(got.requests).toEqual(want.requests);
    });
  }

  for (const seq of MUTATE) {
    it(name(seq), async () => {
      const want = await real(seq);
      const got = await ours(seq);
      expect(got.stdout).toBe(want.stdout);
      expect(got.stderr).toBe(want.stderr);
      expect(got.exitCode).toBe(want.exitCode);
      expect(got.requests).toEqual(want.requests);
    });
  }
});
