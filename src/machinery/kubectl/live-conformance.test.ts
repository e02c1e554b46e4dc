/**
 * Our kubectl and the real one against the same running cluster (the headless runner, whose
 * kube-apiserver serves discovery, Tables, OpenAPI and watches over HTTP): the same command must
 * print the same bytes. Commands whose output depends on when they run (ages, rollout progress)
 * are left to conformance.test.ts, which serves both clients fixed state.
 *
 * Needs /usr/bin/kubectl; skipped with a message when it is missing, an error when CI is set.
 * (The kubectl on PATH may be a dispatcher that picks the client version from the server's.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runner, startRunner } from '../../../test/headless.ts';
import { requireTool } from '../../../test/real-tools.ts';
import type { ApiRequest, ApiResponse } from '../api/types.ts';
import { type KubectlIO, runKubectl, type WatchEvent } from './kubectl.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = requireTool('kubectl', KUBECTL, 'install kubectl to compare output with the real client');

let runner: Runner;
const dir = mkdtempSync(join(tmpdir(), 'wheelhouse-kubectl-live-'));

function httpIO(api: string): KubectlIO {
  const url = (r: ApiRequest) => {
    const q = new URLSearchParams(r.query).toString();
    return `${api}${r.path}${q ? `?${q}` : ''}`;
  };
  return {
    server: api,
    now: () => Date.now(),
    async request(r: ApiRequest): Promise<ApiResponse> {
      const init: RequestInit = { method: r.method, headers: r.headers };
      if (r.body !== undefined) init.body = r.body;
      const res = await fetch(url(r), init);
      const text = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        headers[k] = v;
      });
      let body: unknown = text;
      if ((headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          // leave it as text
        }
      }
      return { status: res.status, headers, body };
    },
    watch(r: ApiRequest, onEvent: (e: WatchEvent) => void, onClose?: (err?: unknown) => void) {
      const ac = new AbortController();
      void (async () => {
        try {
          const res = await fetch(url(r), { headers: r.headers, signal: ac.signal });
          const reader = (res.body as ReadableStream<Uint8Array>).getReader();
          const dec = new TextDecoder();
          let buf = '';
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            buf += dec.decode(value, { stream: true });
            for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (line.trim()) onEvent(JSON.parse(line) as WatchEvent);
            }
          }
          onClose?.();
        } catch (e) {
          if (!ac.signal.aborted) onClose?.(e);
        }
      })();
      return { stop: () => ac.abort() };
    },
  };
}

function real(argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    const p = spawn(KUBECTL, argv, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        KUBECONFIG: join(dir, 'config'),
        KUBECACHEDIR: join(dir, 'cache'),
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
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? -1 });
    });
  });
}

async function until(what: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('condition not met in time');
}

const SAME: string[][] = [
  ['api-resources'],
  ['api-resources', '-o', 'wide', '--namespaced=false'],
  ['api-versions'],
  ['get', 'nodes', '-o', 'name'],
  [
    'get',
    'pods',
    '-A',
    '-o',
    'custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,NODE:.spec.nodeName',
    '--sort-by=.metadata.name',
  ],
  ['get', 'svc', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.clusterIP}{"\\n"}{end}'],
  ['get', 'svc', 'kubernetes', '-o', 'yaml'],
  ['get', 'ns', 'kube-system', '-o', 'json'],
  ['get', 'deploy', '-n', 'kube-system', 'coredns', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'],
  ['get', 'foos'],
  ['get', 'pod', 'nope'],
  ['describe', 'ns', 'kube-system'],
  ['describe', 'svc', '-n', 'kube-system', 'kube-dns'],
  ['explain', 'pods'],
  ['explain', 'deployment.spec.strategy'],
  ['explain', 'svc.spec.ports'],
  ['explain', 'pods.spec.containers.resources'],
  ['explain', 'deploy.spec', '--recursive'],
  ['explain', 'pods.spec.nope'],
  ['explain', 'foo'],
  ['create', 'deployment', 'web', '--image=nginx:1.27', '--dry-run=client', '-o', 'yaml'],
  ['create', 'service', 'nodeport', 'web', '--tcp=80:8080', '--dry-run=client', '-o', 'json'],
];

describe.skipIf(!hasKubectl)('our kubectl and the real one against the headless runner', () => {
  let io: KubectlIO;
  beforeAll(async () => {
    runner = await startRunner(['--nodes', '2']);
    writeFileSync(
      join(dir, 'config'),
      `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${runner.api}\n  name: kind\ncontexts:\n- context:\n    cluster: kind\n    user: kind\n  name: kind\ncurrent-context: kind\nusers:\n- name: kind\n  user: {}\n`,
    );
    io = httpIO(runner.api);
    // Let the add-ons settle, so nothing changes between the two runs of a command.
    await until(async () =>
      /coredns-\S+\s+1\/1\s+Running/.test((await runKubectl(['get', 'pods', '-n', 'kube-system'], io)).stdout),
    );
  }, 120_000);
  afterAll(async () => {
    await runner?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const argv of SAME) {
    it(`kubectl ${argv.join(' ')}`, async () => {
      const want = await real(argv);
      const got = await runKubectl(argv, io);
      expect(got.stdout).toBe(want.stdout);
      expect(got.stderr).toBe(want.stderr);
      expect(got.exitCode).toBe(want.exitCode);
    });
  }

  it('a deployment created, scaled, rolled back and deleted prints the same lines', async () => {
    const seq = (name: string) => [
      ['create', 'deployment', name, '--image=nginx:1.27', '--replicas=2'],
      ['wait', '--for=condition=Available', `deploy/${name}`, '--timeout=90s'],
      ['scale', 'deploy', name, '--replicas=3'],
      ['set', 'image', `deploy/${name}`, 'nginx=nginx:1.28'],
      ['rollout', 'status', `deploy/${name}`, '--timeout=90s'],
      ['rollout', 'history', `deploy/${name}`],
      ['rollout', 'undo', `deploy/${name}`],
      ['expose', 'deploy', name, '--port=80', '--target-port=8080'],
      ['label', 'deploy', name, 'tier=fe'],
      ['annotate', 'deploy', name, 'note=hi'],
      ['delete', 'svc', name],
      ['delete', 'deploy', name],
    ];
    const last = (s: string) => s.trimEnd().split('\n').pop() ?? '';
    for (const [a, b] of seq('real-web').map((argv, i) => [argv, seq('ours-web')[i] as string[]] as const)) {
      const want = await real(a);
      const got = await runKubectl(b, io);
      // rollout status prints progress lines that depend on timing; compare its final line.
      const norm = (s: string) => s.replaceAll('ours-web', 'real-web');
      if (a[0] === 'rollout' && a[1] === 'status') expect(last(norm(got.stdout))).toBe(last(want.stdout));
      else expect(norm(got.stdout)).toBe(want.stdout);
      expect(norm(got.stderr)).toBe(want.stderr);
      expect(got.exitCode).toBe(want.exitCode);
    }
  }, 300_000);
});
