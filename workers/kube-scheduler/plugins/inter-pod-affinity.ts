/**
 * InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity: filtering.go, scoring.go).
 *
 * Filter (required terms), in upstream's order:
 * 1. the pod's required affinity: every term's topology domain on this node must hold a pod that
 *    matches all the terms (or, for the first pod of a group matching its own terms, no such pod
 *    exists anywhere) → UnschedulableAndUnresolvable `node(s) didn't match pod affinity rules`;
 * 2. the pod's required anti-affinity: no matching pod in the node's domain → Unschedulable
 *    `node(s) didn't match pod anti-affinity rules`;
 * 3. existing pods' required anti-affinity that matches this pod, in the node's domain →
 *    Unschedulable `node(s) didn't satisfy existing pods anti-affinity rules`.
 *
 * Score (preferred terms, both directions, plus existing pods' required affinity at
 * hardPodAffinityWeight 1): sums per topology domain, normalized to 0..100 between the lowest and
 * highest node. PreScore skips when nothing contributes.
 */

import { matchesLabels } from '../../../src/machinery/api/labels.ts';
import type { Pod } from '../api.ts';
import type { Cloneable, CycleState, FilterPlugin, Listers, ScorePlugin } from '../framework-types.ts';
import {
  type AffinityTerm,
  MAX_NODE_SCORE,
  NOTHING,
  type NodeInfo,
  newStatus,
  type PodInfo,
  selectorEmpty,
  termMatches,
  type WeightedAffinityTerm,
} from '../types.ts';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH =
  "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

/** `mergeAffinityTermNamespacesIfNotEmpty`: a namespace selector becomes the namespaces it selects. */
export function mergeTermNamespaces<T extends AffinityTerm>(t: T, listers: Listers): T {
  if (selectorEmpty(t.namespaceSelector)) return t;
  const namespaces = new Set(t.namespaces);
  for (const ns of listers.namespaces()) if (matchesLabels(t.namespaceSelector, ns.labels)) namespaces.add(ns.name);
  return { ...t, namespaces, namespaceSelector: NOTHING };
}

/** `podMatchesAllAffinityTerms`. */
function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatches(t, pod, undefined));
}

function bump(m: Map<string, number>, node: NodeInfo, key: string, delta: number): void {
  const v = node.labels[key];
  if (v === undefined) return;
  const k = pairKey(key, v);
  const n = (m.get(k) ?? 0) + delta;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

export class AffinityPreFilterState implements Cloneable {
  constructor(
    readonly requiredAffinity: AffinityTerm[],
    readonly requiredAntiAffinity: AffinityTerm[],
    readonly namespaceLabels: Record<string, string>,
    /** Topology pairs with existing pods whose required anti-affinity matches the incoming pod. */
    readonly existingAntiAffinityCounts: Map<string, number>,
    /** Topology pairs with pods matching all the incoming pod's required affinity terms. */
    readonly affinityCounts: Map<string, number>,
    /** Topology pairs with pods matching the incoming pod's required anti-affinity terms. */
    readonly antiAffinityCounts: Map<string, number>,
  ) {}

  clone(): AffinityPreFilterState {
    return new AffinityPreFilterState(
      this.requiredAffinity,
      this.requiredAntiAffinity,
      this.namespaceLabels,
      new Map(this.existingAntiAffinityCounts),
      new Map(this.affinityCounts),
      new Map(this.antiAffinityCounts),
    );
  }

  /** `updateWithPod`. */
  updateWithPod(p: PodInfo, incoming: Pod, node: NodeInfo, delta: number): void {
    for (const t of p.requiredAntiAffinityTerms) {
      if (termMatches(t, incoming, this.namespaceLabels))
        bump(this.existingAntiAffinityCounts, node, t.topologyKey, delta);
    }
    if (podMatchesAllAffinityTerms(this.requiredAffinity, p.pod)) {
      for (const t of this.requiredAffinity) bump(this.affinityCounts, node, t.topologyKey, delta);
    }
    for (const t of this.requiredAntiAffinity) {
      if (termMatches(t, p.pod, undefined)) bump(this.antiAffinityCounts, node, t.topologyKey, delta);
    }
  }
}

const PRE_FILTER_KEY = 'PreFilterInterPodAffinity';

export function interPodAffinityPreFilterState(state: CycleState): AffinityPreFilterState {
  const listers = state.snapshot.listers;
  const pi = state.pod;
  const requiredAffinity = pi.requiredAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
  const requiredAntiAffinity = pi.requiredAntiAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
  const nsLabels = listers.namespaceLabels(pi.namespace) ?? {};
  const s = new AffinityPreFilterState(
    requiredAffinity,
    requiredAntiAffinity,
    nsLabels,
    new Map(),
    new Map(),
    new Map(),
  );
  const ownTerms = requiredAffinity.length > 0 || requiredAntiAffinity.length > 0;
  for (const node of state.snapshot.nodes) {
    if (!ownTerms && node.podsWithRequiredAntiAffinity === 0) continue;
    if (node.podsWithRequiredAntiAffinity > 0) {
      for (const existing of node.pods) {
        for (const t of existing.requiredAntiAffinityTerms) {
          if (termMatches(t, pi.pod, nsLabels)) bump(s.existingAntiAffinityCounts, node, t.topologyKey, 1);
        }
      }
    }
    if (!ownTerms) continue;
    for (const existing of node.pods) {
      if (podMatchesAllAffinityTerms(requiredAffinity, existing.pod)) {
        for (const t of requiredAffinity) bump(s.affinityCounts, node, t.topologyKey, 1);
      }
      for (const t of requiredAntiAffinity) {
        if (termMatches(t, existing.pod, undefined)) bump(s.antiAffinityCounts, node, t.topologyKey, 1);
      }
    }
  }
  return s;
}

function satisfyExistingPodsAntiAffinity(s: AffinityPreFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [k, v] of Object.entries(node.labels))
    if ((s.existingAntiAffinityCounts.get(pairKey(k, v)) ?? 0) > 0) return false;
  return true;
}

