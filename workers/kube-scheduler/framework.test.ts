/**
 * The algorithm around the plugins: percentageOfNodesToScore, FitError text (with preemption's
 * suffix), selectHost's tie-breaking, the decision record, and a property test that the chosen
 * node always passes every filter and has the top total.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node, Pod, Taint } from './api.ts';
import { decisionTable } from './decisions.ts';
import { Framework, fitErrorMessage, newDiagnosis, numFeasibleNodesToFind, selectHost } from './framework.ts';
import { newCycleState } from './framework-types.ts';
import { cacheOf, makeNode, makePod, seededRandInt, snapshotOf } from './testing.ts';
import { newPodInfo, newStatus } from './types.ts';

const CP_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function kindNodes(workers = 2): Node[] {
  const nodes = [
    makeNode('kind-control-plane', { taints: [CP_TAINT], labels: { 'node-role.kubernetes.io/control-plane': '' } }),
  ];
  for (let i = 1; i <= workers; i++) nodes.push(makeNode(i === 1 ? 'kind-worker' : `kind-worker${i}`));
  return nodes;
}

describe('numFeasibleNodesToFind', () => {
  it('checks every node below 100, then an adaptive percentage with a floor of 100', () => {
    expect(numFeasibleNodesToFind(0, 3)).toBe(3);
    expect(numFeasibleNodesToFind(0, 99)).toBe(99);
    expect(numFeasibleNodesToFind(0, 100)).toBe(100); // 50% of 100 = 50 < 100
    expect(numFeasibleNodesToFind(0, 1000)).toBe(420); // 50 - 8 = 42%
    expect(numFeasibleNodesToFind(0, 5000)).toBe(500); // 50 - 40 = 10%
    expect(numFeasibleNodesToFind(0, 6000)).toBe(300); // 50 - 48 = 2% → 5%
    expect(numFeasibleNodesToFind(10, 2000)).toBe(200);
    expect(numFeasibleNodesToFind(1, 2000)).toBe(100);
  });

  it('resumes filtering where the previous cycle stopped (nextStartNodeIndex)', () => {
    const nodes = Array.from({ length: 250 }, (_, i) => makeNode(`n${String(i).padStart(3, '0')}`));
    const fw = new Framework({ randInt: seededRandInt(), percentageOfNodesToScore: 0 });
    const snap = snapshotOf(cacheOf(nodes));
    const first = fw.schedulePod(newPodInfo(makePod('a')), snap);
    // 250 nodes → 48% → 120 nodes; all fit, so 120 are processed.
    expect(first.decision.numNodesToFind).toBe(120);
    expect(first.result?.evaluatedNodes).toBe(120);
    expect(fw.nextStartNodeIndex).toBe(120);
    fw.schedulePod(newPodInfo(makePod('b')), snap);
    expect(fw.nextStartNodeIndex).toBe(240);
    const third = fw.schedulePod(newPodInfo(makePod('c')), snap);
    expect(third.decision.startIndex).toBe(240);
    expect(fw.nextStartNodeIndex).toBe(110);
    expect(third.decision.nodes.filter((n) => n.notEvaluated).length).toBe(130);
  });
});

describe('FitError', () => {
  it('sorts the histogram as Go strings and appends the PostFilter message', () => {
    const d = newDiagnosis();
    d.nodeToStatus.set('a', newStatus('Unschedulable', 'Insufficient cpu', 'Insufficient memory'));
    d.nodeToStatus.set('b', newStatus('Unschedulable', 'Insufficient cpu'));
    d.nodeToStatus.set(
      'c',
      newStatus('UnschedulableAndUnresolvable', "node(s) didn't match Pod's node affinity/selector"),
    );
    d.postFilterMsg = 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    expect(fitErrorMessage(3, d)).toBe(
      "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  it('reads as upstream for a pod too big for any node of a kind cluster', () => {
    const fw = new Framework({ randInt: seededRandInt() });
    const pod = makePod('big', { requests: [{ cpu: '100' }] });
    const out = fw.schedulePod(newPodInfo(pod), snapshotOf(cacheOf(kindNodes())));
    expect(out.result).toBeUndefined();
    expect(out.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect([...(out.diagnosis?.unschedulablePlugins ?? [])].sort()).toEqual(['NodeResourcesFit', 'TaintToleration']);
  });

  it('uses the PreFilter message when a PreFilter rejects, and preemption finds nothing to help', () => {
    const fw = new Framework({ randInt: seededRandInt() });
    const pod = makePod('pinned', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchFields: [
                  { key: 'metadata.name', operator: 'In', values: ['a'] },
                  { key: 'metadata.name', operator: 'In', values: ['b'] },
                ],
              },
            ],
          },
        },
      },
    });
    const out = fw.schedulePod(newPodInfo(pod), snapshotOf(cacheOf(kindNodes())));
    expect(out.message).toBe(
      '0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('says preemption is not eligible for preemptionPolicy Never', () => {
    const fw = new Framework({ randInt: seededRandInt() });
    const pod = makePod('big', { requests: [{ cpu: '100' }] });
    pod.spec.preemptionPolicy = 'Never';
    const out = fw.schedulePod(newPodInfo(pod), snapshotOf(cacheOf(kindNodes())));
    expect(out.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('finds preemption victims among lower-priority pods and nominates the node', () => {
    const nodes = kindNodes();
    const low = [
      makePod('low-1', { nodeName: 'kind-worker', requests: [{ cpu: '6' }], priority: 0 }),
      makePod('mid-1', { nodeName: 'kind-worker2', requests: [{ cpu: '6' }], priority: 500 }),
    ];
    const fw = new Framework({ randInt: seededRandInt() });
    const pod = makePod('urgent', { requests: [{ cpu: '4' }], priority: 1000 });
    const out = fw.schedulePod(newPodInfo(pod), snapshotOf(cacheOf(nodes, low)));
    expect(out.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
    );
    // Both workers could host it; the one whose victim has the lowest priority wins.
    expect(out.postFilter?.nominatedNode).toBe('kind-worker');
    expect(out.postFilter?.victims?.map((v) => v.name)).toEqual(['low-1']);
  });
});

describe('selectHost', () => {
  it('picks among tied nodes uniformly by reservoir sampling', () => {
    const scores = [
      { name: 'a', total: 10 },
      { name: 'b', total: 30 },
      { name: 'c', total: 30 },
      { name: 'd', total: 30 },
    ];
    const counts: Record<string, number> = {};
    const rand = seededRandInt(42);
    for (let i = 0; i < 3000; i++) {
      const { host, ties } = selectHost(scores, 3, rand);
      counts[host] = (counts[host] ?? 0) + 1;
      expect(ties).toBe(3);
    }
    expect(counts.a).toBeUndefined();
    for (const n of ['b', 'c', 'd']) expect(counts[n]).toBeGreaterThan(850);
    expect(selectHost(scores, 3, () => 1).top.map((t) => t.node)).toEqual(['b', 'c', 'd']);
  });
});

describe('schedulePod', () => {
  it('keeps the control plane out, scores the workers, and records a full decision', () => {
    const fw = new Framework({ randInt: seededRandInt() });
    const nodes = kindNodes();
    const busy = [makePod('x', { nodeName: 'kind-worker', requests: [{ cpu: '4', memory: '8Gi' }] })];
    const out = fw.schedulePod(
      newPodInfo(makePod('p', { requests: [{ cpu: '1', memory: '1Gi' }] })),
      snapshotOf(cacheOf(nodes, busy)),
    );
    expect(out.result?.suggestedHost).toBe('kind-worker2');
    const d = out.decision;
    expect(d.scoring).toBe('scored');
    const table = decisionTable({
      ...d,
      type: 'SchedulingDecision',
      pod: { namespace: 'default', name: 'p', uid: '' },
      cycle: 1,
      attempt: 1,
      at: 0,
      time: '',
      result: 'Scheduled',
      node: 'kind-worker2',
    });
    const cp = table.find((r) => r.node === 'kind-control-plane');
    expect(cp?.filters.TaintToleration?.verdict).toBe('Failed');
    expect(cp?.filters.NodeUnschedulable?.verdict).toBe('Passed');
    expect(cp?.filters.NodeResourcesFit?.verdict).toBe('NotRun');
    expect(cp?.filters.NodePorts?.verdict).toBe('Skipped');
    expect(cp?.total).toBeNull();
    const w2 = table.find((r) => r.node === 'kind-worker2');
    expect(w2?.chosen).toBe(true);
    // TaintToleration: no PreferNoSchedule taints anywhere → 100 × 3.
    expect(w2?.scores.TaintToleration).toEqual({ raw: 0, normalized: 100, weighted: 300 });
    expect(w2?.scores.NodeAffinity).toBeNull();
    // LeastAllocated: cpu (8000-1000)/8000 = 87, memory (16374584Ki - 1Gi)/16374584Ki = 93 → 90.
    expect(w2?.scores.NodeResourcesFit).toEqual({ raw: 90, normalized: 90, weighted: 90 });
    const w1 = table.find((r) => r.node === 'kind-worker');
    expect((w1?.total ?? 0) < (w2?.total ?? 0)).toBe(true);
  });

  it('reports ErrNoNodesAvailable when the cluster has no nodes', () => {
    const out = new Framework({ randInt: seededRandInt() }).schedulePod(
      newPodInfo(makePod('p')),
      snapshotOf(cacheOf([])),
    );
    expect(out.noNodes).toBe(true);
    expect(out.message).toBe('no nodes available to schedule pods');
  });

  it('skips scoring when only one node fits', () => {
    const fw = new Framework({ randInt: seededRandInt() });
    const out = fw.schedulePod(
      newPodInfo(makePod('p', { nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' } })),
      snapshotOf(cacheOf(kindNodes())),
    );
    expect(out.result?.suggestedHost).toBe('kind-worker2');
    expect(out.decision.scoring).toBe('single-feasible-node');
  });
});

// ---- property: the chosen node is feasible and has the top total -------------------------------

const arbNode = (i: number) =>
  fc
    .record({
      cpu: fc.integer({ min: 1, max: 16 }),
      memGi: fc.integer({ min: 1, max: 64 }),
      pods: fc.integer({ min: 1, max: 5 }),
      zone: fc.constantFrom('a', 'b', 'c'),
      disk: fc.constantFrom('ssd', 'hdd'),
      taint: fc.constantFrom('none', 'NoSchedule', 'PreferNoSchedule'),
      unschedulable: fc.boolean(),
      existing: fc.array(
        fc.record({
          cpuM: fc.integer({ min: 0, max: 4000 }),
          memMi: fc.integer({ min: 0, max: 4096 }),
          app: fc.constantFrom('web', 'db'),
        }),
        { maxLength: 4 },
      ),
    })
    .map((n) => ({ ...n, name: `node-${i}` }));

const arbPod = fc.record({
  cpuM: fc.integer({ min: 0, max: 6000 }),
  memMi: fc.integer({ min: 0, max: 8192 }),
  selectDisk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
  tolerate: fc.boolean(),
  preferZone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  antiWeb: fc.boolean(),
  spreadZone: fc.boolean(),
});

describe('property', () => {
  it('the chosen node passes every filter and no feasible node has a higher total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbNode(i)))),
        arbPod,
        fc.integer({ min: 1, max: 1000 }),
        (nodeSpecs, p, seed) => {
          const nodes: Node[] = [];
          const pods: Pod[] = [];
          for (const n of nodeSpecs) {
            const taints: Taint[] = n.taint === 'none' ? [] : [{ key: 'dedicated', value: 'x', effect: n.taint }];
            nodes.push(
              makeNode(n.name, {
                cpu: String(n.cpu),
                memory: `${n.memGi}Gi`,
                pods: String(n.pods),
                labels: { zone: n.zone, disk: n.disk },
                taints,
                unschedulable: n.unschedulable,
              }),
            );
            n.existing.forEach((e, j) => {
              pods.push(
                makePod(`${n.name}-e${j}`, {
                  nodeName: n.name,
                  labels: { app: e.app },
                  requests: [{ cpu: `${e.cpuM}m`, memory: `${e.memMi}Mi` }],
                }),
              );
            });
          }
          const pod = makePod('incoming', {
            labels: { app: 'web' },
            requests: [{ cpu: `${p.cpuM}m`, memory: `${p.memMi}Mi` }],
            ...(p.selectDisk ? { nodeSelector: { disk: p.selectDisk } } : {}),
            ...(p.tolerate ? { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } : {}),
            ...(p.spreadZone
              ? {
                  topologySpreadConstraints: [
                    {
                      maxSkew: 1,
                      topologyKey: 'zone',
                      whenUnsatisfiable: 'DoNotSchedule',
                      labelSelector: { matchLabels: { app: 'web' } },
                    },
                  ],
                }
              : {}),
            affinity: {
              ...(p.preferZone
                ? {
                    nodeAffinity: {
                      preferredDuringSchedulingIgnoredDuringExecution: [
                        {
                          weight: 10,
                          preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: [p.preferZone] }] },
                        },
                      ],
                    },
                  }
                : {}),
              ...(p.antiWeb
                ? {
                    podAntiAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: [
                        { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
                      ],
                    },
                  }
                : {}),
            },
          });
          const snap = snapshotOf(cacheOf(nodes, pods));
          const fw = new Framework({ randInt: seededRandInt(seed) });
          const out = fw.schedulePod(newPodInfo(pod), snap);
          // An independent check of every node with a fresh cycle state.
          const check = new Framework({ randInt: seededRandInt(seed) });
          const state = newCycleState(newPodInfo(pod), snap);
          const pre = check.runPreFilterPlugins(state);
          const feasible = new Set(
            pre.status
              ? []
              : snap.nodes
                  .filter((n) => (!pre.nodeNames || pre.nodeNames.has(n.name)) && !check.runFilterPlugins(state, n))
                  .map((n) => n.name),
          );
          if (!out.result) {
            expect(feasible.size).toBe(0);
            expect(out.message).toMatch(/^0\/\d+ nodes are available: /);
            return;
          }
          const host = out.result.suggestedHost;
          expect(feasible.has(host)).toBe(true);
          expect(out.result.feasibleNodes).toBe(feasible.size);
          if (out.decision.scoring === 'scored') {
            const totals = out.decision.nodes.filter((n) => n.total !== undefined).map((n) => n.total as number);
            const chosen = out.decision.nodes.find((n) => n.node === host);
            expect(chosen?.total).toBe(Math.max(...totals));
            for (const n of out.decision.nodes) {
              if (n.total !== undefined) expect(feasible.has(n.node)).toBe(true);
              (n.scores ?? []).forEach((s, i) => {
                if (i % 3 !== 0) expect(s).toBeGreaterThanOrEqual(0);
              });
            }
          } else {
            expect(feasible.size).toBe(1);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
