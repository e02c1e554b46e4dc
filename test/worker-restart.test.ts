import { describe, expect, it } from 'vitest';
import { threadLink } from '../src/headless/threads.ts';
import { bootCluster } from '../src/machinery/cluster/cluster.ts';
import type { EtcdReply } from '../workers/etcd/etcd.ts';
import type { RangeResponse } from '../workers/etcd/types.ts';
import { registry } from '../workers/registry.ts';

describe('a killed etcd worker', () => {
  it('is reported, restarted, and keeps every acknowledged write', async () => {
    const cluster = await bootCluster({ only: 'etcd', seed: 3 }, (p) => threadLink(p.name), registry);
    const { relay } = cluster;
    try {
      const etcdctl = relay.client('etcdctl');
      // 12,000 writes: more than one write-ahead-log snapshot (every 10,000) plus a tail.
      for (let i = 0; i < 12_000; i += 500) {
        const batch = [];
        for (let j = i; j < i + 500; j++)
          batch.push(etcdctl.request('etcd', 'etcd.put', { key: `/k/${j}`, value: `v${j}` }));
        await relay.settle(Promise.all(batch));
      }
      await relay.kill('etcd');
      const kinds = relay.trace.since(-1).map((r) => r.kind);
      expect(kinds).toContain('@bus.crashed');
      expect(kinds).toContain('@bus.restarted');
      const r = await relay.settle(
        etcdctl.request<EtcdReply<RangeResponse>>('etcd', 'etcd.range', {
          key: '/k/',
          range_end: '/k0',
          count_only: true,
        }),
      );
      expect(r.payload.ok?.count).toBe(12_000);
      expect(r.payload.ok?.header.revision).toBe(12_001);
      const one = await relay.settle(
        etcdctl.request<EtcdReply<RangeResponse>>('etcd', 'etcd.range', { key: '/k/11999' }),
      );
      expect(one.payload.ok?.kvs[0]?.value).toBe('v11999');
      // And it goes on serving writes.
      const w = await relay.settle(
        etcdctl.request<EtcdReply<{ header: { revision: number } }>>('etcd', 'etcd.put', { key: '/after', value: 'x' }),
      );
      expect(w.payload.ok?.header.revision).toBe(12_002);
    } finally {
      await cluster.shutdown();
    }
  });
});