function satisfyPodAntiAffinity(s: AffinityPreFilterState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyPodAffinity(s: AffinityPreFilterState, node: NodeInfo, pod: Pod): boolean {
  let podsExist = true;
  for (const t of s.requiredAffinity) {
    const v = node.labels[t.topologyKey];
    if (v === undefined) return false;
    if ((s.affinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist) {
    // The first pod of a group with affinity to itself: allowed if no pod anywhere matches and the
    // pod matches its own terms.
    return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.requiredAffinity, pod);
  }
  return true;
}

export const interPodAffinityFilter: FilterPlugin = {
  name: INTER_POD_AFFINITY,
  preFilter(state) {
    const s = interPodAffinityPreFilterState(state);
    if (
      s.existingAntiAffinityCounts.size === 0 &&
      s.requiredAffinity.length === 0 &&
      s.requiredAntiAffinity.length === 0
    ) {
      return { status: newStatus('Skip') };
    }
    state.data.set(PRE_FILTER_KEY, s);
    return null;
  },
  filter(state, node) {
    const s = state.data.get(PRE_FILTER_KEY) as AffinityPreFilterState | undefined;
    if (!s) return null;
    if (!satisfyPodAffinity(s, node, state.pod.pod))
      return newStatus('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyPodAntiAffinity(s, node)) return newStatus('Unschedulable', ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyExistingPodsAntiAffinity(s, node))
      return newStatus('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
    return null;
  },
  addPod(state, pod, node) {
    (state.data.get(PRE_FILTER_KEY) as AffinityPreFilterState | undefined)?.updateWithPod(pod, state.pod.pod, node, 1);
  },
  removePod(state, pod, node) {
    (state.data.get(PRE_FILTER_KEY) as AffinityPreFilterState | undefined)?.updateWithPod(pod, state.pod.pod, node, -1);
  },
};

// ---- Score ---------------------------------------------------------------------------------------

const PRE_SCORE_KEY = 'PreScoreInterPodAffinity';

/** topology key → value → score. */
type ScoreMap = Map<string, Map<string, number>>;

function processTerm(
  m: ScoreMap,
  t: AffinityTerm,
  weight: number,
  pod: Pod,
  nsLabels: Record<string, string> | undefined,
  node: NodeInfo,
  multiplier: number,
): void {
  if (!termMatches(t, pod, nsLabels)) return;
  const v = node.labels[t.topologyKey];
  if (v === undefined) return;
  let byValue = m.get(t.topologyKey);
  if (!byValue) m.set(t.topologyKey, (byValue = new Map()));
  byValue.set(v, (byValue.get(v) ?? 0) + weight * multiplier);
}

export function interPodAffinityScore(weight = 2, hardPodAffinityWeight = 1): ScorePlugin {
  return {
    name: INTER_POD_AFFINITY,
    weight,
    preScore(state, nodes) {
      if (nodes.length === 0) return null;
      const listers = state.snapshot.listers;
      const pi = state.pod;
      const prefAff: WeightedAffinityTerm[] = pi.preferredAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
      const prefAnti: WeightedAffinityTerm[] = pi.preferredAntiAffinityTerms.map((t) =>
        mergeTermNamespaces(t, listers),
      );
      const hasConstraints = prefAff.length > 0 || prefAnti.length > 0;
      const nsLabels = listers.namespaceLabels(pi.namespace) ?? {};
      const m: ScoreMap = new Map();
      for (const node of state.snapshot.nodes) {
        if (!hasConstraints && node.podsWithAffinity === 0) continue;
        if (Object.keys(node.labels).length === 0) continue;
        for (const existing of node.pods) {
          if (!hasConstraints && !existing.hasAffinity) continue;
          for (const t of prefAff) processTerm(m, t, t.weight, existing.pod, undefined, node, 1);
          for (const t of prefAnti) processTerm(m, t, t.weight, existing.pod, undefined, node, -1);
          if (hardPodAffinityWeight > 0) {
            for (const t of existing.requiredAffinityTerms)
              processTerm(m, t, hardPodAffinityWeight, pi.pod, nsLabels, node, 1);
          }
          for (const t of existing.preferredAffinityTerms) processTerm(m, t, t.weight, pi.pod, nsLabels, node, 1);
          for (const t of existing.preferredAntiAffinityTerms) processTerm(m, t, t.weight, pi.pod, nsLabels, node, -1);
        }
      }
      if (m.size === 0) return newStatus('Skip');
      state.data.set(PRE_SCORE_KEY, m);
      return null;
    },
    score(state, node) {
      const m = state.data.get(PRE_SCORE_KEY) as ScoreMap | undefined;
      if (!m) return 0;
      let score = 0;
      for (const [key, values] of m) {
        const v = node.labels[key];
        if (v !== undefined) score += values.get(v) ?? 0;
      }
      return score;
    },
    normalizeScore(state, scores) {
      const m = state.data.get(PRE_SCORE_KEY) as ScoreMap | undefined;
      if (!m || m.size === 0) return;
      let min = Number.MAX_SAFE_INTEGER;
      let max = Number.MIN_SAFE_INTEGER;
      for (const s of scores) {
        if (s.score > max) max = s.score;
        if (s.score < min) min = s.score;
      }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
    },
  };
}
