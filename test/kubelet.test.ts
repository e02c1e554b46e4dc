import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

type Pod = KObject & {
  status: {
    phase: string;
    podIP?: string;
    containerStatuses?: { state: Record<string, { reason?: string }>; restartCount: number; ready: boolean }[];
  };
};

async function getPod(c: TestCluster, name: string, ns = 'default'): Promise<Pod> {
  return (await c.api('GET', `/api/v1/namespaces/${ns}/pods/${name}`)).body as Pod;
}

const pod = (name: string, node: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { nodeName: node, containers: [{ name: 'main', ...container }], ...extra },
});

describe('kubelet', () => {
  it('registers its node, which turns Ready, and renews its lease', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(15_000);
    const node = (await c.api('GET', '/api/v1/nodes/kind-worker')).body as {
      status: { conditions: { type: string; status: string }[] };
    };
    expect(node.status.conditions.find((x) => x.type === 'Ready')?.status).toBe('True');
    const lease = (await c.api('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kind-worker'))
      .body as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe('kind-worker');
  });

  it('runs the control plane as static pods mirrored into kube-system', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(5_000);
    const list = (
      await c.api('GET', '/api/v1/namespaces/kube-system/pods', undefined, {
        query: { labelSelector: 'tier=control-plane' },
      })
    ).body as { items: Pod[] };
    expect(list.items.map((p) => p.metadata?.name).sort()).toEqual([
      'etcd-kind-control-plane',
      'kube-apiserver-kind-control-plane',
      'kube-controller-manager-kind-control-plane',
      'kube-scheduler-kind-control-plane',
    ]);
    for (const p of list.items) {
      expect(p.status.phase).toBe('Running');
      expect(p.status.podIP).toBe('172.18.0.2');
    }
  });

  it('pulls, creates and starts a pod, with an IP from the node pod CIDR', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(2_000);
    await c.api('POST', '/api/v1/namespaces/default/pods', pod('web', 'kind-worker', { image: 'nginx:1.27' }));
    await c.relay.advance(10_000);
    const p = await getPod(c, 'web');
    expect(p.status.phase).toBe('Running');
    expect(p.status.podIP).toMatch(/^10\.244\.1\.([2-9]|[1-9]\d+)$/);
    expect(p.status.containerStatuses?.[0]?.ready).toBe(true);
  });

  it('backs off a crashing container: CrashLoopBackOff with growing delays', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(2_000);
    await c.api(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('crash', 'kind-worker', { image: 'busybox', command: ['sh', '-c', 'sleep 1; exit 1'] }),
    );
    await c.relay.advance(60_000);
    const p = await getPod(c, 'crash');
    const cs = p.status.containerStatuses?.[0];
    // Runs 1 s, restarts at once, then after 10 s, 20 s: 3 restarts by one minute, not more.
    expect(cs?.restartCount).toBeGreaterThanOrEqual(2);
    expect(cs?.restartCount).toBeLessThanOrEqual(4);
    await c.relay.advance(5 * 60_000);
    const later = (await getPod(c, 'crash')).status.containerStatuses?.[0];
    expect(later?.state.waiting?.reason ?? 'Running').toMatch(/CrashLoopBackOff|Running/);
    expect(later?.restartCount).toBeLessThan(10);
  });

  it('reports ErrImagePull then ImagePullBackOff for an image that does not exist', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(2_000);
    await c.api('POST', '/api/v1/namespaces/default/pods', pod('bad', 'kind-worker', { image: 'nginx:no-such-tag' }));
    await c.relay.advance(3_000);
    expect((await getPod(c, 'bad')).status.containerStatuses?.[0]?.state.waiting?.reason).toBe('ErrImagePull');
    // The retry after the worker back-off fails again and doubles the image back-off; the next sync
    // finds the image still backing off.
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await c.relay.advance(1_000);
      seen.add(String((await getPod(c, 'bad')).status.containerStatuses?.[0]?.state.waiting?.reason));
    }
    expect([...seen].sort()).toEqual(['ErrImagePull', 'ImagePullBackOff']);
  });

  it('runs a command to completion: Succeeded', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(2_000);
    await c.api(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('once', 'kind-worker', { image: 'busybox', command: ['sleep', '3'] }, { restartPolicy: 'Never' }),
    );
    await c.relay.advance(10_000);
    const p = await getPod(c, 'once');
    expect(p.status.phase).toBe('Succeeded');
    expect(p.status.containerStatuses?.[0]?.state.terminated?.reason).toBe('Completed');
  });

  it('terminates gracefully and removes the pod from the API', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(2_000);
    await c.api('POST', '/api/v1/namespaces/default/pods', pod('web', 'kind-worker', { image: 'nginx' }));
    await c.relay.advance(10_000);
    const del = await c.api('DELETE', '/api/v1/namespaces/default/pods/web');
    expect((del.body as KObject).metadata?.deletionTimestamp).toBeTruthy();
    await c.relay.advance(5_000);
    expect((await c.api('GET', '/api/v1/namespaces/default/pods/web')).status).toBe(404);
  });
});
