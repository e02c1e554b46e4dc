/**
 * NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity).
 *
 * PreFilter: nothing to do (Skip) without `nodeSelector` or required node affinity; terms that all
 * pin `metadata.name` narrow the nodes to check (`PreFilterResult`).
 * Filter: `spec.nodeSelector` and `requiredDuringSchedulingIgnoredDuringExecution` must match, else
 * UnschedulableAndUnresolvable `node(s) didn't match Pod's node affinity/selector`.
 * Score: the sum of the weights of matching preferred terms, normalized by the highest
 * (`DefaultNormalizeScore(100, false)`); PreScore skips pods without preferred terms.
 */
import type { PreferredSchedulingTerm } from '../api.ts';
import type { FilterPlugin, ScorePlugin } from '../framework-types.ts';
import {
  defaultNormalizeScore,
  MAX_NODE_SCORE,
  preferredSchedulingScore,
  requiredNodeAffinityMatches,
} from '../helpers.ts';
import { newStatus } from '../types.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

export const nodeAffinityFilter: FilterPlugin = {
  name: NODE_AFFINITY,
  preFilter(state) {
    const spec = state.pod.pod.spec ?? {};
    const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const noNodeAffinity = required === undefined || required === null;
    if (noNodeAffinity && (spec.nodeSelector === undefined || spec.nodeSelector === null)) {
      return { status: newStatus('Skip') };
    }
    const terms = required?.nodeSelectorTerms ?? [];
    if (noNodeAffinity || terms.length === 0) return null;
    let nodeNames: Set<string> | undefined;
    for (const t of terms) {
      let termNames: Set<string> | undefined;
      for (const r of t.matchFields ?? []) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const s = new Set(r.values ?? []);
        termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
      }
      // A term without a metadata.name field: every node is eligible, the terms being ORed.
      if (!termNames) return null;
      nodeNames = new Set([...(nodeNames ?? []), ...termNames]);
    }
    if (nodeNames && nodeNames.size === 0)
      return { status: newStatus('UnschedulableAndUnresolvable', ERR_REASON_CONFLICT) };
    return nodeNames ? { nodeNames } : null;
  },
  filter(state, node) {
    return requiredNodeAffinityMatches(state.pod.pod, node.node)
      ? null
      : newStatus('UnschedulableAndUnresolvable', ERR_REASON_POD);
  },
};

const PRE_SCORE_KEY = 'PreScoreNodeAffinity';

export function nodeAffinityScore(weight = 2): ScorePlugin {
  return {
    name: NODE_AFFINITY,
    weight,
    preScore(state) {
      const terms = state.pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
      if (!terms) return newStatus('Skip');
      state.data.set(PRE_SCORE_KEY, terms);
      return null;
    },
    score(state, node) {
      const terms = (state.data.get(PRE_SCORE_KEY) as PreferredSchedulingTerm[] | undefined) ?? [];
      return preferredSchedulingScore(terms, node.node);
    },
    normalizeScore(_state, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
  };
}
