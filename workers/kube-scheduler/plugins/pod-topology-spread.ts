/**
 * PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread: common.go, filtering.go,
 * scoring.go), with the System defaulting type.
 *
 * Filter (hard, `whenUnsatisfiable: DoNotSchedule`): for each constraint, the node must carry the
 * topology key, and `matching pods in its domain + (1 if the pod matches itself) - global minimum`
 * must not exceed maxSkew. The global minimum is 0 when fewer domains than `minDomains` exist.
 * Domains count only nodes that pass the constraint's node inclusion policies (nodeAffinityPolicy
 * Honor, nodeTaintsPolicy Ignore by default) and carry every constraint's key.
 *
 * Score (soft, `ScheduleAnyway`; a pod without constraints gets the system defaults — hostname
 * maxSkew 3 and zone maxSkew 5 — with a selector made from the Services, ReplicaSets,
 * StatefulSets and ReplicationControllers that select it; none of those means nothing to score):
 * per node `round(Σ count × ln(domains + 2) + (maxSkew - 1))`, normalized as
 * `100 × (max + min - s) / max`, so the emptiest domain scores highest.
 */
import { type LabelSelector, matchesLabels } from '../../../src/machinery/api/labels.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { LABEL_HOSTNAME, LABEL_TOPOLOGY_ZONE, type Pod, type TopologySpreadConstraint } from '../api.ts';
import type { Cloneable, CycleState, FilterPlugin, Listers, ScorePlugin } from '../framework-types.ts';
import { findMatchingUntoleratedTaint, requiredNodeAffinityMatches } from '../helpers.ts';
import { MAX_NODE_SCORE, type NodeInfo, newStatus, type PodInfo, selectorEmpty, selectorOf } from '../types.ts';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

/** `systemDefaultConstraints`. */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
}

/** `filterTopologySpreadConstraints`: the constraints with this action, matchLabelKeys merged in. */
export function filterTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Record<string, string> | undefined,
  action: string,
): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = selectorOf(c.labelSelector);
    const extra: LabelSelector['requirements'] = [];
    for (const k of c.matchLabelKeys ?? []) {
      const v = podLabels?.[k];
      if (v !== undefined) extra.push({ key: k, operator: 'in', values: [v] });
    }
    if (extra.length && !selector.nothing) selector = { requirements: [...selector.requirements, ...extra] };
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return out;
}

function controllerOf(pod: Pod): { apiVersion: string; kind: string; name: string } | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller === true);
}

/**
 * `helper.DefaultSelector`: the union of the selectors of the Services selecting the pod and of its
 * controlling ReplicationController, ReplicaSet or StatefulSet.
 */
export function defaultSelector(pod: Pod, listers: Listers): LabelSelector {
  const labels = pod.metadata.labels ?? {};
  const set: Record<string, string> = {};
  for (const svc of listers.services(pod.metadata.namespace ?? '')) {
    const sel = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) Object.assign(set, sel);
  }
  const fromSet = (): LabelSelector['requirements'] =>
    Object.keys(set)
      .sort()
      .map((k) => ({ key: k, operator: '=', values: [set[k] as string] }));
  let requirements = fromSet();
  const owner = controllerOf(pod);
  if (!owner) return { requirements };
  const ns = pod.metadata.namespace ?? '';
  const addSpec = (obj: KObject | undefined) => {
    if (!obj) return;
    const sel = selectorOf((obj.spec as { selector?: never } | undefined)?.selector);
    if (!sel.nothing) requirements = [...requirements, ...sel.requirements];
  };
  if (owner.kind === 'ReplicationController' && owner.apiVersion === 'v1') {
    const rc = listers.replicationController(ns, owner.name);
    const sel = (rc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (sel) {
      Object.assign(set, sel);
      requirements = fromSet();
    }
  } else if (owner.kind === 'ReplicaSet' && owner.apiVersion === 'apps/v1') {
    addSpec(listers.replicaSet(ns, owner.name));
  } else if (owner.kind === 'StatefulSet' && owner.apiVersion === 'apps/v1') {
    addSpec(listers.statefulSet(ns, owner.name));
  }
  return { requirements };
}

