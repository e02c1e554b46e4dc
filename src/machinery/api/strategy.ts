/**
 * Parts of the registry strategies (pkg/registry/<group>/<kind>/strategy.go and the service REST
 * storage) that shape what gets validated and stored, for kube-apiserver to call:
 *
 * - `prepareForCreate` after the uid is assigned: Job selector generation (generateSelector), pod
 *   status (Pending + QoS class), the status a new workload or service starts with;
 * - `prepareForUpdate` before validation: a Service keeps the allocated values an update leaves out
 *   (patchAllocatedValues) and drops the ones its new type no longer uses (dropTypeDependentFields);
 *   a Namespace keeps its finalizers;
 * - `ensureObjectNamespaceMatchesRequestNamespace` (rest.BeforeCreate/BeforeUpdate).
 */
import { addQuantity, compareQuantity, parseQuantity, type Quantity } from './quantity.ts';
import type { KObject, ResourceInfo } from './types.ts';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const dict = (parent: Dict, key: string): Dict => {
  if (!isDict(parent[key])) parent[key] = {};
  return parent[key] as Dict;
};
const list = (v: unknown): Dict[] => (Array.isArray(v) ? v.filter(isDict) : []);

export const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'];
export const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

/** Job `generateSelector`: template labels and a selector on the job's UID (unless manualSelector). */
export function generateJobSelector(job: KObject): void {
  const spec = dict(job as Dict, 'spec');
  if (spec.manualSelector === true) return;
  const meta = job.metadata ?? {};
  const tmeta = dict(dict(spec, 'template'), 'metadata');
  const labels = dict(tmeta, 'labels') as Record<string, string>;
  for (const l of JOB_NAME_LABELS) if (!(l in labels)) labels[l] = meta.name ?? '';
  for (const l of CONTROLLER_UID_LABELS) if (!(l in labels)) labels[l] = meta.uid ?? '';
  const sel = dict(spec, 'selector');
  const ml = dict(sel, 'matchLabels') as Record<string, string>;
  if (!('batch.kubernetes.io/controller-uid' in ml)) ml['batch.kubernetes.io/controller-uid'] = meta.uid ?? '';
  // Read back through the defaulting decoder, a Job without labels shows its template's.
  if (!job.metadata?.labels || Object.keys(job.metadata.labels).length === 0) {
    job.metadata = { ...(job.metadata ?? {}), labels: { ...labels } };
  }
}

/** The QoS class of a pod (ComputePodQOS): sums of cpu/memory requests and limits over all containers. */
export function podQOSClass(pod: KObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = isDict(pod.spec) ? pod.spec : {};
  const containers = [...list(spec.containers), ...list(spec.initContainers)];
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let isGuaranteed = true;
  const positive = (v: unknown): Quantity | undefined => {
    try {
      const q = parseQuantity(String(v).trim());
      return q.unscaled > 0n ? q : undefined;
    } catch {
      return undefined;
    }
  };
  const add = (m: Map<string, Quantity>, k: string, q: Quantity) => {
    const prev = m.get(k);
    m.set(k, prev ? addQuantity(q, prev) : q);
  };
  for (const c of containers) {
    const res = isDict(c.resources) ? c.resources : {};
    const found = new Set<string>();
    for (const [k, v] of Object.entries(isDict(res.requests) ? res.requests : {})) {
      const q = (k === 'cpu' || k === 'memory') && positive(v);
      if (q) add(requests, k, q);
    }
    for (const [k, v] of Object.entries(isDict(res.limits) ? res.limits : {})) {
      const q = (k === 'cpu' || k === 'memory') && positive(v);
      if (q) {
        found.add(k);
        add(limits, k, q);
      }
    }
    if (!(found.has('cpu') && found.has('memory'))) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [k, q] of requests) {
      const l = limits.get(k);
      if (!l || compareQuantity(l, q) !== 0) {
        isGuaranteed = false;
        break;
      }
    }
  }
  return isGuaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** Strategy PrepareForCreate work that affects the stored object (call after the uid is set). */
export function prepareForCreate(info: ResourceInfo, obj: KObject): void {
  switch (`${info.group}/${info.resource}`) {
    case '/pods':
      obj.status = { phase: 'Pending', qosClass: podQOSClass(obj) };
      break;
    case 'batch/jobs':
      obj.status = {};
      generateJobSelector(obj);
      break;
    case '/services':
      obj.status = { loadBalancer: {} };
      break;
    case '/namespaces':
      obj.status = { phase: 'Active' };
      break;
    case 'apps/deployments':
    case 'apps/replicasets':
    case 'apps/daemonsets':
    case 'apps/statefulsets':
    case 'batch/cronjobs':
      obj.status = {};
      break;
  }
}

