/**
 * A rolling update keeps its promises at every step: while a Deployment moves from one image to
 * another, the ReplicaSets' desired replicas never exceed replicas + maxSurge, and the available
 * pods never fall below replicas - maxUnavailable — checked after every watch event, for random
 * sizes and strategies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { testCluster } from './harness.ts';

type RS = KObject & { spec: { replicas?: number }; status?: { availableReplicas?: number } };

describe('rolling update', () => {
  it('stays within maxSurge and maxUnavailable at every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        async (replicas, surge, unavailable) => {
          fc.pre(surge + unavailable > 0);
          const c = await testCluster({ workers: 2, addons: false });
          try {
            await c.relay.advance(5_000);
            await c.api('POST', '/apis/apps/v1/namespaces/default/deployments', {
              metadata: { name: 'web' },
              spec: {
                replicas,
                strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
                selector: { matchLabels: { app: 'web' } },
                template: {
                  metadata: { labels: { app: 'web' } },
                  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
                },
              },
            });
            await c.relay.advance(30_000);
            const rsMap = new Map<string, RS>();
            const list = (await c.api('GET', '/apis/apps/v1/namespaces/default/replicasets')).body as {
              items: RS[];
              metadata: { resourceVersion: string };
            };
            for (const rs of list.items) rsMap.set(rs.metadata?.name ?? '', rs);
            const violations: string[] = [];
            let steps = 0;
            await c.watch(
              '/apis/apps/v1/namespaces/default/replicasets',
              { resourceVersion: list.metadata.resourceVersion },
              (events) => {
                for (const e of events) {
                  const rs = e.object as RS;
                  if (e.type === 'DELETED') rsMap.delete(rs.metadata?.name ?? '');
                  else rsMap.set(rs.metadata?.name ?? '', rs);
                }
                steps++;
                const desired = [...rsMap.values()].reduce((a, r) => a + (r.spec.replicas ?? 0), 0);
                const available = [...rsMap.values()].reduce((a, r) => a + (r.status?.availableReplicas ?? 0), 0);
                if (desired > replicas + surge)
                  violations.push(`step ${steps}: ${desired} desired > ${replicas} + ${surge}`);
                if (available < replicas - unavailable)
                  violations.push(`step ${steps}: ${available} available < ${replicas} - ${unavailable}`);
              },
            );
            await c.api(
              'PATCH',
              '/apis/apps/v1/namespaces/default/deployments/web',
              { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } },
              { headers: { 'content-type': 'application/strategic-merge-patch+json' } },
            );
            await c.relay.advance(120_000);
            const d = (await c.api('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body as {
              status: { updatedReplicas?: number; availableReplicas?: number; replicas?: number };
            };
            expect(violations).toEqual([]);
            expect(steps).toBeGreaterThan(2);
            expect(d.status).toMatchObject({ updatedReplicas: replicas, availableReplicas: replicas, replicas });
            expect([...rsMap.values()].filter((r) => (r.spec.replicas ?? 0) > 0)).toHaveLength(1);
          } finally {
            await c.shutdown();
          }
        },
      ),
      { numRuns: 6, seed: 7 },
    );
  }, 240_000);
});
