/**
 * The framework's data types (pkg/scheduler/framework/types.go, interface.go): Status codes,
 * PodInfo (a pod with its parsed requests, ports and affinity terms, computed once), NodeInfo
 * (a node with the pods on it and their aggregated requests, kept incrementally so a scheduling
 * cycle never re-sums a node's pods), and the AffinityTerm matcher.
 */
import {
  type LabelSelector,
  type LabelSelectorSpec,
  labelSelectorAsSelector,
  matchesLabels,
} from '../../src/machinery/api/labels.ts';
import {
  type Affinity,
  type ContainerPort,
  LABEL_TOPOLOGY_REGION,
  LABEL_TOPOLOGY_ZONE,
  type Node,
  type Pod,
  type PodAffinityTerm,
  podPriority,
  type Taint,
} from './api.ts';
import { addResource, emptyResource, nodeAllocatable, podRequests, type Resource } from './resource.ts';

// ---- Status --------------------------------------------------------------------------------------

/** `fwk.Code`. */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

export interface Status {
  code: Code;
  reasons: string[];
  /** The plugin that returned it (set by the framework). */
  plugin?: string;
}

export function newStatus(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export const isSuccess = (s: Status | null | undefined): boolean => !s || s.code === 'Success';
export const isRejected = (s: Status | null | undefined): boolean =>
  !!s && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable');
export const statusMessage = (s: Status | null | undefined): string => (s ? s.reasons.join(', ') : '');

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

// ---- label selectors -----------------------------------------------------------------------------

export const EVERYTHING: LabelSelector = { requirements: [] };
export const NOTHING: LabelSelector = { requirements: [], nothing: true };

/** `metav1.LabelSelectorAsSelector`, an invalid selector selecting nothing. */
export function selectorOf(spec: LabelSelectorSpec | null | undefined): LabelSelector {
  const s = labelSelectorAsSelector(spec);
  return typeof s === 'string' ? NOTHING : s;
}

/** `labels.Selector.Empty()`: selects everything. */
export const selectorEmpty = (s: LabelSelector): boolean => !s.nothing && s.requirements.length === 0;

// ---- AffinityTerm ----------------------------------------------------------------------------------

/** `fwk.AffinityTerm`: namespaces (or a namespace selector), a label selector, a topology key. */
export interface AffinityTerm {
  namespaces: Set<string>;
  selector: LabelSelector;
  topologyKey: string;
  namespaceSelector: LabelSelector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** `newAffinityTerm`: no namespaces and no namespace selector means the pod's own namespace. */
export function newAffinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set<string>();
  if (
    (term.namespaces ?? []).length === 0 &&
    (term.namespaceSelector === undefined || term.namespaceSelector === null)
  ) {
    namespaces.add(pod.metadata.namespace ?? '');
  } else {
    for (const ns of term.namespaces ?? []) namespaces.add(ns);
  }
  let selector = selectorOf(term.labelSelector);
  // matchLabelKeys / mismatchLabelKeys (KEP-3633) merge the pod's own label values into the selector.
  const extra: LabelSelector['requirements'] = [];
  for (const k of term.matchLabelKeys ?? []) {
    const v = pod.metadata.labels?.[k];
    if (v !== undefined) extra.push({ key: k, operator: 'in', values: [v] });
  }
  for (const k of term.mismatchLabelKeys ?? []) {
    const v = pod.metadata.labels?.[k];
    if (v !== undefined) extra.push({ key: k, operator: 'notin', values: [v] });
  }
  if (extra.length && !selector.nothing) selector = { requirements: [...selector.requirements, ...extra] };
  return { namespaces, selector, topologyKey: term.topologyKey, namespaceSelector: selectorOf(term.namespaceSelector) };
}

/**
 * `AffinityTerm.Matches`: the pod's namespace is listed or selected by the namespace selector (given
 * the labels of the pod's namespace), and its labels match.
 */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Record<string, string> | undefined): boolean {
  if (t.namespaces.has(pod.metadata.namespace ?? '') || matchesLabels(t.namespaceSelector, nsLabels ?? {})) {
    return matchesLabels(t.selector, pod.metadata.labels);
  }
  return false;
}

// ---- PodInfo -----------------------------------------------------------------------------------------

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** `framework.PodInfo`: a pod and what the plugins need from it, computed once per pod version. */
export interface PodInfo {
  pod: Pod;
  /** Cache key: the UID (namespace/name if the pod has none). */
  key: string;
  namespace: string;
  name: string;
  priority: number;
  /** Actual requests (filtering, BalancedAllocation). */
  requests: Resource;
  /** Requests with the 100m / 200Mi defaults (LeastAllocated scoring, NonZeroRequested). */
  nonZero: Resource;
  hostPorts: HostPort[];
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  hasAffinity: boolean;
  deleting: boolean;
}

