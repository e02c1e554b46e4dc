import { afterEach, describe, expect, it } from 'vitest';
import type { KObject, Status } from '../src/machinery/api/types.ts';
import { apiOnly, type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
  ...extra,
});

describe('kube-apiserver', () => {
  it('boots like a kind cluster: namespaces, the kubernetes Service, nodes', async () => {
    c = await testCluster({ workers: 2 }, apiOnly);
    const ns = await c.api('GET', '/api/v1/namespaces');
    expect((ns.body as { items: KObject[] }).items.map((n) => n.metadata?.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    const svc = await c.api('GET', '/api/v1/namespaces/default/services/kubernetes');
    expect((svc.body as { spec: { clusterIP: string; ports: unknown[] } }).spec.clusterIP).toBe('10.96.0.1');
    const nodes = await c.api('GET', '/api/v1/nodes');
    expect((nodes.body as { items: KObject[] }).items.map((n) => n.metadata?.name)).toEqual([
      'kind-control-plane',
      'kind-worker',
      'kind-worker2',
    ]);
  });

  it('creates with a uid, a timestamp and the etcd revision as resourceVersion, and stores under /registry', async () => {
    c = await testCluster({}, apiOnly);
    const r = await c.api('POST', '/api/v1/namespaces/default/pods', pod('web-1'));
    expect(r.status).toBe(201);
    const created = r.body as KObject;
    expect(created.metadata?.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.metadata?.creationTimestamp).toMatch(/^2025-01-01T00:00:\d\dZ$/);
    expect((created.spec as { tolerations: unknown[] }).tolerations).toHaveLength(2);
    const etcd = c.relay.client('etcdctl');
    const kv = await c.relay.settle(
      etcd.request<{ ok: { kvs: { mod_revision: number }[] } }>('etcd', 'etcd.range', {
        key: '/registry/pods/default/web-1',
      }),
    );
    expect(String(kv.payload.ok.kvs[0]?.mod_revision)).toBe(created.metadata?.resourceVersion);
    const again = await c.api('POST', '/api/v1/namespaces/default/pods', pod('web-1'));
    expect(again.status).toBe(409);
    expect((again.body as Status).message).toBe('pods "web-1" already exists');
  });

  it('rejects a stale resourceVersion with 409 Conflict and the upstream text', async () => {
    c = await testCluster({}, apiOnly);
    const created = (
      await c.api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cfg' }, data: { a: '1' } })
    ).body as KObject;
    const first = await c.api('PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...created, data: { a: '2' } });
    expect(first.status).toBe(200);
    const stale = await c.api('PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...created, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect((stale.body as Status).message).toBe(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('rejects an invalid name with 422 and the field path', async () => {
    c = await testCluster({}, apiOnly);
    const r = await c.api('POST', '/api/v1/namespaces/default/pods', pod('Foo_Bar'));
    expect(r.status).toBe(422);
    expect((r.body as Status).message).toMatch(
      /^Pod "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain/,
    );
  });

  it('allocates ClusterIPs and NodePorts and rejects conflicts', async () => {
    c = await testCluster({}, apiOnly);
    const svc = (name: string, spec: Record<string, unknown>) => ({
      metadata: { name },
      spec: { ports: [{ port: 80 }], selector: { app: 'web' }, ...spec },
    });
    const a = (await c.api('POST', '/api/v1/namespaces/default/services', svc('a', { type: 'NodePort' }))).body as {
      spec: { clusterIP: string; ports: { nodePort: number }[] };
    };
    expect(a.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(a.spec.ports[0]?.nodePort).toBeGreaterThanOrEqual(30086);
    const b = await c.api('POST', '/api/v1/namespaces/default/services', svc('b', { clusterIP: a.spec.clusterIP }));
    expect(b.status).toBe(422);
    expect((b.body as Status).message).toContain('provided IP is already allocated');
  });

  it('lists with label and field selectors', async () => {
    c = await testCluster({}, apiOnly);
    await c.api('POST', '/api/v1/namespaces/default/pods', pod('a'));
    await c.api('POST', '/api/v1/namespaces/default/pods', {
      ...pod('b'),
      metadata: { name: 'b', labels: { app: 'db' } },
    });
    const byLabel = await c.api('GET', '/api/v1/namespaces/default/pods', undefined, {
      query: { labelSelector: 'app=db' },
    });
    expect((byLabel.body as { items: KObject[] }).items.map((p) => p.metadata?.name)).toEqual(['b']);
    const byField = await c.api('GET', '/api/v1/pods', undefined, {
      query: { fieldSelector: 'metadata.name=a,status.phase=Pending' },
    });
    expect((byField.body as { items: KObject[] }).items.map((p) => p.metadata?.name)).toEqual(['a']);
    const bad = await c.api('GET', '/api/v1/pods', undefined, { query: { fieldSelector: 'spec.foo=x' } });
    expect(bad.status).toBe(400);
    expect((bad.body as Status).message).toBe('field label not supported: spec.foo');
  });

  it('streams watch events in resourceVersion order and answers a too-old resourceVersion with 410', async () => {
    c = await testCluster({ watchCacheSize: 5 }, apiOnly);
    const list = (await c.api('GET', '/api/v1/namespaces/default/configmaps')).body as {
      metadata: { resourceVersion: string };
    };
    const seen: string[] = [];
    await c.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata.resourceVersion },
      (events) => {
        for (const e of events) seen.push(`${e.type} ${e.object.metadata?.name} ${e.object.metadata?.resourceVersion}`);
      },
    );
    const a = (await c.api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' } }))
      .body as KObject;
    await c.api('DELETE', '/api/v1/namespaces/default/configmaps/x');
    await c.relay.advance(10);
    expect(seen[0]).toBe(`ADDED x ${a.metadata?.resourceVersion}`);
    expect(seen[1]).toMatch(/^DELETED x \d+$/);
    for (let i = 0; i < 6; i++)
      await c.api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `n${i}` } });
    let error: unknown;
    await c.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata.resourceVersion },
      (events) => {
        error = events[0];
      },
    );
    await c.relay.advance(10);
    expect(error).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });
});

describe("a value written behind the API server's back", () => {
  it('is reported and skipped, not a crash', async () => {
    c = await testCluster({}, apiOnly);
    const etcd = c.relay.client('etcdctl');
    await c.relay.settle(etcd.request('etcd', 'etcd.put', { key: '/registry/pods/default/web', value: '1' }));
    await c.relay.advance(100);
    const list = await c.api('GET', '/api/v1/namespaces/default/pods');
    expect(list.status).toBe(200);
    expect((list.body as { items: unknown[] }).items).toEqual([]);
    const kinds = c.relay.trace.since(-1).map((r) => r.kind);
    expect(kinds).not.toContain('@bus.crashed');
    expect(
      c.relay.trace
        .since(-1)
        .some((r) => r.kind === '@bus.note' && r.summary.includes('failed to decode /registry/pods/default/web')),
    ).toBe(true);
    const get = await c.api('GET', '/api/v1/namespaces/default/pods/web');
    expect(get.status).toBe(500);
  });
});
