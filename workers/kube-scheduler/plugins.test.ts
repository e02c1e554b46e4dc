/**
 * Each filter and score plugin against upstream's test vectors (least_allocated_test.go,
 * balanced_allocation_test.go, taint_toleration_test.go, …) and hand-computed cases.
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from './api.ts';
import { newCycleState, type ScorePlugin, type Snapshot } from './framework-types.ts';
import { defaultNormalizeScore, type NodeScore, normalizedImageName } from './helpers.ts';
import { balancedAllocation, balancedResourceScorer } from './plugins/balanced-allocation.ts';
import { calculatePriority, imageLocality } from './plugins/image-locality.ts';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  interPodAffinityFilter,
  interPodAffinityScore,
} from './plugins/inter-pod-affinity.ts';
import { ERR_REASON_POD, nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity.ts';
import { ERR_REASON_NODE_NAME, nodeName } from './plugins/node-name.ts';
import { ERR_REASON_PORTS, nodePorts } from './plugins/node-ports.ts';
import { nodeResourcesFitFilter, nodeResourcesFitScore } from './plugins/node-resources-fit.ts';
import { ERR_REASON_UNSCHEDULABLE, nodeUnschedulable } from './plugins/node-unschedulable.ts';
import {
  countNodePodsMatchSelector,
  countPodsMatchSelector,
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  podTopologySpreadFilter,
  podTopologySpreadScore,
} from './plugins/pod-topology-spread.ts';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration.ts';
import { podRequests, quantityValue } from './resource.ts';
import { cacheOf, makeNode, makePod, snapshotOf } from './testing.ts';
import { NodeInfo, newPodInfo, type Status, selectorOf } from './types.ts';

const MB = 1024 * 1024;

function runFilter(plugin: typeof nodeUnschedulable, pod: Pod, snap: Snapshot): Record<string, Status | null | 'Skip'> {
  const state = newCycleState(newPodInfo(pod), snap);
  const pre = plugin.preFilter?.(state);
  const out: Record<string, Status | null | 'Skip'> = {};
  for (const n of snap.nodes) {
    if (pre?.status?.code === 'Skip') out[n.name] = 'Skip';
    else if (pre?.status) out[n.name] = pre.status;
    else out[n.name] = plugin.filter(state, n);
  }
  return out;
}

function runScore(
  plugin: ScorePlugin,
  pod: Pod,
  snap: Snapshot,
): { skipped: boolean; raw: number[]; normalized: number[] } {
  const state = newCycleState(newPodInfo(pod), snap);
  const pre = plugin.preScore?.(state, snap.nodes);
  if (pre?.code === 'Skip') return { skipped: true, raw: [], normalized: [] };
  const raw = snap.nodes.map((n) => plugin.score(state, n));
  const list: NodeScore[] = snap.nodes.map((n, i) => ({ name: n.name, score: raw[i] as number }));
  plugin.normalizeScore?.(state, list);
  return { skipped: false, raw, normalized: list.map((s) => s.score) };
}

describe('quantities', () => {
  it('parses cpu to millicores and memory to bytes, rounding up', () => {
    expect(quantityValue('100m', true)).toBe(100);
    expect(quantityValue('1', true)).toBe(1000);
    expect(quantityValue('0.5', true)).toBe(500);
    expect(quantityValue('1e3', true)).toBe(1_000_000);
    expect(quantityValue('1k', true)).toBe(1_000_000);
    expect(quantityValue('2Gi', false)).toBe(2 * 1024 * MB);
    expect(quantityValue('512Mi', false)).toBe(512 * MB);
    expect(quantityValue('1e3', false)).toBe(1000);
    expect(quantityValue('1k', false)).toBe(1000);
    expect(quantityValue('16374584Ki', false)).toBe(16374584 * 1024);
    expect(quantityValue('1.5', false)).toBe(2);
    expect(quantityValue('bogus', false)).toBe(0);
  });
});

describe('pod requests', () => {
  it('takes the max of the summed containers and the largest init container, plus overhead', () => {
    // The computePodResourceRequest doc example: init 2/1G and 2/3G, containers 2/1G and 1/1G → 3, 3G.
    const pod = makePod('p', {
      requests: [
        { cpu: '2', memory: '1G' },
        { cpu: '1', memory: '1G' },
      ],
      initRequests: [
        { cpu: '2', memory: '1G' },
        { cpu: '2', memory: '3G' },
      ],
      overhead: { cpu: '250m', memory: '120Mi' },
    });
    const r = podRequests(pod);
    expect(r.milliCPU).toBe(3000 + 250);
    expect(r.memory).toBe(3e9 + 120 * MB);
  });

  it('adds sidecars (restartable init containers) to the running total', () => {
    const pod = makePod('p', { requests: [{ cpu: '1' }] });
    pod.spec.initContainers = [
      { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
      { name: 'init', resources: { requests: { cpu: '2' } } },
    ];
    // running: 1 + 0.5; init peak: 2 + 0.5 (the sidecar started before it) → 2.5
    expect(podRequests(pod).milliCPU).toBe(2500);
  });

  it('counts 100m / 200Mi for containers without requests only in the non-zero view', () => {
    const pod = makePod('p', { requests: [{ cpu: '0' }, {}] });
    expect(podRequests(pod).milliCPU).toBe(0);
    const nz = podRequests(pod, true);
    expect(nz.milliCPU).toBe(100); // explicit 0 stays 0, missing counts 100m
    expect(nz.memory).toBe(2 * 200 * MB);
  });
});

describe('NodeResourcesFit', () => {
  it('reports every insufficient resource and too many pods', () => {
    const node = makeNode('n', { cpu: '1', memory: '1Gi', pods: '1' });
    const existing = makePod('e', { nodeName: 'n', requests: [{ cpu: '500m', memory: '512Mi' }] });
    const snap = snapshotOf(cacheOf([node], [existing]));
    const pod = makePod('p', { requests: [{ cpu: '600m', memory: '600Mi' }] });
    expect(runFilter(nodeResourcesFitFilter, pod, snap).n).toEqual({
      code: 'Unschedulable',
      reasons: ['Too many pods', 'Insufficient cpu', 'Insufficient memory'],
    });
    const fits = makePod('q', { requests: [{ cpu: '500m' }] });
    const big = snapshotOf(cacheOf([makeNode('n', { cpu: '1', pods: '110' })], [existing]));
    expect(runFilter(nodeResourcesFitFilter, fits, big).n).toBeNull();
  });

  it('checks extended resources', () => {
    const snap = snapshotOf(cacheOf([makeNode('gpu', { extended: { 'example.com/gpu': '1' } }), makeNode('plain')]));
    const pod = makePod('p', { requests: [{ 'example.com/gpu': '1' }] });
    const r = runFilter(nodeResourcesFitFilter, pod, snap);
    expect(r.gpu).toBeNull();
    expect(r.plain).toEqual({ code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] });
  });

  // least_allocated_test.go, TestLeastAllocatedScoringStrategy (raw quantities: "1000" is 1000 cores).
  const twoContainers = () =>
    makePod('p', {
      requests: [
        { cpu: '1000', memory: '2000' },
        { cpu: '2000', memory: '3000' },
      ],
    });

  it('least allocated: nothing scheduled, differently sized nodes → 37, 50', () => {
    const snap = snapshotOf(
      cacheOf([
        makeNode('node1', { cpu: '4000', memory: '10000' }),
        makeNode('node2', { cpu: '6000', memory: '10000' }),
      ]),
    );
    expect(runScore(nodeResourcesFitScore(), twoContainers(), snap).normalized).toEqual([37, 50]);
  });

  it('least allocated: pods scheduled with resources → 57, 45', () => {
    const nodes = [
      makeNode('node1', { cpu: '10000', memory: '20000' }),
      makeNode('node2', { cpu: '10000', memory: '20000' }),
    ];
    const pods = [
      makePod('a', { nodeName: 'node1', requests: [{ cpu: '3000', memory: '0' }] }),
      makePod('b', { nodeName: 'node2', requests: [{ cpu: '3000', memory: '5000' }] }),
    ];
    expect(runScore(nodeResourcesFitScore(), twoContainers(), snapshotOf(cacheOf(nodes, pods))).normalized).toEqual([
      57, 45,
    ]);
  });

  it('least allocated: requested resources exceed node capacity → 50, 25', () => {
    const nodes = [
      makeNode('node1', { cpu: '4000', memory: '10000' }),
      makeNode('node2', { cpu: '4000', memory: '10000' }),
    ];
    const pods = [
      makePod('a', { nodeName: 'node1', requests: [{ cpu: '3000', memory: '0' }] }),
      makePod('b', { nodeName: 'node2', requests: [{ cpu: '3000', memory: '5000' }] }),
    ];
    const pod = makePod('p', { requests: [{ cpu: '3000', memory: '0' }] });
    expect(runScore(nodeResourcesFitScore(), pod, snapshotOf(cacheOf(nodes, pods))).normalized).toEqual([50, 25]);
  });

  it('least allocated: memory weighted 2 → 41, 50', () => {
    const snap = snapshotOf(
      cacheOf([
        makeNode('node1', { cpu: '4000', memory: '10000' }),
        makeNode('node2', { cpu: '6000', memory: '10000' }),
      ]),
    );
    const plugin = nodeResourcesFitScore(1, [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 2 },
    ]);
    expect(runScore(plugin, twoContainers(), snap).normalized).toEqual([41, 50]);
  });

  it('least allocated on unequal kind-sized nodes, with the 100m / 200Mi defaults (hand-computed)', () => {
    // node a: 4 cpu, 8Gi; node b: 8 cpu, 16Gi with a 2-cpu pod. Pod requests nothing → 100m / 200Mi.
    const nodes = [makeNode('a', { cpu: '4', memory: '8Gi' }), makeNode('b', { cpu: '8', memory: '16Gi' })];
    const pods = [makePod('x', { nodeName: 'b', requests: [{ cpu: '2', memory: '1Gi' }] })];
    const snap = snapshotOf(cacheOf(nodes, pods));
    // a: cpu (4000-100)*100/4000 = 97, mem (8192-200)*100/8192 = 97 → 97
    // b: cpu (8000-2100)*100/8000 = 73, mem (16384-1224)*100/16384 = 92 → (73+92)/2 = 82
    expect(runScore(nodeResourcesFitScore(), makePod('p'), snap).normalized).toEqual([97, 82]);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  const pod = () =>
    makePod('p', {
      requests: [
        { cpu: '1000m', memory: '2000' },
        { cpu: '2000m', memory: '3000' },
      ],
    });

  it('nothing scheduled, resources requested, differently sized nodes → 87, 100', () => {
    const snap = snapshotOf(
      cacheOf([
        makeNode('node1', { cpu: '4000m', memory: '10000' }),
        makeNode('node2', { cpu: '6000m', memory: '10000' }),
      ]),
    );
    expect(runScore(balancedAllocation(), pod(), snap).normalized).toEqual([87, 100]);
  });

  it('resources requested, pods scheduled with resources → 82, 95', () => {
    const nodes = [
      makeNode('node1', { cpu: '10000m', memory: '20000' }),
      makeNode('node2', { cpu: '10000m', memory: '20000' }),
    ];
    const pods = [
      makePod('a', { nodeName: 'node1', requests: [{ cpu: '3000m', memory: '0' }] }),
      makePod('b', { nodeName: 'node2', requests: [{ cpu: '3000m', memory: '5000' }] }),
    ];
    expect(runScore(balancedAllocation(), pod(), snapshotOf(cacheOf(nodes, pods))).normalized).toEqual([82, 95]);
  });

  it('skips best-effort pods at PreScore', () => {
    const snap = snapshotOf(cacheOf([makeNode('n')]));
    expect(runScore(balancedAllocation(), makePod('p'), snap).skipped).toBe(true);
  });

  it('uses the population standard deviation for three resources', () => {
    // fractions 0.2, 0.4, 0.6: mean 0.4, std sqrt(0.08/3) = 0.1633 → 83
    expect(balancedResourceScorer([2, 4, 6], [10, 10, 10])).toBe(83);
  });
});

describe('TaintToleration', () => {
  const prefer = (key: string) => ({ key, value: 'v', effect: 'PreferNoSchedule' });

  it('scores [0, 1, 2] untolerated PreferNoSchedule taints as [100, 50, 0]', () => {
    const snap = snapshotOf(
      cacheOf([
        makeNode('n0'),
        makeNode('n1', { taints: [prefer('a')] }),
        makeNode('n2', { taints: [prefer('a'), prefer('b')] }),
      ]),
    );
    const r = runScore(taintTolerationScore(), makePod('p'), snap);
    expect(r.raw).toEqual([0, 1, 2]);
    expect(r.normalized).toEqual([100, 50, 0]);
  });

  it('counts only taints the PreferNoSchedule / effect-less tolerations do not tolerate', () => {
    const snap = snapshotOf(cacheOf([makeNode('n1', { taints: [prefer('a'), prefer('b')] })]));
    const pod = makePod('p', {
      tolerations: [
        { key: 'a', operator: 'Exists' },
        { key: 'b', operator: 'Exists', effect: 'NoSchedule' },
      ],
    });
    expect(runScore(taintTolerationScore(), pod, snap).raw).toEqual([1]);
  });

  it('rejects an untolerated NoSchedule taint with the v1.33 text, as UnschedulableAndUnresolvable', () => {
    const cp = makeNode('kind-control-plane', {
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    const snap = snapshotOf(
      cacheOf([cp, makeNode('w', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] })]),
    );
    const r = runFilter(taintTolerationFilter, makePod('p'), snap);
    expect(r['kind-control-plane']).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    expect(r.w).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {dedicated: gpu}'],
    });
    const tolerant = makePod('t', { tolerations: [{ operator: 'Exists' }] });
    expect(Object.values(runFilter(taintTolerationFilter, tolerant, snap))).toEqual([null, null]);
    const equal = makePod('e', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }],
    });
    expect(runFilter(taintTolerationFilter, equal, snap).w).toBeNull();
  });

  it('ignores PreferNoSchedule taints when filtering', () => {
    const snap = snapshotOf(cacheOf([makeNode('n', { taints: [prefer('a')] })]));
    expect(runFilter(taintTolerationFilter, makePod('p'), snap).n).toBeNull();
  });
});

describe('NodeUnschedulable and NodeName', () => {
  it('rejects cordoned nodes unless the pod tolerates node.kubernetes.io/unschedulable', () => {
    const snap = snapshotOf(cacheOf([makeNode('n', { unschedulable: true })]));
    expect(runFilter(nodeUnschedulable, makePod('p'), snap).n).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: [ERR_REASON_UNSCHEDULABLE],
    });
    const tol = makePod('t', {
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(runFilter(nodeUnschedulable, tol, snap).n).toBeNull();
  });

  it('fits only the named node', () => {
    const snap = snapshotOf(cacheOf([makeNode('a'), makeNode('b')]));
    const pod = makePod('p');
    pod.spec.nodeName = 'b';
    const r = runFilter(nodeName, pod, snap);
    expect(r.a).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NODE_NAME] });
    expect(r.b).toBeNull();
  });
});

describe('NodeAffinity', () => {
  const nodes = () => [
    makeNode('a', { labels: { disk: 'ssd', zone: 'z1' } }),
    makeNode('b', { labels: { disk: 'hdd', zone: 'z2' } }),
    makeNode('c', { labels: { gen: '5' } }),
  ];

  it('skips pods with neither nodeSelector nor required affinity', () => {
    expect(runFilter(nodeAffinityFilter, makePod('p'), snapshotOf(cacheOf(nodes()))).a).toBe('Skip');
  });

  it('matches nodeSelector and required terms (ORed terms, ANDed expressions)', () => {
    const snap = snapshotOf(cacheOf(nodes()));
    const sel = runFilter(nodeAffinityFilter, makePod('p', { nodeSelector: { disk: 'ssd' } }), snap);
    expect(sel.a).toBeNull();
    expect(sel.b).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_POD] });
    const aff = makePod('q', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'zone', operator: 'In', values: ['z2'] },
                  { key: 'disk', operator: 'Exists' },
                ],
              },
              { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] },
            ],
          },
        },
      },
    });
    const r = runFilter(nodeAffinityFilter, aff, snap);
    expect(r.a).not.toBeNull();
    expect(r.b).toBeNull();
    expect(r.c).toBeNull();
  });

  it('narrows the nodes with metadata.name matchFields (PreFilterResult)', () => {
    const state = newCycleState(
      newPodInfo(
        makePod('d', {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }],
              },
            },
          },
        }),
      ),
      snapshotOf(cacheOf(nodes())),
    );
    expect(nodeAffinityFilter.preFilter?.(state)?.nodeNames).toEqual(new Set(['b']));
  });

  it('scores the sum of matching preferred weights, normalized by the highest', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 2, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
          ],
        },
      },
    });
    const r = runScore(nodeAffinityScore(), pod, snapshotOf(cacheOf(nodes())));
    expect(r.raw).toEqual([7, 5, 0]);
    expect(r.normalized).toEqual([100, 71, 0]);
    expect(runScore(nodeAffinityScore(), makePod('q'), snapshotOf(cacheOf(nodes()))).skipped).toBe(true);
  });
});

describe('NodePorts', () => {
  it('rejects a node whose host port is taken (0.0.0.0 conflicts with everything)', () => {
    const pods = [makePod('web', { nodeName: 'a', hostPorts: [8080] })];
    const snap = snapshotOf(cacheOf([makeNode('a'), makeNode('b')], pods));
    const r = runFilter(nodePorts, makePod('p', { hostPorts: [8080] }), snap);
    expect(r.a).toEqual({ code: 'Unschedulable', reasons: [ERR_REASON_PORTS] });
    expect(r.b).toBeNull();
    expect(runFilter(nodePorts, makePod('q', { hostPorts: [9090] }), snap).a).toBeNull();
    expect(runFilter(nodePorts, makePod('r'), snap).a).toBe('Skip');
  });
});

describe('ImageLocality', () => {
  it('scales image sizes by spread and clamps to [23Mi, 1000Mi × containers]', () => {
    expect(calculatePriority(0, 1)).toBe(0);
    expect(calculatePriority(1000 * MB, 1)).toBe(100);
    expect(calculatePriority(500 * MB, 1)).toBe(Math.trunc((100 * (500 - 23)) / (1000 - 23)));
    const nodes = [
      makeNode('a', {
        images: [
          { names: ['gcr.io/300:latest'], sizeBytes: 300 * MB },
          { names: ['gcr.io/40:latest'], sizeBytes: 40 * MB },
        ],
      }),
      makeNode('b', { images: [{ names: ['gcr.io/300:latest'], sizeBytes: 300 * MB }] }),
      makeNode('c'),
    ];
    const pod = makePod('p', { images: ['gcr.io/40', 'gcr.io/300'] });
    // a: 40Mi × 1/3 + 300Mi × 2/3 = 213.33Mi; b: 200Mi; c: nothing → clamped to 23Mi → 0.
    const a = Math.trunc((40 * MB) / 3) + Math.trunc(300 * MB * (2 / 3));
    const r = runScore(imageLocality(), pod, snapshotOf(cacheOf(nodes)));
    expect(r.normalized).toEqual([calculatePriority(a, 2), calculatePriority(200 * MB, 2), 0]);
    expect(normalizedImageName('nginx')).toBe('nginx:latest');
    expect(normalizedImageName('localhost:5000/nginx')).toBe('localhost:5000/nginx:latest');
    expect(normalizedImageName('nginx:1.27')).toBe('nginx:1.27');
  });
});

describe('DefaultNormalizeScore', () => {
  it('scales by the maximum, reversed on request', () => {
    const s = (xs: number[]) => xs.map((score, i) => ({ name: `n${i}`, score }));
    const a = s([10, 20, 0]);
    defaultNormalizeScore(100, false, a);
    expect(a.map((x) => x.score)).toEqual([50, 100, 0]);
    const b = s([0, 0]);
    defaultNormalizeScore(100, true, b);
    expect(b.map((x) => x.score)).toEqual([100, 100]);
  });
});

describe('PodTopologySpread', () => {
  const zoneNodes = () => [
    makeNode('a1', { labels: { zone: 'a' } }),
    makeNode('a2', { labels: { zone: 'a' } }),
    makeNode('b1', { labels: { zone: 'b' } }),
    makeNode('x', {}),
  ];
  const spread = (maxSkew: number, when = 'DoNotSchedule') => ({
    maxSkew,
    topologyKey: 'zone',
    whenUnsatisfiable: when,
    labelSelector: { matchLabels: { app: 'web' } },
  });

  it('rejects nodes that would exceed maxSkew, and nodes without the key', () => {
    const pods = [
      makePod('w1', { nodeName: 'a1', labels: { app: 'web' } }),
      makePod('w2', { nodeName: 'a2', labels: { app: 'web' } }),
      makePod('other', { nodeName: 'b1', labels: { app: 'db' } }),
    ];
    const snap = snapshotOf(cacheOf(zoneNodes(), pods));
    const pod = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(1)] });
    const r = runFilter(podTopologySpreadFilter, pod, snap);
    // zone a has 2, zone b has 0: a → 2+1-0 = 3 > 1; b → 0+1-0 = 1 ok.
    expect(r.a1).toEqual({ code: 'Unschedulable', reasons: [ERR_REASON_CONSTRAINTS_NOT_MATCH] });
    expect(r.b1).toBeNull();
    expect(r.x).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NODE_LABEL_NOT_MATCH] });
    const relaxed = makePod('q', { labels: { app: 'web' }, topologySpreadConstraints: [spread(3)] });
    expect(runFilter(podTopologySpreadFilter, relaxed, snap).a1).toBeNull();
  });

  it('treats the global minimum as 0 below minDomains', () => {
    const pods = [
      makePod('w1', { nodeName: 'a1', labels: { app: 'web' } }),
      makePod('w2', { nodeName: 'b1', labels: { app: 'web' } }),
    ];
    const snap = snapshotOf(cacheOf(zoneNodes(), pods));
    const pod = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [{ ...spread(1), minDomains: 3 }] });
    // two domains < 3: min 0; each zone has 1 → 1+1-0 = 2 > 1 everywhere.
    const r = runFilter(podTopologySpreadFilter, pod, snap);
    expect(r.a1).not.toBeNull();
    expect(r.b1).not.toBeNull();
  });

  it('skips pods without hard constraints (system defaults are soft)', () => {
    expect(runFilter(podTopologySpreadFilter, makePod('p'), snapshotOf(cacheOf(zoneNodes()))).a1).toBe('Skip');
  });

  it('scores soft constraints: count × ln(domains + 2) + maxSkew - 1, normalized so emptier domains win', () => {
    const nodes = zoneNodes().slice(0, 3);
    const pods = [
      makePod('w1', { nodeName: 'a1', labels: { app: 'web' } }),
      makePod('w2', { nodeName: 'a2', labels: { app: 'web' } }),
      makePod('w3', { nodeName: 'b1', labels: { app: 'web' } }),
    ];
    const pod = makePod('p', { labels: { app: 'web' }, topologySpreadConstraints: [spread(1, 'ScheduleAnyway')] });
    const r = runScore(podTopologySpreadScore(), pod, snapshotOf(cacheOf(nodes, pods)));
    // 2 domains → weight ln 4; zone a: 2 × 1.386 = 2.77 → 3; zone b: 1.386 → 1.
    expect(r.raw).toEqual([3, 3, 1]);
    // 100 × (max + min - s) / max: a → 100 × 1 / 3 = 33; b → 100.
    expect(r.normalized).toEqual([33, 33, 100]);
  });

  it('uses the system default constraints for pods of a ReplicaSet, spreading by hostname without zones', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } } },
    };
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }];
    const nodes = [makeNode('n1'), makeNode('n2')];
    const pods = [makePod('w1', { nodeName: 'n1', labels: { app: 'web' }, ownerReferences: owner })];
    const listers = {
      services: () => [],
      replicaSet: (_ns: string, name: string) => (name === 'web' ? rs : undefined),
      statefulSet: () => undefined,
      replicationController: () => undefined,
      namespaceLabels: () => undefined,
      namespaces: () => [],
    };
    const pod = makePod('p', { labels: { app: 'web' }, ownerReferences: owner });
    const r = runScore(podTopologySpreadScore(), pod, snapshotOf(cacheOf(nodes, pods), listers));
    // hostname maxSkew 3, 2 nodes → ln 4: n1 = 1.386 + 2 = 3.39 → 3; n2 = 2. Zone constraint: no label, no credit.
    expect(r.raw).toEqual([3, 2]);
    expect(r.normalized).toEqual([66, 100]);
    // A bare pod has no default selector: nothing to score.
    expect(
      runScore(podTopologySpreadScore(), makePod('bare', { labels: { app: 'web' } }), snapshotOf(cacheOf(nodes, pods)))
        .skipped,
    ).toBe(true);
  });
});

describe('PodTopologySpread counts per node', () => {
  it('remembers a count only while the node keeps the same pods', () => {
    const ni = new NodeInfo(makeNode('n1'));
    const web = selectorOf({ matchLabels: { app: 'web' } });
    const count = () => countNodePodsMatchSelector(ni, web, 'default');
    const plain = () => countPodsMatchSelector(ni.pods, web, 'default');
    const w1 = newPodInfo(makePod('w1', { uid: 'w1', labels: { app: 'web' } }));
    const w2 = newPodInfo(makePod('w2', { uid: 'w2', labels: { app: 'web' } }));
    expect(count()).toBe(0);
    ni.addPod(w1);
    ni.addPod(newPodInfo(makePod('db', { labels: { app: 'db' } })));
    expect([count(), plain()]).toEqual([1, 1]);
    ni.addPod(w2);
    expect([count(), plain()]).toEqual([2, 2]);
    // A relabelled pod replaces its old self; a terminating one no longer counts.
    ni.addPod(newPodInfo(makePod('w1', { uid: 'w1', labels: { app: 'other' } })));
    expect([count(), plain()]).toEqual([1, 1]);
    const gone = makePod('w2', { uid: 'w2', labels: { app: 'web' } });
    gone.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    ni.addPod(newPodInfo(gone));
    expect([count(), plain()]).toEqual([0, 0]);
    // Another namespace, or an equal selector built anew, reads the same node correctly.
    expect(countNodePodsMatchSelector(ni, web, 'kube-system')).toBe(0);
    ni.addPod(w2);
    expect(countNodePodsMatchSelector(ni, selectorOf({ matchLabels: { app: 'web' } }), 'default')).toBe(1);
  });
});

describe('InterPodAffinity', () => {
  const nodes = () => [
    makeNode('n1', { labels: { zone: 'a' } }),
    makeNode('n2', { labels: { zone: 'a' } }),
    makeNode('n3', { labels: { zone: 'b' } }),
  ];
  const term = (labels: Record<string, string>, topologyKey: string) => ({
    labelSelector: { matchLabels: labels },
    topologyKey,
  });

  it('enforces required anti-affinity of the incoming pod', () => {
    const pods = [makePod('db', { nodeName: 'n1', labels: { app: 'db' } })];
    const pod = makePod('p', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } },
    });
    const r = runFilter(interPodAffinityFilter, pod, snapshotOf(cacheOf(nodes(), pods)));
    expect(r.n1).toEqual({ code: 'Unschedulable', reasons: [ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH] });
    expect(r.n2).toEqual({ code: 'Unschedulable', reasons: [ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH] });
    expect(r.n3).toBeNull();
  });

  it('enforces existing pods’ anti-affinity against the incoming pod (symmetry)', () => {
    const pods = [
      makePod('db', {
        nodeName: 'n3',
        labels: { app: 'db' },
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'kubernetes.io/hostname')],
          },
        },
      }),
    ];
    const r = runFilter(
      interPodAffinityFilter,
      makePod('p', { labels: { app: 'web' } }),
      snapshotOf(cacheOf(nodes(), pods)),
    );
    expect(r.n3).toEqual({ code: 'Unschedulable', reasons: [ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH] });
    expect(r.n1).toBeNull();
  });

  it('requires a matching pod in the domain for required affinity, except for the first of a self-affine group', () => {
    const pods = [makePod('cache', { nodeName: 'n3', labels: { app: 'cache' } })];
    const pod = makePod('p', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, 'zone')] } },
    });
    const r = runFilter(interPodAffinityFilter, pod, snapshotOf(cacheOf(nodes(), pods)));
    expect(r.n1).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_AFFINITY_RULES_NOT_MATCH] });
    expect(r.n3).toBeNull();
    const first = makePod('f', {
      labels: { app: 'group' },
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'group' }, 'zone')] } },
    });
    expect(Object.values(runFilter(interPodAffinityFilter, first, snapshotOf(cacheOf(nodes(), pods))))).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('scores preferred affinity per topology domain, normalized min..max', () => {
    const pods = [
      makePod('c1', { nodeName: 'n1', labels: { app: 'cache' } }),
      makePod('c2', { nodeName: 'n3', labels: { app: 'cache' } }),
    ];
    const pod = makePod('p', {
      affinity: {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, podAffinityTerm: term({ app: 'cache' }, 'kubernetes.io/hostname') },
          ],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 5, podAffinityTerm: term({ app: 'cache' }, 'zone') },
          ],
        },
      },
    });
    const r = runScore(interPodAffinityScore(), pod, snapshotOf(cacheOf(nodes(), pods)));
    // n1: +10 (host) -5 (zone a has c1) = 5; n2: -5; n3: +10 -5 = 5.
    expect(r.raw).toEqual([5, -5, 5]);
    expect(r.normalized).toEqual([100, 0, 100]);
    expect(runScore(interPodAffinityScore(), makePod('q'), snapshotOf(cacheOf(nodes(), pods))).skipped).toBe(true);
  });
});
