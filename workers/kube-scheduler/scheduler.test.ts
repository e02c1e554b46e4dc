/**
 * kube-scheduler in a whole cluster on the simulated clock (etcd, kube-apiserver, kubelets, …),
 * driven through the API as kubectl would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../../src/machinery/api/types.ts';
import { type TestCluster, testCluster } from '../../test/harness.ts';
import type { Pod } from './api.ts';
import { decisionTable, latestSchedulingDecision, schedulingDecisions } from './decisions.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

const PODS = '/api/v1/namespaces/default/pods';

function pod(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: 'web' }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }], ...spec },
  };
}

async function create(cl: TestCluster, body: unknown): Promise<void> {
  const r = await cl.api('POST', PODS, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

async function getPod(cl: TestCluster, name: string): Promise<Pod> {
  return (await cl.api('GET', `${PODS}/${name}`)).body as Pod;
}

async function events(cl: TestCluster, name: string): Promise<KObject[]> {
  const r = await cl.api('GET', '/api/v1/namespaces/default/events', undefined, {
    query: { fieldSelector: `involvedObject.name=${name}` },
  });
  return (r.body as { items: KObject[] }).items;
}

async function boot(): Promise<TestCluster> {
  const cl = await testCluster({ workers: 2 });
  // Let the kubelets register their nodes and the scheduler take the lease.
  await cl.relay.advance(5_000);
  return cl;
}

describe('kube-scheduler', () => {
  it('binds five pods to the workers, spread, never the tainted control plane', async () => {
    c = await boot();
    for (let i = 0; i < 5; i++) await create(c, pod(`web-${i}`));
    await c.relay.advance(2_000);
    const nodes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await getPod(c, `web-${i}`);
      nodes.push(p.spec.nodeName ?? '');
      expect(p.status?.conditions?.find((x) => x.type === 'PodScheduled')?.status).toBe('True');
    }
    expect(nodes.every((n) => n === 'kind-worker' || n === 'kind-worker2')).toBe(true);
    expect(nodes.filter((n) => n === 'kind-worker').length).toBeGreaterThanOrEqual(2);
    expect(nodes.filter((n) => n === 'kind-worker2').length).toBeGreaterThanOrEqual(2);
    const ev = (await events(c, 'web-0')).find((e) => e.reason === 'Scheduled');
    expect(ev?.message).toBe(`Successfully assigned default/web-0 to ${nodes[0]}`);
    expect(ev?.type).toBe('Normal');
    expect((ev?.source as { component?: string } | undefined)?.component).toBe('default-scheduler');
  });

  it('leaves a pod that fits nowhere Pending with the upstream FailedScheduling message and condition', async () => {
    c = await boot();
    await create(
      c,
      pod('big', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100' } } }] }),
    );
    await c.relay.advance(2_000);
    const message =
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const p = await getPod(c, 'big');
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.status?.phase).toBe('Pending');
    const cond = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
    expect(cond).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
    const ev = (await events(c, 'big')).find((e) => e.reason === 'FailedScheduling');
    expect(ev?.type).toBe('Warning');
    expect(ev?.message).toBe(message);
    const d = latestSchedulingDecision(c.relay.trace.since(-1), 'default', 'big');
    expect(d?.result).toBe('Unschedulable');
    expect(d?.message).toBe(message);
  });

  it('steers pods with nodeSelector, required node affinity and tolerations', async () => {
    c = await boot();
    await create(c, pod('by-selector', { nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' } }));
    await create(
      c,
      pod('by-affinity', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['kind-worker'] }] },
              ],
            },
          },
        },
      }),
    );
    await create(
      c,
      pod('on-control-plane', {
        nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      }),
    );
    await create(c, pod('no-toleration', { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' } }));
    await c.relay.advance(2_000);
    expect((await getPod(c, 'by-selector')).spec.nodeName).toBe('kind-worker2');
    expect((await getPod(c, 'by-affinity')).spec.nodeName).toBe('kind-worker');
    expect((await getPod(c, 'on-control-plane')).spec.nodeName).toBe('kind-control-plane');
    const stuck = await getPod(c, 'no-toleration');
    expect(stuck.spec.nodeName).toBeUndefined();
    expect(stuck.status?.conditions?.find((x) => x.type === 'PodScheduled')?.message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });

  it('retries an unschedulable pod when a node gains the label it needs', async () => {
    c = await boot();
    await create(c, pod('wants-ssd', { nodeSelector: { disk: 'ssd' } }));
    await c.relay.advance(2_000);
    expect((await getPod(c, 'wants-ssd')).spec.nodeName).toBeUndefined();
    const r = await c.api(
      'PATCH',
      '/api/v1/nodes/kind-worker2',
      { metadata: { labels: { disk: 'ssd' } } },
      {
        headers: { 'content-type': 'application/merge-patch+json' },
      },
    );
    expect(r.status).toBe(200);
    await c.relay.advance(3_000);
    expect((await getPod(c, 'wants-ssd')).spec.nodeName).toBe('kind-worker2');
    const attempts = schedulingDecisions(c.relay.trace.since(-1)).filter((d) => d.pod.name === 'wants-ssd');
    expect(attempts.map((d) => d.result)).toEqual(['Unschedulable', 'Scheduled']);
  });

  it('ignores pods for other schedulers', async () => {
    c = await boot();
    await create(c, pod('custom', { schedulerName: 'my-scheduler' }));
    await c.relay.advance(5_000);
    const p = await getPod(c, 'custom');
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.status?.conditions ?? []).toEqual([]);
    expect(latestSchedulingDecision(c.relay.trace.since(-1), 'default', 'custom')).toBeUndefined();
  });

  it('holds the kube-system/kube-scheduler Lease and renews it', async () => {
    c = await boot();
    const path = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler';
    const first = (await c.api('GET', path)).body as {
      spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
    };
    expect(first.spec.holderIdentity).toMatch(
      /^kind-control-plane_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(first.spec.leaseDurationSeconds).toBe(15);
    await c.relay.advance(10_000);
    const later = (await c.api('GET', path)).body as typeof first;
    expect(later.spec.holderIdentity).toBe(first.spec.holderIdentity);
    expect(later.spec.renewTime > first.spec.renewTime).toBe(true);
  });

  it('writes every decision into the trace, with per-node filter verdicts and per-plugin scores', async () => {
    c = await boot();
    await create(
      c,
      pod('traced', {
        containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '500m', memory: '256Mi' } } }],
      }),
    );
    await c.relay.advance(1_000);
    const records = c.relay.trace.since(-1);
    const note = records.find(
      (r) => r.kind === '@bus.note' && r.from === 'kube-scheduler' && r.summary.startsWith('schedule default/traced'),
    );
    const d = latestSchedulingDecision(records, 'default', 'traced');
    expect(d?.result).toBe('Scheduled');
    expect(note?.summary).toBe(`schedule default/traced: ${d?.node} (2/3 nodes feasible, score ${d?.top[0]?.score})`);
    expect(d?.time).toMatch(/^2025-01-01T00:00:0\dZ$/);
    expect(d?.filterPlugins.map((f) => f.name)).toEqual([
      'NodeUnschedulable',
      'NodeName',
      'TaintToleration',
      'NodeAffinity',
      'NodePorts',
      'NodeResourcesFit',
      'PodTopologySpread',
      'InterPodAffinity',
    ]);
    expect(d?.scorePlugins.map((s) => [s.name, s.weight])).toEqual([
      ['TaintToleration', 3],
      ['NodeAffinity', 2],
      ['NodeResourcesFit', 1],
      ['PodTopologySpread', 2],
      ['InterPodAffinity', 2],
      ['NodeResourcesBalancedAllocation', 1],
      ['ImageLocality', 1],
    ]);
    expect(d?.filterPlugins.filter((f) => f.skipped).map((f) => f.name)).toEqual([
      'NodeAffinity',
      'NodePorts',
      'PodTopologySpread',
      'InterPodAffinity',
    ]);
    const table = d ? decisionTable(d) : [];
    const cp = table.find((r) => r.node === 'kind-control-plane');
    expect(cp?.filters.TaintToleration).toEqual({
      verdict: 'Failed',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    const chosen = table.find((r) => r.chosen);
    expect(chosen?.total).toBe(d?.top[0]?.score);
    expect(chosen?.scores.NodeResourcesBalancedAllocation?.weighted).toBeGreaterThan(0);
  });
});

describe('DefaultPreemption', () => {
  it('evicts lower-priority pods to make room, nominates the node, then binds there', async () => {
    c = await boot();
    const req = (cpu: string) => [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu } } }];
    await create(
      c,
      pod('filler-1', { containers: req('7'), nodeSelector: { 'kubernetes.io/hostname': 'kind-worker' } }),
    );
    await create(
      c,
      pod('filler-2', {
        containers: req('7'),
        nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' },
        priority: 100,
      }),
    );
    await c.relay.advance(2_000);
    expect((await getPod(c, 'filler-1')).spec.nodeName).toBe('kind-worker');
    await create(c, pod('urgent', { containers: req('4'), priority: 1000 }));
    await c.relay.advance(1_000);
    const first = latestSchedulingDecision(c.relay.trace.since(-1), 'default', 'urgent');
    expect(first?.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
    );
    expect(first?.preemption).toEqual({ nominatedNode: 'kind-worker', victims: ['default/filler-1'] });
    expect((await getPod(c, 'urgent')).status?.nominatedNodeName).toBe('kind-worker');
    const preempted = (await events(c, 'filler-1')).find((e) => e.reason === 'Preempted');
    expect(preempted?.message).toBe(`Preempted by pod ${(await getPod(c, 'urgent')).metadata.uid} on node kind-worker`);
    // The victim terminates (kubelet, grace period), then the preemptor lands on the nominated node.
    await c.relay.advance(40_000);
    expect((await c.api('GET', `${PODS}/filler-1`)).status).toBe(404);
    expect((await getPod(c, 'urgent')).spec.nodeName).toBe('kind-worker');
    expect((await getPod(c, 'filler-2')).spec.nodeName).toBe('kind-worker2');
  });
});
