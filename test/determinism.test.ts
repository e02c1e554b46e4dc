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