/** `buildDefaultConstraints`. */
export function buildDefaultConstraints(
  pod: Pod,
  action: string,
  listers: Listers,
  defaults = SYSTEM_DEFAULT_CONSTRAINTS,
): SpreadConstraint[] {
  const constraints = filterTopologySpreadConstraints(defaults, pod.metadata.labels, action);
  if (constraints.length === 0) return [];
  const selector = defaultSelector(pod, listers);
  if (selectorEmpty(selector)) return [];
  for (const c of constraints) c.selector = selector;
  return constraints;
}

export function nodeLabelsMatchSpreadConstraints(
  labels: Record<string, string>,
  constraints: readonly SpreadConstraint[],
): boolean {
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

/** `topologySpreadConstraint.matchNodeInclusionPolicies`. */
export function matchNodeInclusionPolicies(c: SpreadConstraint, pod: Pod, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !requiredNodeAffinityMatches(pod, node.node)) return false;
  if (c.nodeTaintsPolicy === 'Honor') {
    const t = findMatchingUntoleratedTaint(
      node.taints,
      pod.spec?.tolerations,
      (x) => x.effect === 'NoSchedule' || x.effect === 'NoExecute',
    );
    if (t) return false;
  }
  return true;
}

/** `countPodsMatchSelector`: same namespace, not terminating, labels selected. */
export function countPodsMatchSelector(pods: readonly PodInfo[], selector: LabelSelector, namespace: string): number {
  if (selectorEmpty(selector)) return 0;
  let n = 0;
  for (const p of pods) {
    if (p.deleting || p.namespace !== namespace) continue;
    if (matchesLabels(selector, p.pod.metadata.labels)) n++;
  }
  return n;
}

/**
 * `countPodsMatchSelector` over a node's pods, remembered per node until its pods change (its
 * generation moves). Scoring counts every node's pods for every pod scheduled, and between two
 * cycles only the node that took the last pod has changed: this turns the count from O(pods in
 * the cluster) into O(nodes) per cycle with the same numbers.
 */
const nodeCounts = new WeakMap<NodeInfo, { generation: number; counts: Map<string, number> }>();
/** One key string per selector object and namespace, built once (a cycle reuses its selectors). */
const selectorKeys = new WeakMap<LabelSelector, { namespace: string; key: string }>();

export function countNodePodsMatchSelector(node: NodeInfo, selector: LabelSelector, namespace: string): number {
  if (selectorEmpty(selector)) return 0;
  let sk = selectorKeys.get(selector);
  if (sk?.namespace !== namespace) {
    sk = { namespace, key: `${namespace}\u0000${JSON.stringify(selector)}` };
    selectorKeys.set(selector, sk);
  }
  const key = sk.key;
  let entry = nodeCounts.get(node);
  if (!entry || entry.generation !== node.generation || entry.counts.size > 64) {
    entry = { generation: node.generation, counts: new Map() };
    nodeCounts.set(node, entry);
  }
  let n = entry.counts.get(key);
  if (n === undefined) {
    n = countPodsMatchSelector(node.pods, selector, namespace);
    entry.counts.set(key, n);
  }
  return n;
}

// ---- Filter --------------------------------------------------------------------------------------

const PRE_FILTER_KEY = 'PreFilterPodTopologySpread';

export class SpreadPreFilterState implements Cloneable {
  constructor(
    readonly constraints: SpreadConstraint[],
    /** Per constraint: topology value → matching pods. */
    readonly tpValueToMatchNum: Map<string, number>[],
  ) {}

  clone(): SpreadPreFilterState {
    return new SpreadPreFilterState(
      this.constraints,
      this.tpValueToMatchNum.map((m) => new Map(m)),
    );
  }

  /** `preFilterState.minMatchNum`: the global minimum, 0 with fewer domains than minDomains. */
  minMatchNum(i: number, minDomains: number): number {
    const m = this.tpValueToMatchNum[i] as Map<string, number>;
    if (m.size < minDomains) return 0;
    let min = Number.MAX_SAFE_INTEGER;
    for (const v of m.values()) if (v < min) min = v;
    return min;
  }

