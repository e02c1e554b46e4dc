/**
 * Real kubectl against the headless runner: what it prints must be what it prints against a real
 * cluster (formats from kubectl and kube-apiserver's printers; names and ages vary, so those
 * columns are matched by pattern).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runner, startRunner } from './headless.ts';
import { requireTool } from './real-tools.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = requireTool('kubectl', KUBECTL, 'install kubectl (the Kubernetes CLI)');

let runner: Runner;
const dir = mkdtempSync(join(tmpdir(), 'wheelhouse-kubectl-'));

function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--server', runner.api, ...args],
      { env: { ...process.env, KUBECONFIG: '/dev/null' }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function until(what: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

describe.skipIf(!hasKubectl)('real kubectl against the headless runner', () => {
  beforeAll(async () => {
    runner = await startRunner(['--nodes', '2']);
  }, 90_000);
  afterAll(async () => {
    await runner?.stop();
  });

  it('version reports the server', async () => {
    const r = await kubectl('version');
    expect(r.stdout).toMatch(/^Client Version: v1\.\d+\.\d+/m);
    expect(r.stdout).toMatch(/^Server Version: v1\.33\.1$/m);
  });

  it('api-resources lists what is served, as kubectl prints it', async () => {
    const r = await kubectl('api-resources');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m);
    expect(r.stdout).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
  });

  it('a fresh cluster looks like a fresh kind cluster', async () => {
    await until(
      async () => (await kubectl('get', 'nodes')).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 3,
      60_000,
    );
    const nodes = await kubectl('get', 'nodes');
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    expect(nodes.stdout).toMatch(/^kind-control-plane\s+Ready\s+control-plane\s+\d+s\s+v1\.33\.1$/m);
    expect(nodes.stdout).toMatch(/^kind-worker\s+Ready\s+<none>\s+\d+s\s+v1\.33\.1$/m);
    const ns = await kubectl('get', 'ns');
    for (const n of ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'local-path-storage'])
      expect(ns.stdout).toMatch(new RegExp(`^${n}\\s+Active\\s+\\d+s$`, 'm'));
    await until(
      async () => /coredns-\S+\s+1\/1\s+Running/.test((await kubectl('get', 'pods', '-n', 'kube-system')).stdout),
      60_000,
    );
    const sys = await kubectl('get', 'pods', '-n', 'kube-system');
    for (const p of [
      'etcd-kind-control-plane',
      'kube-apiserver-kind-control-plane',
      'kube-controller-manager-kind-control-plane',
      'kube-scheduler-kind-control-plane',
    ]) {
      expect(sys.stdout).toMatch(new RegExp(`^${p}\\s+1/1\\s+Running\\s+0\\s+\\d+s$`, 'm'));
    }
  });

  it('creates a deployment from flags and runs its pods on the workers', async () => {
    const r = await kubectl('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
    expect(r.stdout).toBe('deployment.apps/web created\n');
    await until(async () => /^web\s+3\/3\s+3\s+3\s+/m.test((await kubectl('get', 'deploy')).stdout));
    const pods = await kubectl('get', 'pods', '-o', 'wide', '-l', 'app=web');
    const rows = pods.stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatch(
        /^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.[12]\.\d+\s+kind-worker2?\s+<none>\s+<none>$/,
      );
    }
  });

  it('prints -o name, jsonpath, json and yaml', async () => {
    expect((await kubectl('get', 'deploy', 'web', '-o', 'name')).stdout).toBe('deployment.apps/web\n');
    expect((await kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).stdout).toBe('3');
    const j = JSON.parse((await kubectl('get', 'deploy', 'web', '-o', 'json')).stdout) as {
      kind: string;
      metadata: { name: string };
    };
    expect(j.kind).toBe('Deployment');
    const y = (await kubectl('get', 'svc', 'kubernetes', '-o', 'yaml')).stdout;
    expect(y).toMatch(/^apiVersion: v1\nkind: Service\n/);
    expect(y).toMatch(/clusterIP: 10\.96\.0\.1\n/);
  });

  it('selects by field', async () => {
    const r = await kubectl('get', 'pods', '-A', '--field-selector', 'spec.nodeName=kind-control-plane', '-o', 'name');
    expect(r.stdout).toMatch(/pod\/etcd-kind-control-plane/);
    expect(r.stdout).not.toMatch(/pod\/web-/);
  });

  it('exposes, labels, annotates and scales', async () => {
    expect((await kubectl('expose', 'deployment', 'web', '--port=80', '--type=NodePort')).stdout).toBe(
      'service/web exposed\n',
    );
    const svc = await kubectl('get', 'svc', 'web');
    expect(svc.stdout).toMatch(/^web\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\d+s$/m);
    expect((await kubectl('label', 'deploy', 'web', 'tier=frontend')).stdout).toBe('deployment.apps/web labeled\n');
    expect((await kubectl('annotate', 'deploy', 'web', 'owner=team-a')).stdout).toBe('deployment.apps/web annotated\n');
    expect((await kubectl('scale', 'deploy', 'web', '--replicas=2')).stdout).toBe('deployment.apps/web scaled\n');
    await until(async () => /^web\s+2\/2\s+2\s+2\s+/m.test((await kubectl('get', 'deploy')).stdout));
  });

  it('applies, re-applies, replaces, patches and deletes from files', async () => {
    const cm = file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n');
    expect((await kubectl('apply', '-f', cm)).stdout).toBe('configmap/cfg created\n');
    expect((await kubectl('apply', '-f', cm)).stdout).toBe('configmap/cfg unchanged\n');
    const cm2 = file('cm2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "2"\n');
    expect((await kubectl('apply', '-f', cm2)).stdout).toBe('configmap/cfg configured\n');
    expect((await kubectl('replace', '-f', cm)).stdout).toBe('configmap/cfg replaced\n');
    expect((await kubectl('patch', 'configmap', 'cfg', '-p', '{"data":{"b":"3"}}')).stdout).toBe(
      'configmap/cfg patched\n',
    );
    expect(
      (await kubectl('patch', 'configmap', 'cfg', '--type=json', '-p', '[{"op":"remove","path":"/data/b"}]')).stdout,
    ).toBe('configmap/cfg patched\n');
    // data.a now belongs to kubectl-replace: server-side apply refuses to take it without --force-conflicts.
    const conflict = await kubectl('apply', '--server-side', '-f', cm2);
    expect(conflict.stderr).toMatch(
      /^error: Apply failed with 1 conflict: conflict with "kubectl-replace" using v1: \.data\.a$/m,
    );
    expect((await kubectl('apply', '--server-side', '--force-conflicts', '-f', cm2)).stdout).toBe(
      'configmap/cfg serverside-applied\n',
    );
    expect((await kubectl('delete', '-f', cm)).stdout).toBe('configmap "cfg" deleted\n');
  });

  it('prints the error cases as kubectl does against a real cluster', async () => {
    expect((await kubectl('get', 'pod', 'nope')).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect((await kubectl('get', 'foos')).stderr).toBe('error: the server doesn\'t have a resource type "foos"\n');
    expect((await kubectl('create', 'deployment', 'web', '--image=nginx')).stderr).toBe(
      'error: failed to create deployment: deployments.apps "web" already exists\n',
    );
    const bad = file(
      'bad.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Foo_Bar\nspec:\n  containers:\n  - name: c\n    image: nginx\n',
    );
    expect((await kubectl('create', '-f', bad)).stderr).toMatch(
      /^The Pod "Foo_Bar" is invalid: metadata\.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character \(e\.g\. 'example\.com', regex used for validation is '\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?\(\\\.\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?\)\*'\)\n$/,
    );
    // A stale resourceVersion on replace.
    file('c1.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: "1"\n');
    await kubectl('create', '-f', join(dir, 'c1.yaml'));
    const cur = JSON.parse((await kubectl('get', 'cm', 'c1', '-o', 'json')).stdout) as {
      metadata: { resourceVersion: string };
    };
    await kubectl('patch', 'cm', 'c1', '-p', '{"data":{"a":"2"}}');
    const stale = file(
      'stale.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n  resourceVersion: "${cur.metadata.resourceVersion}"\ndata:\n  a: "3"\n`,
    );
    expect((await kubectl('replace', '-f', stale)).stderr).toBe(
      `Error from server (Conflict): error when replacing "${stale}": Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again\n`,
    );
  });

  it('get -w receives the events another client causes', async () => {
    const { spawn } = await import('node:child_process');
    const w = spawn(KUBECTL, ['--server', runner.api, 'get', 'cm', '-w', '--output-watch-events'], {
      env: { ...process.env, KUBECONFIG: '/dev/null' },
    });
    let out = '';
    w.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await until(async () => out.includes('kube-root-ca.crt'));
    await kubectl('create', 'configmap', 'watched', '--from-literal=x=y');
    await kubectl('delete', 'configmap', 'watched');
    await until(async () => /DELETED\s+watched/.test(out));
    w.kill();
    expect(out).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE$/m);
    expect(out).toMatch(/^ADDED\s+watched\s+1\s+0s$/m);
    expect(out).toMatch(/^DELETED\s+watched\s+1\s+\d+s$/m);
  });

  it('explains resources from the OpenAPI documents', async () => {
    const r = await kubectl('explain', 'pods');
    expect(r.stdout).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nDESCRIPTION:\n/);
    expect(r.stdout).toMatch(/^FIELDS:$/m);
    expect(r.stdout).toMatch(/^ {2}spec\t<PodSpec>$/m);
    const d = await kubectl('explain', 'deployment.spec.strategy');
    expect(d.stdout).toMatch(
      /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: strategy <DeploymentStrategy>/,
    );
    expect((await kubectl('explain', 'pods.spec.nope')).stderr).toMatch(/field "nope" does not exist/);
  });

  it('validates fields on the server as kubectl asks (strict)', async () => {
    const unk = file(
      'unknown.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  foo: 1\n  containers:\n  - name: c\n    image: nginx\n',
    );
    expect((await kubectl('create', '-f', unk)).stderr).toBe(
      `Error from server (BadRequest): error when creating "${unk}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"\n`,
    );
    expect((await kubectl('apply', '-f', unk)).stderr).toMatch(/strict decoding error: unknown field "spec\.foo"/);
  });

  it('describes a pod and a node', async () => {
    const name = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
    const d = await kubectl('describe', 'pod', name);
    expect(d.stdout).toMatch(/^Name:\s+web-/m);
    expect(d.stdout).toMatch(/^Status:\s+Running$/m);
    expect(d.stdout).toMatch(/Successfully assigned default\/web-\S+ to kind-worker2?/);
    const n = await kubectl('describe', 'node', 'kind-worker');
    expect(n.stdout).toMatch(/^Roles:\s+<none>$/m);
    expect(n.stdout).toMatch(/^PodCIDR:\s+10\.244\.1\.0\/24$/m);
  });

  it('deleting a deployment removes its pods', async () => {
    expect((await kubectl('delete', 'deployment', 'web')).stdout).toBe('deployment.apps "web" deleted\n');
    await until(async () => (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'name')).stdout === '');
  });
});
