import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/headless/run-scenario.ts';

const text = readFileSync(new URL('../scenarios/etcd-basics.yaml', import.meta.url), 'utf8');

describe('determinism', () => {
  it('gives a byte-identical trace for the same scenario and seed, on worker_threads and in-process', async () => {
    const a = await runScenario(text, { seed: 11, placement: 'threads' });
    const b = await runScenario(text, { seed: 11, placement: 'threads' });
    const c = await runScenario(text, { seed: 11, placement: 'in-process' });
    expect(a.trace.length).toBeGreaterThan(10);
    expect(b.trace.join('\n')).toBe(a.trace.join('\n'));
    expect(c.trace.join('\n')).toBe(a.trace.join('\n'));
    expect(c.results.map((r) => r.output)).toEqual(a.results.map((r) => r.output));
  });

  it('reports a bad step at its line and column', async () => {
    await expect(runScenario('steps:\n  - etcd: put /a b\n  - sleep: 3s\n')).rejects.toThrow(
      'line 3, column 5: unknown step "sleep"',
    );
    await expect(runScenario('steps:\n  - wait: soon\n')).rejects.toThrow('line 2, column 5: invalid duration "soon"');
  });
});

describe('a whole-cluster scenario', () => {
  const deployment = readFileSync(new URL('../scenarios/deployment.yaml', import.meta.url), 'utf8');

  it('runs kubectl steps to the same trace every time, and prints what kubectl prints', async () => {
    const a = await runScenario(deployment, { placement: 'in-process' });
    const b = await runScenario(deployment, { placement: 'in-process' });
    expect(b.trace.join('\n')).toBe(a.trace.join('\n'));
    const out = a.results.map((r) => r.output).join('');
    expect(out).toContain('deployment.apps/web created');
    expect(out).toMatch(
      /^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.[12]\.\d+\s+kind-worker2?\s+<none>\s+<none>$/m,
    );
    expect(out).toContain('deployment "web" successfully rolled out');
    expect(out).toContain('deployment.apps/web rolled back');
    expect(out).toMatch(/^web\s+3\/3\s+3\s+3\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$/m);
    // Every component took part.
    const from = new Set(a.trace.map((l) => (JSON.parse(l) as { from: string }).from));
    for (const c of [
      'kube-apiserver',
      'etcd',
      'kube-scheduler',
      'kube-controller-manager',
      'kubelet@kind-worker',
      'containerd@kind-worker',
      'kube-proxy@kind-worker',
    ]) {
      expect(from).toContain(c);
    }
  }, 120_000);
});