  /** `updateWithPod`: preemption adds or removes a pod on a node in this cycle's view. */
  updateWithPod(updated: PodInfo, preemptor: Pod, node: NodeInfo, delta: number): void {
    if (updated.namespace !== (preemptor.metadata.namespace ?? '')) return;
    if (!nodeLabelsMatchSpreadConstraints(node.labels, this.constraints)) return;
    this.constraints.forEach((c, i) => {
      if (!matchesLabels(c.selector, updated.pod.metadata.labels)) return;
      if (!matchNodeInclusionPolicies(c, preemptor, node)) return;
      const v = node.labels[c.topologyKey] as string;
      const m = this.tpValueToMatchNum[i] as Map<string, number>;
      m.set(v, (m.get(v) ?? 0) + delta);
    });
  }
}

/** `calPreFilterState`. */
export function calPreFilterState(state: CycleState): SpreadPreFilterState {
  const pod = state.pod.pod;
  const given = pod.spec?.topologySpreadConstraints ?? [];
  const constraints =
    given.length > 0
      ? filterTopologySpreadConstraints(given, pod.metadata.labels, 'DoNotSchedule')
      : buildDefaultConstraints(pod, 'DoNotSchedule', state.snapshot.listers);
  const counts = constraints.map(() => new Map<string, number>());
  if (constraints.length === 0) return new SpreadPreFilterState(constraints, counts);
  for (const node of state.snapshot.nodes) {
    if (!nodeLabelsMatchSpreadConstraints(node.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!matchNodeInclusionPolicies(c, pod, node)) return;
      const v = node.labels[c.topologyKey] as string;
      const m = counts[i] as Map<string, number>;
      m.set(v, (m.get(v) ?? 0) + countNodePodsMatchSelector(node, c.selector, state.pod.namespace));
    });
  }
  return new SpreadPreFilterState(constraints, counts);
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: POD_TOPOLOGY_SPREAD,
  preFilter(state) {
    const s = calPreFilterState(state);
    if (s.constraints.length === 0) return { status: newStatus('Skip') };
    state.data.set(PRE_FILTER_KEY, s);
    return null;
  },
  filter(state, node) {
    const s = state.data.get(PRE_FILTER_KEY) as SpreadPreFilterState | undefined;
    if (!s || s.constraints.length === 0) return null;
    const podLabels = state.pod.pod.metadata.labels;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as SpreadConstraint;
      if (!Object.hasOwn(node.labels, c.topologyKey)) {
        return newStatus('UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH);
      }
      const tpVal = node.labels[c.topologyKey] as string;
      const minMatchNum = s.minMatchNum(i, c.minDomains);
      const selfMatchNum = matchesLabels(c.selector, podLabels) ? 1 : 0;
      const matchNum = s.tpValueToMatchNum[i]?.get(tpVal) ?? 0;
      const skew = matchNum + selfMatchNum - minMatchNum;
      if (skew > c.maxSkew) return newStatus('Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return null;
  },
  addPod(state, pod, node) {
    (state.data.get(PRE_FILTER_KEY) as SpreadPreFilterState | undefined)?.updateWithPod(pod, state.pod.pod, node, 1);
  },
  removePod(state, pod, node) {
    (state.data.get(PRE_FILTER_KEY) as SpreadPreFilterState | undefined)?.updateWithPod(pod, state.pod.pod, node, -1);
  },
};

// ---- Score ---------------------------------------------------------------------------------------

const PRE_SCORE_KEY = 'PreScorePodTopologySpread';

interface SpreadPreScoreState {
  constraints: SpreadConstraint[];
  ignoredNodes: Set<string>;
  /** Per constraint (non-hostname): topology value → matching pods across all nodes. */
  topologyValueToPodCounts: Map<string, number>[];
  topologyNormalizingWeight: number[];
}

/** `topologyNormalizingWeight`: ln(size + 2). */
export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);

/** `scoreForCount`. */
export const scoreForCount = (cnt: number, maxSkew: number, tpWeight: number): number => cnt * tpWeight + (maxSkew - 1);

