/**
 * NodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go):
 * prefers nodes whose cpu and memory would be used in equal proportion. Uses actual requests (no
 * 100m / 200Mi defaults); fraction = requested / allocatable capped at 1; with two resources
 * `std = |f1 - f2| / 2`, with more the population standard deviation; score
 * `int64((1 - std) * 100)`. PreScore skips best-effort pods (no cpu or memory request).
 */
import type { ScorePlugin } from '../framework-types.ts';
import { MAX_NODE_SCORE, newStatus } from '../types.ts';
import {
  allocatableAndRequested,
  DEFAULT_RESOURCES,
  type ResourceSpec,
  requestVectors,
  resourceValue,
} from './node-resources-fit.ts';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

export function balancedResourceScorer(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    const alloc = allocatable[i] ?? 0;
    if (alloc === 0) continue;
    let f = (requested[i] ?? 0) / alloc;
    if (f > 1) f = 1;
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs(((fractions[0] as number) - (fractions[1] as number)) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function balancedAllocation(weight = 1, resources: ResourceSpec[] = DEFAULT_RESOURCES): ScorePlugin {
  return {
    name: BALANCED_ALLOCATION,
    weight,
    preScore(state) {
      // isBestEffortPod: no request for any of the scored resources (kubernetes#129138).
      const bestEffort = resources.every((r) => resourceValue(state.pod.requests, r.name) === 0);
      return bestEffort ? newStatus('Skip') : null;
    },
    score(state, node) {
      const pod = state.pod.requests;
      if (resources.length === 2) {
        // The common case without the vectors: std = |f1 - f2| / 2.
        const [r0, r1] = resources as [ResourceSpec, ResourceSpec];
        const [a0, q0] = allocatableAndRequested(node, r0.name, resourceValue(pod, r0.name), true);
        const [a1, q1] = allocatableAndRequested(node, r1.name, resourceValue(pod, r1.name), true);
        if (a0 !== 0 && a1 !== 0) {
          const f0 = Math.min(q0 / a0, 1);
          const f1 = Math.min(q1 / a1, 1);
          return Math.trunc((1 - Math.abs((f0 - f1) / 2)) * MAX_NODE_SCORE);
        }
      }
      const { requested, allocatable } = requestVectors(resources, node, pod, true);
      return balancedResourceScorer(requested, allocatable);
    },
  };
}
