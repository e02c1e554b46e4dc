/**
 * Builders for scheduler tests, after upstream's `st.MakePod()` / `st.MakeNode()` wrappers
 * (pkg/scheduler/testing): plain objects in, API-shaped Pods and Nodes out, and a Snapshot of
 * NodeInfos with pods placed on them.
 */
import type {
  Affinity,
  Container,
  Node,
  Pod,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from './api.ts';
import { Cache } from './cache.ts';
import { type Listers, NO_LISTERS, type Snapshot } from './framework-types.ts';
import { newPodInfo } from './types.ts';

export interface PodOptions {
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  /** One request map per container. */
  requests?: ResourceList[];
  initRequests?: ResourceList[];
  images?: string[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  priority?: number;
  hostPorts?: number[];
  schedulerName?: string;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  overhead?: ResourceList;
}

let uidSeq = 0;

export function makePod(name: string, o: PodOptions = {}): Pod {
  const n = Math.max(o.requests?.length ?? 1, o.images?.length ?? 1, 1);
  const containers: Container[] = [];
  for (let i = 0; i < n; i++) {
    const c: Container = { name: `c${i}`, image: o.images?.[i] ?? 'registry.k8s.io/pause:3.10' };
    const req = o.requests?.[i];
    if (req) c.resources = { requests: req };
    if (i === 0 && o.hostPorts) c.ports = o.hostPorts.map((p) => ({ containerPort: p, hostPort: p, protocol: 'TCP' }));
    containers.push(c);
  }
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `uid-${name}-${++uidSeq}`,
      labels: o.labels ?? {},
    },
    spec: { containers },
    status: { phase: 'Pending' },
  };
  if (o.initRequests)
    pod.spec.initContainers = o.initRequests.map((r, i) => ({
      name: `init${i}`,
      image: 'busybox',
      resources: { requests: r },
    }));
  if (o.nodeName) pod.spec.nodeName = o.nodeName;
  if (o.nodeSelector) pod.spec.nodeSelector = o.nodeSelector;
  if (o.affinity) pod.spec.affinity = o.affinity;
  if (o.tolerations) pod.spec.tolerations = o.tolerations;
  if (o.priority !== undefined) pod.spec.priority = o.priority;
  if (o.schedulerName) pod.spec.schedulerName = o.schedulerName;
  if (o.topologySpreadConstraints) pod.spec.topologySpreadConstraints = o.topologySpreadConstraints;
  if (o.ownerReferences) pod.metadata.ownerReferences = o.ownerReferences;
  if (o.overhead) pod.spec.overhead = o.overhead;
  return pod;
}

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
  extended?: ResourceList;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable: ResourceList = {
    cpu: o.cpu ?? '8',
    memory: o.memory ?? '16374584Ki',
    pods: o.pods ?? '110',
    ...(o.extended ?? {}),
  };
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: {},
    status: { capacity: { ...allocatable }, allocatable },
  };
  if (o.taints) (node.spec as { taints?: Taint[] }).taints = o.taints;
  if (o.unschedulable) (node.spec as { unschedulable?: boolean }).unschedulable = true;
  if (o.images) (node.status as { images?: unknown }).images = o.images;
  return node;
}

/** A cache with these nodes and the pods placed on them (each pod's `spec.nodeName`). */
export function cacheOf(nodes: Node[], pods: Pod[] = []): Cache {
  const cache = new Cache();
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) if (p.spec.nodeName) cache.addPod(newPodInfo(p), p.spec.nodeName);
  return cache;
}

export function snapshotOf(cache: Cache, listers: Listers = NO_LISTERS): Snapshot {
  return {
    nodes: cache.list(),
    get: (name) => cache.getNode(name),
    imageNumNodes: (image) => cache.imageNumNodes(image),
    listers,
  };
}

/** A deterministic randInt for tests (a small LCG). */
export function seededRandInt(seed = 1): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 4294967296) * n);
  };
}