/** `getContainerPorts`: host ports of containers and restartable init containers. */
function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const add = (ports: ContainerPort[] | undefined) => {
    for (const p of ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  };
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') add(c.ports);
  for (const c of pod.spec?.containers ?? []) add(c.ports);
  return out;
}

export function newPodInfo(pod: Pod): PodInfo {
  const aff: Affinity = pod.spec?.affinity ?? {};
  const req = aff.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const anti = aff.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const prefAff = aff.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const prefAnti = aff.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const m = pod.metadata;
  return {
    pod,
    key: m.uid || `${m.namespace ?? ''}/${m.name ?? ''}`,
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    priority: podPriority(pod),
    requests: podRequests(pod, false),
    nonZero: podRequests(pod, true),
    hostPorts: hostPortsOf(pod),
    requiredAffinityTerms: req.map((t) => newAffinityTerm(pod, t)),
    requiredAntiAffinityTerms: anti.map((t) => newAffinityTerm(pod, t)),
    preferredAffinityTerms: prefAff.map((w) => ({ ...newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight })),
    preferredAntiAffinityTerms: prefAnti.map((w) => ({ ...newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight })),
    hasAffinity: !!(aff.podAffinity || aff.podAntiAffinity),
    deleting: !!m.deletionTimestamp,
  };
}

// ---- NodeInfo ---------------------------------------------------------------------------------------

export interface ImageState {
  size: number;
  /** How many nodes have the image (filled by the cache). */
  numNodes: number;
}

/** `framework.NodeInfo`: a node, its pods and their aggregated requests, maintained incrementally. */
export class NodeInfo {
  node!: Node;
  name = '';
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  allocatable: Resource = emptyResource();
  /** Image name (every name the node reports) → size in bytes. */
  images = new Map<string, number>();
  readonly pods: PodInfo[] = [];
  private index = new Map<string, number>();
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  /** `HostPortInfo`: `protocol/port` → ip → count. */
  usedPorts = new Map<string, Map<string, number>>();
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  generation = 0;

  constructor(node?: Node) {
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata.name ?? '';
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node);
    this.images.clear();
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) this.images.set(n, img.sizeBytes ?? 0);
    }
    this.generation++;
  }

  hasPod(key: string): boolean {
    return this.index.has(key);
  }

  getPod(key: string): PodInfo | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.pods[i];
  }

  addPod(pi: PodInfo): void {
    if (this.index.has(pi.key)) this.removePod(pi.key);
    this.index.set(pi.key, this.pods.length);
    this.pods.push(pi);
    addResource(this.requested, pi.requests);
    this.nonZeroRequested.milliCPU += pi.nonZero.milliCPU;
    this.nonZeroRequested.memory += pi.nonZero.memory;
    for (const hp of pi.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      let ips = this.usedPorts.get(k);
      if (!ips) this.usedPorts.set(k, (ips = new Map()));
      ips.set(hp.ip, (ips.get(hp.ip) ?? 0) + 1);
    }
    if (pi.hasAffinity) this.podsWithAffinity++;
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity++;
    this.generation++;
  }

  removePod(key: string): PodInfo | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const pi = this.pods[i] as PodInfo;
    const last = this.pods.pop() as PodInfo;
    this.index.delete(key);
    if (last !== pi) {
      this.pods[i] = last;
      this.index.set(last.key, i);
    }
    addResource(this.requested, pi.requests, -1);
    this.nonZeroRequested.milliCPU -= pi.nonZero.milliCPU;
    this.nonZeroRequested.memory -= pi.nonZero.memory;
    for (const hp of pi.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const ips = this.usedPorts.get(k);
      if (!ips) continue;
      const n = (ips.get(hp.ip) ?? 0) - 1;
      if (n <= 0) ips.delete(hp.ip);
      else ips.set(hp.ip, n);
      if (ips.size === 0) this.usedPorts.delete(k);
    }
    if (pi.hasAffinity) this.podsWithAffinity--;
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity--;
    this.generation++;
    return pi;
  }

  /** `HostPortInfo.CheckConflict`: 0.0.0.0 conflicts with every address on the same protocol/port. */
  portConflict(hp: HostPort): boolean {
    const ips = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!ips || ips.size === 0) return false;
    if (hp.ip === '0.0.0.0') return true;
    return ips.has(hp.ip) || ips.has('0.0.0.0');
  }

  /** A copy whose pod list can be changed without touching this one (preemption's dry run). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const p of this.pods) c.addPod(p);
    return c;
  }
}

/** `utilnode.GetZoneKey`: region and zone, for the node tree's zone round-robin. */
export function zoneKeyOf(node: Node): string {
  const l = node.metadata.labels ?? {};
  const region = l[LABEL_TOPOLOGY_REGION] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l[LABEL_TOPOLOGY_ZONE] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (!region && !zone) return '';
  return `${region}:\x00:${zone}`;
}
