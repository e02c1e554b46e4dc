/**
 * TaintToleration (pkg/scheduler/framework/plugins/tainttoleration).
 *
 * Filter: the first NoSchedule/NoExecute taint the pod does not tolerate rejects the node as
 * UnschedulableAndUnresolvable. The message names the taint as v1.33 does,
 * `node(s) had untolerated taint {key: value}`; releases from late 2025 (PR #134740, in 1.35 and
 * back-ported to 1.34) print `node(s) had untolerated taint(s)` instead.
 *
 * Score: the number of PreferNoSchedule taints the pod's PreferNoSchedule (or effect-less)
 * tolerations do not tolerate, normalized reversed: `100 - 100 * count / max`.
 */
import type { Taint, Toleration } from '../api.ts';
import type { FilterPlugin, ScorePlugin } from '../framework-types.ts';
import {
  defaultNormalizeScore,
  findMatchingUntoleratedTaint,
  MAX_NODE_SCORE,
  tolerationsTolerateTaint,
} from '../helpers.ts';
import { newStatus } from '../types.ts';

export const TAINT_TOLERATION = 'TaintToleration';

/** The v1.33 reason for a node whose taint the pod does not tolerate. */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

export const taintTolerationFilter: FilterPlugin = {
  name: TAINT_TOLERATION,
  filter(state, node) {
    const taint = findMatchingUntoleratedTaint(
      node.taints,
      state.pod.pod.spec?.tolerations,
      (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
    );
    return taint ? newStatus('UnschedulableAndUnresolvable', untoleratedTaintReason(taint)) : null;
  },
};

const PRE_SCORE_KEY = 'PreScoreTaintToleration';

/** `countIntolerableTaintsPreferNoSchedule`. */
export function countIntolerableTaintsPreferNoSchedule(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): number {
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
  return n;
}

export function taintTolerationScore(weight = 3): ScorePlugin {
  return {
    name: TAINT_TOLERATION,
    weight,
    preScore(state) {
      const tolerations = (state.pod.pod.spec?.tolerations ?? []).filter(
        (t) => !t.effect || t.effect === 'PreferNoSchedule',
      );
      state.data.set(PRE_SCORE_KEY, tolerations);
      return null;
    },
    score(state, node) {
      const tolerations = (state.data.get(PRE_SCORE_KEY) as Toleration[] | undefined) ?? [];
      return countIntolerableTaintsPreferNoSchedule(node.taints, tolerations);
    },
    normalizeScore(_state, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    },
  };
}
