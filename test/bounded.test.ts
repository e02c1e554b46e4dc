/**
 * Bounded: an idle cluster (3 nodes, every component running, heartbeats, leases, status
 * updates, compaction) run for ten simulated minutes at maximum speed keeps flat memory: the
 * trace is a ring, etcd history is compacted, caches hold objects, not history.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { testCluster } from './harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('an idle cluster', () => {
  it('keeps flat memory over ten simulated minutes', async () => {
    const c = await testCluster({ workers: 2 }, undefined, { traceCapacity: 2_000 });
    try {
      await c.relay.advance(120_000);
      const samples: number[] = [];
      for (let minute = 2; minute < 12; minute++) {
        await c.relay.advance(60_000);
        samples.push(heap());
      }
      const early = Math.min(...samples.slice(0, 3));
      const late = Math.max(...samples.slice(-3));
      // Allow noise, not growth proportional to time: ten minutes of heartbeats would otherwise
      // add hundreds of thousands of trace records and etcd revisions.
      expect(late / early).toBeLessThan(1.15);
      expect(c.relay.trace.size).toBeLessThanOrEqual(c.relay.trace.capacity);
      expect(c.relay.stats.delivered).toBeGreaterThan(5_000);
    } finally {
      await c.shutdown();
    }
  }, 180_000);
});
