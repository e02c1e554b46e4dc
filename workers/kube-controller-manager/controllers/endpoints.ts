/**
 * The Endpoints controller (pkg/controller/endpoint/endpoints_controller.go): the legacy
 * Endpoints object of every Service with a selector, named like the Service. Each selected pod
 * with an IP is an address in `addresses` when ready (or when publishNotReadyAddresses) and in
 * `notReadyAddresses` otherwise; terminating pods are left out unless publishNotReadyAddresses.
 * Subsets are repacked so addresses sharing a set of ports share a subset
 * (pkg/api/v1/endpoints RepackSubsets), the object carries the Service's labels,
 * `endpoints.kubernetes.io/managed-by: endpoint-controller` and the
 * `endpoints.kubernetes.io/last-change-trigger-time` annotation, and more than 1000 addresses are
 * truncated with `endpoints.kubernetes.io/over-capacity: truncated`.
 */
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import { type Controller, type ControllerContext, isPodReady } from '../shared.ts';
import {
  EndpointsLastChangeTriggerTime,
  findPort,
  formatRFC3339Nano,
  IsHeadlessService,
  matches,
  type PodLike,
  podChanged,
  type ServiceLike,
  selectorOf,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  TriggerTimeTracker,
} from './endpointslice.ts';

export const EndpointsLabelManagedBy = 'endpoints.kubernetes.io/managed-by';
export const EndpointsControllerName = 'endpoint-controller';
export const EndpointsOverCapacity = 'endpoints.kubernetes.io/over-capacity';
const maxCapacity = 1000;

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace: string; name: string; uid: string; resourceVersion?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

type EndpointsLike = KObject & { subsets?: EndpointSubset[] | null };

/** podToEndpointAddressForService: the pod's IP of the service's family. */
function podToEndpointAddress(svc: ServiceLike, pod: PodLike): EndpointAddress | undefined {
  const v6 = (svc.spec?.ipFamilies?.[0] ?? (svc.spec?.clusterIP?.includes(':') ? 'IPv6' : 'IPv4')) === 'IPv6';
  const ips = (pod.status?.podIPs ?? []).map((x) => x.ip);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  const ip = ips.find((x) => x.includes(':') === v6);
  if (!ip) return undefined;
  return {
    ip,
    nodeName: pod.spec?.nodeName ?? '',
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      uid: pod.metadata?.uid ?? '',
    },
  };
}

function addrKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointPort): string {
  return `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol}\u0000${p.appProtocol ?? ''}`;
}

function byIPAndUID(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * RepackSubsets: one subset per distinct set of addresses-with-readiness, holding every port those
 * addresses offer. Addresses are sorted by IP then UID; ports and subsets, which upstream orders by
 * a hash, are sorted by name/port and by first address here.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  const portToAddrs = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, boolean> }>();
  const entry = (port: EndpointPort | undefined) => {
    const k = port ? portKey(port) : '\u0001sentinel';
    let e = portToAddrs.get(k);
    if (!e) portToAddrs.set(k, (e = { port, addrs: new Map() }));
    return e;
  };
  for (const ss of subsets) {
    const ports = ss.ports?.length ? ss.ports : [undefined];
    for (const port of ports) {
      const e = entry(port);
      for (const a of ss.addresses ?? []) {
        const k = addrKey(a);
        if (!allAddrs.has(k)) allAddrs.set(k, a);
        e.addrs.set(k, true);
      }
      for (const a of ss.notReadyAddresses ?? []) {
        const k = addrKey(a);
        if (!allAddrs.has(k)) allAddrs.set(k, a);
        if (!e.addrs.has(k)) e.addrs.set(k, false);
      }
    }
  }
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addrs } of portToAddrs.values()) {
    const gk = [...addrs.entries()]
      .map(([k, r]) => `${k}\u0000${r ? 1 : 0}`)
      .sort()
      .join('\u0002');
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.addrs) (r ? ready : notReady).push(allAddrs.get(k) as EndpointAddress);
    const ss: EndpointSubset = {};
    if (ready.length) ss.addresses = ready.sort(byIPAndUID);
    if (notReady.length) ss.notReadyAddresses = notReady.sort(byIPAndUID);
    if (g.ports.length)
      ss.ports = g.ports.sort((a, b) =>
        (a.name ?? '') !== (b.name ?? '') ? ((a.name ?? '') < (b.name ?? '') ? -1 : 1) : a.port - b.port,
      );
    out.push(ss);
  }
  const first = (s: EndpointSubset) => (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? '';
  return out.sort((a, b) => {
    const fa = first(a);
    const fb = first(b);
    if (fa !== fb) return fa < fb ? -1 : 1;
    return JSON.stringify(a.ports ?? []) < JSON.stringify(b.ports ?? []) ? -1 : 1;
  });
}

