/**
 * Resource arithmetic as the scheduler does it (pkg/scheduler/framework/types.go `Resource`,
 * component-helpers/resource `PodRequests`, pkg/scheduler/util/pod_resources.go): CPU in
 * millicores, memory and ephemeral storage in bytes, extended resources as integers.
 *
 * A pod's request is the larger of (sum of its containers plus its restartable init containers)
 * and (its heaviest init container, counting the sidecars started before it), plus the pod's
 * overhead. For scoring, a container that does not request cpu counts 100m and one that does not
 * request memory counts 200 MiB (`DefaultMilliCPURequest`, `DefaultMemoryRequest`).
 */
import { integerValue, milliValue, parseQuantity } from '../../src/machinery/api/quantity.ts';
import type { Container, Node, Pod, ResourceList } from './api.ts';

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** `allowedPodNumber`: only meaningful for a node's allocatable. */
  pods: number;
  /** Extended resources, hugepages, attachable volumes. */
  scalar: Record<string, number>;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: {} };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: { ...r.scalar } };
}

/** `schedutil.IsScalarResourceName`: extended (domain-prefixed, not kubernetes.io), hugepages-*, attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  if (!name.includes('/')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  if (domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) return false;
  return !name.startsWith('requests.');
}

/** Quantity → integer, as `Quantity.MilliValue()` (cpu) or `Quantity.Value()` (the rest); invalid → 0. */
export function quantityValue(q: string | number | undefined, milli: boolean): number {
  if (q === undefined || q === null) return 0;
  try {
    const parsed = parseQuantity(typeof q === 'number' ? String(q) : q);
    return Number(milli ? milliValue(parsed) : integerValue(parsed));
  } catch {
    return 0;
  }
}

/** `Resource.Add(ResourceList)`. */
export function addList(r: Resource, rl: ResourceList | null | undefined): void {
  if (!rl) return;
  for (const [name, q] of Object.entries(rl)) {
    switch (name) {
      case 'cpu':
        r.milliCPU += quantityValue(q, true);
        break;
      case 'memory':
        r.memory += quantityValue(q, false);
        break;
      case 'pods':
        r.pods += quantityValue(q, false);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += quantityValue(q, false);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar[name] = (r.scalar[name] ?? 0) + quantityValue(q, false);
    }
  }
}

export function addResource(a: Resource, b: Resource, sign = 1): void {
  a.milliCPU += sign * b.milliCPU;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  a.pods += sign * b.pods;
  for (const [k, v] of Object.entries(b.scalar)) {
    const next = (a.scalar[k] ?? 0) + sign * v;
    if (next === 0) delete a.scalar[k];
    else a.scalar[k] = next;
  }
}

function maxResource(a: Resource, b: Resource): void {
  a.milliCPU = Math.max(a.milliCPU, b.milliCPU);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
  for (const [k, v] of Object.entries(b.scalar)) a.scalar[k] = Math.max(a.scalar[k] ?? 0, v);
}

function containerRequests(c: Container, nonMissing: boolean): Resource {
  const r = emptyResource();
  const requests = c.resources?.requests ?? {};
  addList(r, requests);
  if (nonMissing) {
    if (!Object.hasOwn(requests, 'cpu')) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!Object.hasOwn(requests, 'memory')) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * `resource.PodRequests`: containers summed, restartable init containers (sidecars) added to that
 * sum, regular init containers taken at their peak (with the sidecars started before them), the
 * larger of the two, plus overhead. With `nonMissing`, missing cpu/memory requests count as
 * 100m / 200Mi per container (the NonZeroRequested view used for scoring).
 */
export function podRequests(pod: Pod, nonMissing = false): Resource {
  const reqs = emptyResource();
  for (const c of pod.spec?.containers ?? []) addResource(reqs, containerRequests(c, nonMissing));
  const restartable = emptyResource();
  const initPeak = emptyResource();
  for (const c of pod.spec?.initContainers ?? []) {
    const cr = containerRequests(c, nonMissing);
    if (c.restartPolicy === 'Always') {
      addResource(restartable, cr);
      maxResource(initPeak, restartable);
    } else {
      const tmp = cloneResource(cr);
      addResource(tmp, restartable);
      maxResource(initPeak, tmp);
    }
  }
  addResource(reqs, restartable);
  maxResource(reqs, initPeak);
  addList(reqs, pod.spec?.overhead ?? undefined);
  reqs.pods = 0;
  return reqs;
}

/** A node's allocatable (falls back to capacity, as the kubelet reports both). */
export function nodeAllocatable(node: Node): Resource {
  const r = emptyResource();
  addList(r, node.status?.allocatable ?? node.status?.capacity);
  return r;
}

export function isZeroRequest(r: Resource): boolean {
  return r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && Object.keys(r.scalar).length === 0;
}
