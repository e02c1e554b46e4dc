/**
 * NodeResourcesFit (pkg/scheduler/framework/plugins/noderesources/fit.go, least_allocated.go,
 * resource_allocation.go).
 *
 * Filter: the node must have room for one more pod (`Too many pods`, against allocatable `pods`,
 * 110 on a kind node) and for the pod's requests of every resource it asks for (`Insufficient cpu`,
 * `Insufficient memory`, `Insufficient ephemeral-storage`, `Insufficient <extended>`), each
 * insufficient resource being a separate reason.
 *
 * Score (LeastAllocated, default weights cpu 1, memory 1): per resource
 * `(allocatable - requested) * 100 / allocatable`, 0 when over; the weighted mean, integer
 * division. `requested` is the node's NonZeroRequested plus the pod's own, both counting 100m /
 * 200Mi for containers that request nothing.
 */
import type { FilterPlugin, ScorePlugin } from '../framework-types.ts';
import { isZeroRequest, type Resource } from '../resource.ts';
import { MAX_NODE_SCORE, type NodeInfo, newStatus, type Status } from '../types.ts';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** `fitsRequest`: every resource the node lacks for this pod. */
export function fitsRequest(podRequest: Resource, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowed = node.allocatable.pods;
  if (node.pods.length + 1 > allowed) {
    out.push({
      resourceName: 'pods',
      reason: 'Too many pods',
      requested: 1,
      used: node.pods.length,
      capacity: allowed,
    });
  }
  if (isZeroRequest(podRequest)) return out;
  const a = node.allocatable;
  const r = node.requested;
  if (podRequest.milliCPU > 0 && podRequest.milliCPU > a.milliCPU - r.milliCPU) {
    out.push({
      resourceName: 'cpu',
      reason: 'Insufficient cpu',
      requested: podRequest.milliCPU,
      used: r.milliCPU,
      capacity: a.milliCPU,
    });
  }
  if (podRequest.memory > 0 && podRequest.memory > a.memory - r.memory) {
    out.push({
      resourceName: 'memory',
      reason: 'Insufficient memory',
      requested: podRequest.memory,
      used: r.memory,
      capacity: a.memory,
    });
  }
  if (podRequest.ephemeralStorage > 0 && podRequest.ephemeralStorage > a.ephemeralStorage - r.ephemeralStorage) {
    out.push({
      resourceName: 'ephemeral-storage',
      reason: 'Insufficient ephemeral-storage',
      requested: podRequest.ephemeralStorage,
      used: r.ephemeralStorage,
      capacity: a.ephemeralStorage,
    });
  }
  for (const [name, q] of Object.entries(podRequest.scalar)) {
    if (q === 0) continue;
    const cap = a.scalar[name] ?? 0;
    const used = r.scalar[name] ?? 0;
    if (q > cap - used)
      out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used, capacity: cap });
  }
  return out;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: NODE_RESOURCES_FIT,
  filter(state, node): Status | null {
    const insufficient = fitsRequest(state.pod.requests, node);
    if (insufficient.length === 0) return null;
    return newStatus('Unschedulable', ...insufficient.map((i) => i.reason));
  },
};

/** `leastRequestedScore`. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** The LeastAllocated scorer over parallel arrays (resources with allocatable 0 skipped). */
export function leastAllocatedScorer(resources: ResourceSpec[], requested: number[], allocatable: number[]): number {
  let nodeScore = 0;
  let weightSum = 0;
  for (let i = 0; i < requested.length; i++) {
    const alloc = allocatable[i] ?? 0;
    if (alloc === 0) continue;
    const w = resources[i]?.weight ?? 1;
    nodeScore += leastRequestedScore(requested[i] ?? 0, alloc) * w;
    weightSum += w;
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}

export function resourceValue(r: Resource, name: string): number {
  switch (name) {
    case 'cpu':
      return r.milliCPU;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    default:
      return r.scalar[name] ?? 0;
  }
}

/**
 * `resourceAllocationScorer.calculateResourceAllocatableRequest`: allocatable and requested for
 * one resource, the pod's request included. With `useRequested` the node's actual requests are
 * used, otherwise its NonZeroRequested (cpu and memory). Extended resources the pod does not ask
 * for are left out (0, 0).
 */
export function allocatableAndRequested(
  node: NodeInfo,
  name: string,
  podRequest: number,
  useRequested: boolean,
): [number, number] {
  const alloc = resourceValue(node.allocatable, name);
  let base: number;
  if (name === 'cpu' || name === 'memory')
    base = resourceValue(useRequested ? node.requested : node.nonZeroRequested, name);
  else if (name === 'ephemeral-storage') base = node.requested.ephemeralStorage;
  else {
    if (podRequest === 0) return [0, 0];
    base = node.requested.scalar[name] ?? 0;
  }
  return [alloc, base + podRequest];
}

/** Requested and allocatable vectors for a scorer, with allocatable 0 entries left at 0. */
export function requestVectors(
  resources: ResourceSpec[],
  node: NodeInfo,
  podRequest: Resource,
  useRequested: boolean,
): { requested: number[]; allocatable: number[] } {
  const requested: number[] = [];
  const allocatable: number[] = [];
  for (const r of resources) {
    const [alloc, req] = allocatableAndRequested(node, r.name, resourceValue(podRequest, r.name), useRequested);
    allocatable.push(alloc);
    requested.push(alloc === 0 ? 0 : req);
  }
  return { requested, allocatable };
}

/** NodeResourcesFit's Score with the LeastAllocated strategy (`leastAllocatedScorer` without the vectors). */
export function nodeResourcesFitScore(weight = 1, resources: ResourceSpec[] = DEFAULT_RESOURCES): ScorePlugin {
  return {
    name: NODE_RESOURCES_FIT,
    weight,
    score(state, node) {
      const pod = state.pod.nonZero;
      let nodeScore = 0;
      let weightSum = 0;
      for (const r of resources) {
        const [alloc, req] = allocatableAndRequested(node, r.name, resourceValue(pod, r.name), false);
        if (alloc === 0) continue;
        nodeScore += leastRequestedScore(req, alloc) * r.weight;
        weightSum += r.weight;
      }
      return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
    },
  };
}