/** truncateEndpoints: keep at most 1000 addresses, ready ones first, proportionally per subset. */
export function truncateEndpoints(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= maxCapacity) return false;
  let truncateReady = false;
  let max = maxCapacity - totalReady;
  let numTotal = totalNotReady;
  if (totalReady > maxCapacity) {
    truncateReady = true;
    max = maxCapacity;
    numTotal = totalReady;
  }
  let canBeAdded = max;
  for (const s of subsets) {
    const numInSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    let toBeAdded = Math.ceil((numInSubset / numTotal) * max);
    if (toBeAdded > canBeAdded) toBeAdded = canBeAdded;
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      s.notReadyAddresses = [];
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

function stripRV(subsets: EndpointSubset[] | null | undefined): string {
  return JSON.stringify(
    (subsets ?? []).map((s) => ({
      addresses: (s.addresses ?? []).map((a) => ({
        ...a,
        targetRef: a.targetRef ? { ...a.targetRef, resourceVersion: undefined } : undefined,
      })),
      notReadyAddresses: (s.notReadyAddresses ?? []).map((a) => ({
        ...a,
        targetRef: a.targetRef ? { ...a.targetRef, resourceVersion: undefined } : undefined,
      })),
      ports: s.ports ?? [],
    })),
  );
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The subsets the controller computes for a Service and its selected pods. */
export function computeSubsets(svc: ServiceLike, pods: PodLike[]): EndpointSubset[] {
  let subsets: EndpointSubset[] = [];
  const tolerate = svc.spec?.publishNotReadyAddresses === true;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const ep = podToEndpointAddress(svc, pod);
    if (!ep) continue;
    const epa: EndpointAddress = { ...ep };
    if (shouldSetHostname(pod, svc)) epa.hostname = pod.spec?.hostname as string;
    const ready = tolerate || isPodReady(pod);
    const add = (port: EndpointPort | undefined) =>
      subsets.push({
        ...(ready ? { addresses: [epa] } : { notReadyAddresses: [epa] }),
        ...(port ? { ports: [port] } : {}),
      });
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) {
      if (svc.spec?.clusterIP === 'None') add(undefined);
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n === undefined) continue;
      const epp: EndpointPort = sp.name
        ? { name: sp.name, port: n, protocol: sp.protocol ?? 'TCP' }
        : { port: n, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol !== undefined) epp.appProtocol = sp.appProtocol;
      add(epp);
    }
  }
  subsets = repackSubsets(subsets);
  return subsets;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints-controller';
  private queue: WorkQueue;
  private triggerTimes = new TriggerTimeTracker();
  /** staleEndpointsTracker: resourceVersions this controller already replaced. */
  private staleRVs = new Map<string, string>();

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'endpoint', (key) => this.syncService(key), 5);
  }

  private get services() {
    return this.c.informers.for<ServiceLike>(GR.services);
  }
  private get pods() {
    return this.c.informers.for<PodLike>(GR.pods);
  }
  private get endpoints() {
    return this.c.informers.for<EndpointsLike>(GR.endpoints);
  }

  setup(): void {
    this.services.addHandlers({
      add: (s) => this.queue.add(keyOf(s)),
      update: (_o, s) => this.queue.add(keyOf(s)),
      delete: (s) => {
        this.triggerTimes.delete(keyOf(s));
        this.queue.add(keyOf(s));
      },
    });
    this.pods.addHandlers({
      add: (p) => this.queuePodServices(p),
      update: (o, p) => {
        if (podChanged(o, p)) this.queuePodServices(p, o);
      },
      delete: (p) => this.queuePodServices(p),
    });
    // onEndpointsDelete: a deleted Endpoints object of a live Service is recreated.
    this.endpoints.addHandlers({ delete: (e) => this.queue.add(keyOf(e)) });
  }

  run(): void {
    for (const s of this.services.list()) this.queue.add(keyOf(s));
    // checkLeftoverEndpoints: Endpoints whose Service is gone are deleted.
    for (const e of this.endpoints.list()) {
      if (e.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader']) continue;
      this.queue.add(keyOf(e));
    }
  }

  private queuePodServices(p: PodLike, old?: PodLike): void {
    for (const svc of this.services.list(p.metadata?.namespace ?? '')) {
      const sel = selectorOf(svc);
      if (!sel) continue;
      if (matches(sel, p.metadata?.labels) || (old && matches(sel, old.metadata?.labels))) this.queue.add(keyOf(svc));
    }
  }

  private async syncService(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const svc = this.services.getByName(ns, name);
    if (!svc) {
      // The service was deleted: delete its Endpoints too.
      try {
        await this.c.client.delete(GR.endpoints, ns, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.triggerTimes.delete(key);
      return;
    }
    if (svc.spec?.type === 'ExternalName') {
      try {
        await this.c.client.delete(GR.endpoints, ns, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    const sel = selectorOf(svc);
    if (!sel) return;
    const pods = this.pods
      .list(ns)
      .filter((p) => matches(sel, p.metadata?.labels))
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const subsets = computeSubsets(svc, pods);

    let current = this.endpoints.getByName(ns, name);
    if (current && this.staleRVs.get(key) === current.metadata?.resourceVersion) {
      throw new Error(
        `endpoints informer cache is out of date, resource version ${current.metadata?.resourceVersion} already processed for endpoints ${key}`,
      );
    }
    const create = !current;
    if (!current) current = { metadata: { name, namespace: ns, labels: svc.metadata?.labels } };
    const compareLabels = { ...(current.metadata?.labels ?? {}) };
    delete compareLabels[IsHeadlessService];
    delete compareLabels[EndpointsLabelManagedBy];
    const svcLabels = { ...(svc.metadata?.labels ?? {}) };
    const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
    const capacityOK = total <= maxCapacity && !current.metadata?.annotations?.[EndpointsOverCapacity];
    if (
      !create &&
      stripRV(current.subsets) === stripRV(subsets) &&
      sameLabels(compareLabels, svcLabels) &&
      current.metadata?.labels?.[EndpointsLabelManagedBy] === EndpointsControllerName &&
      capacityOK
    )
      return;

    const next: EndpointsLike = structuredClone(current);
    // subsets is omitempty: an Endpoints object without addresses has no subsets field.
    if (subsets.length > 0) next.subsets = subsets;
    else delete next.subsets;
    const meta = (next.metadata ??= {});
    const annotations = { ...(meta.annotations ?? {}) };
    if (triggerTime !== undefined) annotations[EndpointsLastChangeTriggerTime] = formatRFC3339Nano(triggerTime);
    else delete annotations[EndpointsLastChangeTriggerTime];
    if (truncateEndpoints(subsets)) annotations[EndpointsOverCapacity] = 'truncated';
    else delete annotations[EndpointsOverCapacity];
    meta.annotations = annotations;
    const labels: Record<string, string> = { ...svcLabels };
    if (!svc.spec?.clusterIP || svc.spec.clusterIP === 'None') labels[IsHeadlessService] = '';
    labels[EndpointsLabelManagedBy] = EndpointsControllerName;
    meta.labels = labels;
    const recorder = this.c.recorder('endpoint-controller');
    try {
      if (create) await this.c.client.create(GR.endpoints, ns, next);
      else {
        const updated = await this.c.client.update(GR.endpoints, next);
        if (updated.metadata?.resourceVersion !== current.metadata?.resourceVersion)
          this.staleRVs.set(key, current.metadata?.resourceVersion ?? '');
      }
    } catch (e) {
      if (create)
        recorder.event(
          next,
          'Warning',
          'FailedToCreateEndpoint',
          `Failed to create endpoint for service ${ns}/${name}: ${(e as Error).message}`,
        );
      else
        recorder.event(
          next,
          'Warning',
          'FailedToUpdateEndpoint',
          `Failed to update endpoint ${ns}/${name}: ${(e as Error).message}`,
        );
      throw e;
    }
  }
}