// ---- services ----------------------------------------------------------------------------------

const needsClusterIP = (s: Dict) => s.type !== 'ExternalName';
const needsNodePort = (s: Dict) => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHCNodePort = (s: Dict) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
const externallyAccessible = (s: Dict) =>
  s.type === 'LoadBalancer' ||
  s.type === 'NodePort' ||
  (s.type === 'ClusterIP' && Array.isArray(s.externalIPs) && s.externalIPs.length > 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `patchAllocatedValues`: an update that leaves allocated values out keeps them. */
export function patchAllocatedValues(svc: KObject, old: KObject): void {
  const spec = dict(svc as Dict, 'spec');
  const oldSpec = isDict(old.spec) ? old.spec : {};
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (
      (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) &&
      Array.isArray(oldSpec.clusterIPs) &&
      spec.clusterIP === oldSpec.clusterIP
    ) {
      spec.clusterIPs = [...oldSpec.clusterIPs];
    }
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const oldPorts = list(oldSpec.ports);
    for (const p of list(spec.ports)) {
      if (p.nodePort) continue;
      const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  if (needsHCNodePort(oldSpec) && needsHCNodePort(spec) && !spec.healthCheckNodePort && oldSpec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** `dropTypeDependentFields`: fields the new type does not use, when the update left them as they were. */
export function dropTypeDependentFields(svc: KObject, old: KObject): void {
  const spec = dict(svc as Dict, 'spec');
  const oldSpec = isDict(old.spec) ? old.spec : {};
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same(spec.clusterIP, oldSpec.clusterIP) && same(spec.clusterIPs, oldSpec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const np = (ports: unknown) => list(ports).map((p) => p.nodePort ?? 0);
    if (same(np(spec.ports), np(oldSpec.ports))) for (const p of list(spec.ports)) delete p.nodePort;
  }
  if (needsHCNodePort(oldSpec) && !needsHCNodePort(spec) && same(spec.healthCheckNodePort, oldSpec.healthCheckNodePort))
    delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (
      spec.allocateLoadBalancerNodePorts !== undefined &&
      same(spec.allocateLoadBalancerNodePorts, oldSpec.allocateLoadBalancerNodePorts)
    )
      delete spec.allocateLoadBalancerNodePorts;
    if (same(spec.loadBalancerClass, oldSpec.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (
    externallyAccessible(oldSpec) &&
    !externallyAccessible(spec) &&
    same(spec.externalTrafficPolicy, oldSpec.externalTrafficPolicy)
  )
    delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer' && isDict(svc.status)) svc.status.loadBalancer = {};
}

/**
 * Strategy PrepareForUpdate work that must happen before validation, for an update of the main
 * resource (`subresource` ''); status, finalize and other subresources have their own strategies.
 */
export function prepareForUpdate(info: ResourceInfo, obj: KObject, old: KObject, subresource = ''): void {
  if (subresource !== '') return;
  switch (`${info.group}/${info.resource}`) {
    case '/services':
      patchAllocatedValues(obj, old);
      dropTypeDependentFields(obj, old);
      break;
    case '/namespaces': {
      // Finalizers change only through the finalize subresource.
      const spec = dict(obj as Dict, 'spec');
      const oldSpec = isDict(old.spec) ? old.spec : {};
      if (oldSpec.finalizers !== undefined) spec.finalizers = oldSpec.finalizers;
      break;
    }
  }
}

/** `rest.EnsureObjectNamespaceMatchesRequestNamespace`: fills or clears the namespace, or returns the error text. */
export function ensureObjectNamespaceMatchesRequestNamespace(
  requestNamespace: string,
  obj: KObject,
): string | undefined {
  const meta = (obj.metadata ??= {});
  const objNamespace = meta.namespace ?? '';
  if (objNamespace === requestNamespace) return undefined;
  if (objNamespace === '') {
    meta.namespace = requestNamespace;
    return undefined;
  }
  if (requestNamespace === '') {
    delete meta.namespace;
    return undefined;
  }
  return 'the namespace of the provided object does not match the namespace sent on the request';
}
