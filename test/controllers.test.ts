import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

type List = { items: KObject[] };
const names = (l: unknown) => (l as List).items.map((i) => i.metadata?.name ?? '');

const deployment = (name: string, replicas: number, image = 'nginx:1.27') => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

describe('kube-controller-manager', () => {
  it('gives every namespace a default ServiceAccount and the root CA ConfigMap', async () => {
    c = await testCluster({ workers: 0 });
    await c.api('POST', '/api/v1/namespaces', { metadata: { name: 'demo' } });
    await c.relay.advance(10_000);
    expect(names((await c.api('GET', '/api/v1/namespaces/demo/serviceaccounts')).body)).toEqual(['default']);
    expect(names((await c.api('GET', '/api/v1/namespaces/demo/configmaps')).body)).toEqual(['kube-root-ca.crt']);
  });

  it('turns a Deployment into a ReplicaSet named with the pod-template-hash and pods named after it', async () => {
    c = await testCluster({ workers: 0 });
    await c.relay.advance(5_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 3));
    await c.relay.advance(5_000);
    const rs = (await c.api('GET', '/apis/apps/v1/namespaces/default/replicasets')).body as List;
    expect(rs.items).toHaveLength(1);
    const rsName = rs.items[0]?.metadata?.name ?? '';
    expect(rsName).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.items[0]?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const pods = names((await c.api('GET', '/api/v1/namespaces/default/pods')).body);
    expect(pods).toHaveLength(3);
    for (const p of pods) expect(p).toMatch(new RegExp(`^${rsName}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    // Scale down: three become one.
    await c.api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      { spec: { replicas: 1 } },
      { headers: { 'content-type': 'application/merge-patch+json' } },
    );
    await c.relay.advance(5_000);
    const after = (await c.api('GET', '/api/v1/namespaces/default/pods')).body as List;
    expect(after.items.filter((p) => !p.metadata?.deletionTimestamp)).toHaveLength(1);
  });

  it('deleting a Deployment removes its ReplicaSets and pods (garbage collector)', async () => {
    c = await testCluster({ workers: 0 });
    await c.relay.advance(5_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2));
    await c.relay.advance(5_000);
    expect(names((await c.api('GET', '/api/v1/namespaces/default/pods')).body)).toHaveLength(2);
    await c.api('DELETE', '/apis/apps/v1/namespaces/default/deployments/web');
    await c.relay.advance(10_000);
    expect(names((await c.api('GET', '/apis/apps/v1/namespaces/default/replicasets')).body)).toEqual([]);
    expect(names((await c.api('GET', '/api/v1/namespaces/default/pods')).body)).toEqual([]);
  });

  it('orphans dependents with propagationPolicy Orphan', async () => {
    c = await testCluster({ workers: 0 });
    await c.relay.advance(5_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 1));
    await c.relay.advance(5_000);
    await c.api('DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { propagationPolicy: 'Orphan' });
    await c.relay.advance(10_000);
    expect((await c.api('GET', '/apis/apps/v1/namespaces/default/deployments/web')).status).toBe(404);
    const rs = (await c.api('GET', '/apis/apps/v1/namespaces/default/replicasets')).body as List;
    expect(rs.items).toHaveLength(1);
    expect(rs.items[0]?.metadata?.ownerReferences ?? []).toEqual([]);
  });

  it('empties a namespace being deleted, then the namespace goes', async () => {
    c = await testCluster({ workers: 0 });
    await c.relay.advance(5_000);
    await c.api('POST', '/api/v1/namespaces', { metadata: { name: 'demo' } });
    await c.api('POST', '/apis/apps/v1/namespaces/demo/deployments', deployment('web', 2));
    await c.api('POST', '/api/v1/namespaces/demo/configmaps', { metadata: { name: 'cfg' } });
    await c.relay.advance(5_000);
    const del = await c.api('DELETE', '/api/v1/namespaces/demo');
    expect((del.body as { status: { phase: string } }).status.phase).toBe('Terminating');
    await c.relay.advance(30_000);
    expect((await c.api('GET', '/api/v1/namespaces/demo')).status).toBe(404);
    expect(names((await c.api('GET', '/api/v1/namespaces/demo/pods')).body)).toEqual([]);
  });
});

describe('node lifecycle', () => {
  it('marks a node whose kubelet stopped Unknown after 50 s, taints it, and evicts its pods after 300 s', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'p' },
      spec: { nodeName: 'kind-worker', containers: [{ name: 'c', image: 'nginx' }] },
    });
    await c.relay.advance(10_000);
    await c.relay.stopComponent('kubelet@kind-worker');
    const stoppedAt = c.relay.now;
    const cluster = c;
    type NodeStatus = { status: { conditions: { type: string; status: string; reason: string }[] } };
    const ready = async () => {
      const r = await cluster.api('GET', '/api/v1/nodes/kind-worker');
      return (r.body as NodeStatus).status.conditions.find((x) => x.type === 'Ready');
    };
    await c.relay.advance(40_000);
    expect((await ready())?.status).toBe('True');
    await c.relay.advance(30_000);
    expect(await ready()).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    const node = (await c.api('GET', '/api/v1/nodes/kind-worker')).body as {
      spec: { taints: { key: string; effect: string }[] };
    };
    expect(node.spec.taints.map((t) => `${t.key}:${t.effect}`).sort()).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    // Still there before the toleration runs out …
    await c.relay.advance(250_000);
    expect((await c.api('GET', '/api/v1/namespaces/default/pods/p')).status).toBe(200);
    // … evicted after it (the deletion waits for the kubelet, which is down: the pod is Terminating).
    await c.relay.advance(60_000);
    const p = (await c.api('GET', '/api/v1/namespaces/default/pods/p')).body as KObject;
    expect(p.metadata?.deletionTimestamp).toBeTruthy();
    expect(c.relay.now - stoppedAt).toBeGreaterThan(350_000);
    // The kubelet comes back: the node is Ready again and untainted, and the pod finishes terminating.
    await c.relay.startComponent('kubelet@kind-worker');
    await c.relay.advance(30_000);
    expect((await ready())?.status).toBe('True');
    const again = (await c.api('GET', '/api/v1/nodes/kind-worker')).body as { spec: { taints?: unknown[] } };
    expect(again.spec.taints ?? []).toEqual([]);
    expect((await c.api('GET', '/api/v1/namespaces/default/pods/p')).status).toBe(404);
  });
});

describe('nodes come and go', () => {
  it('a node added while the cluster runs registers and takes pods; a removed one gives them up', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(15_000);
    const name = await c.addNode();
    expect(name).toBe('kind-worker2');
    await c.relay.advance(15_000);
    const node = (await c.api('GET', '/api/v1/nodes/kind-worker2')).body as {
      spec: { podCIDR: string };
      status: { conditions: { type: string; status: string }[] };
    };
    expect(node.spec.podCIDR).toBe('10.244.2.0/24');
    expect(node.status.conditions.find((x) => x.type === 'Ready')?.status).toBe('True');
    await c.api('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 4));
    await c.relay.advance(20_000);
    const pods = (await c.api('GET', '/api/v1/namespaces/default/pods')).body as {
      items: { spec: { nodeName: string } }[];
    };
    expect(pods.items.some((p) => p.spec.nodeName === 'kind-worker2')).toBe(true);
    await c.removeNode('kind-worker2');
    await c.relay.advance(60_000);
    expect((await c.api('GET', '/api/v1/nodes/kind-worker2')).status).toBe(404);
    const after = (await c.api('GET', '/api/v1/namespaces/default/pods')).body as {
      items: { spec: { nodeName: string }; status: { phase: string } }[];
    };
    expect(after.items.filter((p) => p.spec.nodeName === 'kind-worker2')).toEqual([]);
    expect(after.items.filter((p) => p.status.phase === 'Running')).toHaveLength(4);
  });
});
