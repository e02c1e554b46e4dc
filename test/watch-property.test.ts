/**
 * Watch correctness under concurrency, as a property: with many writers and watchers at once,
 * each watcher sees every change to the objects it watches exactly once, in resourceVersion
 * order, with no gaps; a watcher that starts behind the watch cache's window gets 410 and, after
 * relisting, sees everything from there on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KObject, WatchEventWire } from '../src/machinery/api/types.ts';
import { apiOnly, testCluster } from './harness.ts';

type Op = { kind: 'create' | 'update' | 'delete'; ns: 'a' | 'b'; name: string };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('create', 'update', 'delete'),
  ns: fc.constantFrom('a', 'b'),
  name: fc.constantFrom('x', 'y', 'z'),
});

describe('watch', () => {
  it('delivers every change exactly once, in order, to every watcher', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 3, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(7), fc.constantFrom('', 'a', 'b')), { minLength: 1, maxLength: 6 }),
        async (rounds, watcherSpecs) => {
          const c = await testCluster({ workers: 0, watchCacheSize: 1000 }, apiOnly);
          try {
            for (const ns of ['a', 'b']) await c.api('POST', '/api/v1/namespaces', { metadata: { name: ns } });
            const watchers: { ns: string; from: number; seen: WatchEventWire[] }[] = [];
            const truth: { ns: string; name: string; type: string; rv: number }[] = [];
            // The ground truth: an unfiltered watch opened before any write.
            const start = (c.api('GET', '/api/v1/configmaps') as Promise<{ body: unknown }>).then((r) =>
              Number((r.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion),
            );
            const rv0 = await start;
            await c.watch('/api/v1/configmaps', { resourceVersion: String(rv0) }, (events) => {
              for (const e of events) {
                const m = e.object.metadata ?? {};
                truth.push({ ns: m.namespace ?? '', name: m.name ?? '', type: e.type, rv: Number(m.resourceVersion) });
              }
            });
            for (let r = 0; r < rounds.length; r++) {
              for (const [at, ns] of watcherSpecs) {
                if (at !== r) continue;
                const path = ns ? `/api/v1/namespaces/${ns}/configmaps` : '/api/v1/configmaps';
                const list = await c.api('GET', path);
                const from = Number((list.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
                const w = { ns, from, seen: [] as WatchEventWire[] };
                watchers.push(w);
                await c.watch(path, { resourceVersion: String(from) }, (events) => w.seen.push(...events));
              }
              // One round: all writers at once, without waiting for each other.
              await Promise.all(
                (rounds[r] as Op[]).map(async (op) => {
                  const base = `/api/v1/namespaces/${op.ns}/configmaps`;
                  if (op.kind === 'create')
                    return c.api('POST', base, { metadata: { name: op.name }, data: { r: String(r) } });
                  if (op.kind === 'delete') return c.api('DELETE', `${base}/${op.name}`);
                  return c.api('PUT', `${base}/${op.name}`, { metadata: { name: op.name }, data: { r: `u${r}` } });
                }),
              );
            }
            await c.relay.advance(100);
            // Ground truth is itself in strictly increasing revision order.
            for (let i = 1; i < truth.length; i++) expect(truth[i]?.rv).toBeGreaterThan(truth[i - 1]?.rv as number);
            for (const w of watchers) {
              const expected = truth
                .filter((t) => t.rv > w.from && (!w.ns || t.ns === w.ns))
                .map((t) => `${t.type} ${t.ns}/${t.name}@${t.rv}`);
              const got = w.seen.map((e) => {
                const m = (e.object as KObject).metadata ?? {};
                return `${e.type} ${m.namespace}/${m.name}@${m.resourceVersion}`;
              });
              expect(got).toEqual(expected);
            }
          } finally {
            await c.shutdown();
          }
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  });

  it('answers a watcher behind the window with 410, and a relist catches it up', async () => {
    const c = await testCluster({ workers: 0, watchCacheSize: 4 }, apiOnly);
    try {
      const list0 = await c.api('GET', '/api/v1/namespaces/default/configmaps');
      const old = (list0.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      for (let i = 0; i < 8; i++)
        await c.api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
      const first: WatchEventWire[] = [];
      const ended: boolean[] = [];
      await c.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: old }, (e, end) => {
        first.push(...e);
        ended.push(end);
      });
      await c.relay.advance(10);
      expect(first).toHaveLength(1);
      expect(first[0]?.type).toBe('ERROR');
      expect(first[0]?.object).toMatchObject({ code: 410, reason: 'Expired' });
      expect((first[0]?.object as unknown as { message: string } | undefined)?.message).toMatch(
        /^too old resource version: \d+ \(\d+\)$/,
      );
      expect(ended).toEqual([true]);
      // Relist, then watch from the list's resourceVersion.
      const list = await c.api('GET', '/api/v1/namespaces/default/configmaps');
      const body = list.body as { items: KObject[]; metadata: { resourceVersion: string } };
      expect(body.items).toHaveLength(8);
      const after: string[] = [];
      await c.watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: body.metadata.resourceVersion },
        (e) => {
          for (const x of e) after.push(`${x.type} ${x.object.metadata?.name}`);
        },
      );
      await c.api('DELETE', '/api/v1/namespaces/default/configmaps/c0');
      await c.api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'late' } });
      await c.relay.advance(10);
      expect(after).toEqual(['DELETED c0', 'ADDED late']);
    } finally {
      await c.shutdown();
    }
  });
});