export function podTopologySpreadScore(
  weight = 2,
  defaults = SYSTEM_DEFAULT_CONSTRAINTS,
  systemDefaulted = true,
): ScorePlugin {
  return {
    name: POD_TOPOLOGY_SPREAD,
    weight,
    preScore(state, filteredNodes) {
      const allNodes = state.snapshot.nodes;
      if (allNodes.length === 0) return newStatus('Skip');
      const pod = state.pod.pod;
      const given = pod.spec?.topologySpreadConstraints ?? [];
      // Only require all topology labels for the pod's own constraints, so that nodes without a
      // zone label still get hostname spreading from the system defaults.
      const requireAllTopologies = given.length > 0 || !systemDefaulted;
      const constraints =
        given.length > 0
          ? filterTopologySpreadConstraints(given, pod.metadata.labels, 'ScheduleAnyway')
          : buildDefaultConstraints(pod, 'ScheduleAnyway', state.snapshot.listers, defaults);
      if (constraints.length === 0) return newStatus('Skip');
      const s: SpreadPreScoreState = {
        constraints,
        ignoredNodes: new Set(),
        topologyValueToPodCounts: constraints.map(() => new Map()),
        topologyNormalizingWeight: [],
      };
      const topoSize = constraints.map(() => 0);
      for (const node of filteredNodes) {
        if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(node.labels, constraints)) {
          s.ignoredNodes.add(node.name);
          continue;
        }
        constraints.forEach((c, i) => {
          if (c.topologyKey === LABEL_HOSTNAME) return;
          const v = node.labels[c.topologyKey] ?? '';
          const m = s.topologyValueToPodCounts[i] as Map<string, number>;
          if (!m.has(v)) {
            m.set(v, 0);
            topoSize[i] = (topoSize[i] ?? 0) + 1;
          }
        });
      }
      s.topologyNormalizingWeight = constraints.map((c, i) =>
        topologyNormalizingWeight(
          c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - s.ignoredNodes.size : (topoSize[i] ?? 0),
        ),
      );
      for (const node of allNodes) {
        if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(node.labels, constraints)) continue;
        constraints.forEach((c, i) => {
          // A domain no candidate node is in is skipped (and hostname domains are counted at Score);
          // checked before the inclusion policies, which give the same answer and cost more.
          const v = node.labels[c.topologyKey] ?? '';
          const m = s.topologyValueToPodCounts[i] as Map<string, number>;
          const cur = m.get(v);
          if (cur === undefined) return;
          if (!matchNodeInclusionPolicies(c, pod, node)) return;
          m.set(v, cur + countNodePodsMatchSelector(node, c.selector, state.pod.namespace));
        });
      }
      state.data.set(PRE_SCORE_KEY, s);
      return null;
    },
    score(state, node) {
      const s = state.data.get(PRE_SCORE_KEY) as SpreadPreScoreState;
      if (s.ignoredNodes.has(node.name)) return 0;
      let score = 0;
      s.constraints.forEach((c, i) => {
        const tpVal = node.labels[c.topologyKey];
        if (tpVal === undefined) return;
        const cnt =
          c.topologyKey === LABEL_HOSTNAME
            ? countNodePodsMatchSelector(node, c.selector, state.pod.namespace)
            : (s.topologyValueToPodCounts[i]?.get(tpVal) ?? 0);
        score += scoreForCount(cnt, c.maxSkew, s.topologyNormalizingWeight[i] ?? 0);
      });
      return Math.round(score);
    },
    normalizeScore(state, scores) {
      const s = state.data.get(PRE_SCORE_KEY) as SpreadPreScoreState | undefined;
      if (!s) return;
      let minScore = Number.MAX_SAFE_INTEGER;
      let maxScore = 0;
      for (const sc of scores) {
        if (s.ignoredNodes.has(sc.name)) continue;
        if (sc.score < minScore) minScore = sc.score;
        if (sc.score > maxScore) maxScore = sc.score;
      }
      for (const sc of scores) {
        if (s.ignoredNodes.has(sc.name)) {
          sc.score = 0;
          continue;
        }
        if (maxScore === 0) {
          sc.score = MAX_NODE_SCORE;
          continue;
        }
        sc.score = Math.trunc((MAX_NODE_SCORE * (maxScore + minScore - sc.score)) / maxScore);
      }
    },
  };
}
