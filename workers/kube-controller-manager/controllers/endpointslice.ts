/**
 * The EndpointSlice controller (pkg/controller/endpointslice/endpointslice_controller.go and the
 * reconciler in staging/src/k8s.io/endpointslice: reconciler.go, utils.go, util/): for every
 * Service with a selector, keeps EndpointSlices named `<service>-<5 random>` (generateName) that
 * list the selected pods, at most maxEndpointsPerSlice (100) per slice, grouped by the set of
 * resolved ports, with conditions ready/serving/terminating computed as podToEndpoint does.
 * Slices carry `kubernetes.io/service-name`, `endpointslice.kubernetes.io/managed-by` and the
 * Service's own labels, and a controller reference to the Service (the garbage collector removes
 * them with it). A Service with no endpoints gets one empty placeholder slice.
 */
import { formatRFC3339, parseRFC3339 } from '../../../src/machinery/api/time.ts';
import type { KObject, OwnerReference } from '../../../src/machinery/api/types.ts';
import { GR, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import { type Controller, type ControllerContext, isPodReady } from '../shared.ts';

export const LabelServiceName = 'kubernetes.io/service-name';
export const LabelManagedBy = 'endpointslice.kubernetes.io/managed-by';
export const IsHeadlessService = 'service.kubernetes.io/headless';
export const EndpointsLastChangeTriggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';
export const EndpointSliceControllerName = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice default. */
export const MaxEndpointsPerSlice = 100;

export type PodLike = KObject & {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: { name?: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
    initContainers?: {
      name?: string;
      restartPolicy?: string;
      ports?: { name?: string; containerPort: number; protocol?: string }[];
    }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
};

export type ServiceLike = KObject & {
  spec?: {
    type?: string;
    clusterIP?: string;
    ipFamilies?: string[];
    selector?: Record<string, string> | null;
    publishNotReadyAddresses?: boolean;
    trafficDistribution?: string;
    ports?: { name?: string; protocol?: string; port: number; targetPort?: number | string; appProtocol?: string }[];
  };
};

export interface EndpointPortOut {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointOut {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
}

export type SliceLike = KObject & {
  addressType?: string;
  endpoints?: EndpointOut[] | null;
  ports?: EndpointPortOut[] | null;
};

// ---- utils.go ------------------------------------------------------------------------------------

function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** IsPodTerminal. */
function isPodTerminal(p: PodLike): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless includeTerminating) not being deleted. */
export function shouldPodBeInEndpoints(p: PodLike, includeTerminating: boolean): boolean {
  if (isPodTerminal(p)) return false;
  if (!p.status?.podIP && !(p.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && p.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names this (headless) service as its subdomain. */
export function shouldSetHostname(p: PodLike, svc: ServiceLike): boolean {
  return (
    !!p.spec?.hostname &&
    p.spec.subdomain === svc.metadata?.name &&
    (svc.metadata?.namespace ?? '') === (p.metadata?.namespace ?? '')
  );
}

function podIPsOf(p: PodLike): string[] {
  const ips = (p.status?.podIPs ?? []).map((x) => x.ip);
  if (ips.length === 0 && p.status?.podIP) ips.push(p.status.podIP);
  return ips;
}

/** podToEndpoint: one pod as an Endpoint of a slice of `addressType`. */
export function podToEndpoint(
  pod: PodLike,
  node: KObject | undefined,
  svc: ServiceLike,
  addressType: 'IPv4' | 'IPv6',
): EndpointOut {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // For compatibility, "ready" is never true for a terminating pod unless publishNotReadyAddresses.
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  // Keys in the order of the Go struct (addresses, conditions, hostname, targetRef, nodeName, zone).
  const ep: EndpointOut = {
    addresses: podIPsOf(pod).filter((ip) => (addressType === 'IPv6') === isIPv6(ip)),
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec?.hostname as string } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      uid: pod.metadata?.uid ?? '',
    },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  if (zone) ep.zone = zone;
  return ep;
}

/** findPort: a number, or a container port of that name and protocol (sidecars included). */
export function findPort(
  pod: PodLike,
  svcPort: { targetPort?: number | string; port: number; protocol?: string },
): number | undefined {
  const tp = svcPort.targetPort ?? svcPort.port;
  const proto = svcPort.protocol ?? 'TCP';
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  }
  return undefined;
}

/** getEndpointPorts: the service's ports resolved against one pod (unresolvable ones left out). */
export function getEndpointPorts(svc: ServiceLike, pod: PodLike): EndpointPortOut[] {
  const out: EndpointPortOut[] = [];
  if ((svc.spec?.ports ?? []).length === 0 && svc.spec?.clusterIP === 'None') return out;
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPortOut = { name: sp.name ?? '', protocol: sp.protocol ?? 'TCP', port };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

function isServiceIPSet(svc: ServiceLike): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** setEndpointSliceLabels: the Service's labels (minus reserved ones) plus the reserved ones. */
export function endpointSliceLabels(
  slice: SliceLike | undefined,
  svc: ServiceLike,
  controllerName: string,
): [Record<string, string>, boolean] {
  const reserved = (k: string) => k === LabelServiceName || k === LabelManagedBy || k === IsHeadlessService;
  const epLabels: Record<string, string> = {};
  const svcLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata?.labels ?? {})) if (!reserved(k)) epLabels[k] = v;
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!reserved(k)) svcLabels[k] = v;
  const updated = !sameStringMap(epLabels, svcLabels);
  if (!isServiceIPSet(svc)) svcLabels[IsHeadlessService] = '';
  svcLabels[LabelServiceName] = svc.metadata?.name ?? '';
  svcLabels[LabelManagedBy] = controllerName;
  return [svcLabels, updated];
}

function sameStringMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a[k]);
}

/** getAddressTypesForService: from spec.ipFamilies, else the ClusterIP's family, else both. */
function addressTypesForService(svc: ServiceLike): Set<'IPv4' | 'IPv6'> {
  const s = new Set<'IPv4' | 'IPv6'>();
  for (const f of svc.spec?.ipFamilies ?? []) {
    if (f === 'IPv4') s.add('IPv4');
    if (f === 'IPv6') s.add('IPv6');
  }
  if (s.size > 0) return s;
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None') s.add(isIPv6(ip) ? 'IPv6' : 'IPv4');
  else {
    s.add('IPv4');
    s.add('IPv6');
  }
  return s;
}

function ownedBy(slice: SliceLike, svc: ServiceLike): boolean {
  return (slice.metadata?.ownerReferences ?? []).some(
    (o) => o.uid === svc.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1',
  );
}

function serviceOwnerRef(svc: ServiceLike): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: svc.metadata?.name ?? '',
    uid: svc.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** getEndpointSlicePrefix: `<service>-` unless that is not a valid generateName. */
function slicePrefix(name: string): string {
  const p = `${name}-`;
  return p.length <= 253 ? p : name;
}

/** A stable key for a port list (NewPortMapKey hashes the sorted ports). */
export function portMapKey(ports: EndpointPortOut[]): string {
  return ports
    .map((p) => `${p.name}\u0001${p.protocol}\u0001${p.port}\u0001${p.appProtocol ?? ''}`)
    .sort()
    .join('\u0002');
}

/** hashEndpoint: addresses, hostname and the target's namespace/name identify an endpoint. */
function endpointHash(ep: EndpointOut): string {
  return `${[...ep.addresses].sort().join(',')}|${ep.hostname ?? ''}|${ep.targetRef.namespace}/${ep.targetRef.name}`;
}

/** EndpointsEqualBeyondHash. */
function endpointsEqualBeyondHash(a: EndpointOut, b: EndpointOut): boolean {
  return (
    a.conditions.ready === b.conditions?.ready &&
    a.conditions.serving === b.conditions?.serving &&
    a.conditions.terminating === b.conditions?.terminating &&
    (a.nodeName ?? '') === (b.nodeName ?? '') &&
    (a.zone ?? '') === (b.zone ?? '') &&
    JSON.stringify(a.hints ?? null) === JSON.stringify(b.hints ?? null) &&
    a.targetRef.uid === b.targetRef?.uid &&
    a.targetRef.name === b.targetRef?.name &&
    a.targetRef.namespace === b.targetRef?.namespace
  );
}

/** `time.Format(time.RFC3339Nano)` of an epoch-ms instant (trailing zeros of the fraction dropped). */
export function formatRFC3339Nano(ms: number): string {
  const base = formatRFC3339(Math.floor(ms / 1000) * 1000);
  const frac = ms % 1000;
  if (frac === 0) return base;
  return `${base.slice(0, -1)}.${String(frac).padStart(3, '0').replace(/0+$/, '')}Z`;
}

/**
 * TriggerTimeTracker (endpointslice/util/trigger_time_tracker.go): the time of the earliest pod
 * or service change the next write reflects; a new service reports its creation time.
 */
export class TriggerTimeTracker {
  private states = new Map<string, { service: number; pods: Map<string, number> }>();

  compute(svc: KObject, pods: PodLike[]): number | undefined {
    const key = keyOf(svc);
    const state = this.states.get(key);
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const p of pods) {
      const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
      const t = ready?.lastTransitionTime ? parseRFC3339(ready.lastTransitionTime) : Number.NaN;
      if (Number.isNaN(t)) continue;
      podTimes.set(p.metadata?.name ?? '', t);
      if (t > (state?.pods.get(p.metadata?.name ?? '') ?? Number.NEGATIVE_INFINITY))
        min = min === undefined ? t : Math.min(min, t);
    }
    const created = svc.metadata?.creationTimestamp ? parseRFC3339(svc.metadata.creationTimestamp) : Number.NaN;
    const svcTime = Number.isNaN(created) ? 0 : created;
    if (svcTime > (state?.service ?? Number.NEGATIVE_INFINITY))
      min = min === undefined ? svcTime : Math.min(min, svcTime);
    this.states.set(key, { service: svcTime, pods: podTimes });
    if (!state) return Number.isNaN(created) ? undefined : created;
    return min;
  }

  delete(key: string): void {
    this.states.delete(key);
  }
}

// ---- the controller -------------------------------------------------------------------------------

/**
 * EndpointSliceTracker: the resourceVersion this controller last wrote per slice, so a sync never
 * acts on an informer cache older than its own writes (upstream tracks generations).
 */
class EndpointSliceTracker {
  private byService = new Map<string, Map<string, number>>();
  static readonly deletionExpected = -1;

  private rv(s: KObject): number {
    return Number(s.metadata?.resourceVersion ?? 0);
  }

  update(svcKey: string, slice: KObject): void {
    let m = this.byService.get(svcKey);
    if (!m) this.byService.set(svcKey, (m = new Map()));
    m.set(slice.metadata?.uid ?? '', this.rv(slice));
  }

  expectDeletion(svcKey: string, slice: KObject): void {
    let m = this.byService.get(svcKey);
    if (!m) this.byService.set(svcKey, (m = new Map()));
    m.set(slice.metadata?.uid ?? '', EndpointSliceTracker.deletionExpected);
  }

  handleDeletion(svcKey: string, slice: KObject): boolean {
    const m = this.byService.get(svcKey);
    const uid = slice.metadata?.uid ?? '';
    if (!m?.has(uid)) return true;
    const expected = m.get(uid) === EndpointSliceTracker.deletionExpected;
    m.delete(uid);
    return !expected;
  }

  /** ShouldSync: a slice event this controller did not cause. */
  shouldSync(svcKey: string, slice: KObject): boolean {
    const g = this.byService.get(svcKey)?.get(slice.metadata?.uid ?? '');
    return g === undefined || this.rv(slice) > g;
  }

  /** StaleSlices: the cache is behind what this controller already wrote. */
  staleSlices(svcKey: string, slices: KObject[]): boolean {
    const m = this.byService.get(svcKey);
    if (!m) return false;
    const provided = new Set<string>();
    for (const s of slices) {
      const uid = s.metadata?.uid ?? '';
      provided.add(uid);
      const g = m.get(uid);
      if (g !== undefined && (g === EndpointSliceTracker.deletionExpected || g > this.rv(s))) return true;
    }
    for (const [uid, g] of m) if (g !== EndpointSliceTracker.deletionExpected && !provided.has(uid)) return true;
    return false;
  }

  deleteService(svcKey: string): void {
    this.byService.delete(svcKey);
  }
}

interface EndpointMeta {
  ports: EndpointPortOut[];
  addressType: 'IPv4' | 'IPv6';
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  private queue: WorkQueue;
  private tracker = new EndpointSliceTracker();
  private triggerTimes = new TriggerTimeTracker();
  readonly maxEndpointsPerSlice: number;

  constructor(
    private c: ControllerContext,
    opts: { maxEndpointsPerSlice?: number } = {},
  ) {
    this.maxEndpointsPerSlice = opts.maxEndpointsPerSlice ?? MaxEndpointsPerSlice;
    this.queue = new WorkQueue(c.ctx, 'endpoint_slice', (key) => this.syncService(key), 5);
  }

  private get services() {
    return this.c.informers.for<ServiceLike>(GR.services);
  }
  private get pods() {
    return this.c.informers.for<PodLike>(GR.pods);
  }
  private get slices() {
    return this.c.informers.for<SliceLike>(GR.endpointslices);
  }
  private get nodes() {
    return this.c.informers.for(GR.nodes);
  }

  setup(): void {
    this.services.addHandlers({
      add: (s) => this.queue.add(keyOf(s)),
      update: (_o, s) => this.queue.add(keyOf(s)),
      delete: (s) => {
        this.tracker.deleteService(keyOf(s));
        this.triggerTimes.delete(keyOf(s));
        this.queue.add(keyOf(s));
      },
    });
    this.pods.addHandlers({
      add: (p) => this.queuePodServices(p),
      update: (o, p) => {
        if (!podChanged(o, p)) return;
        this.queuePodServices(p, o);
      },
      delete: (p) => this.queuePodServices(p),
    });
    this.slices.addHandlers({
      add: (s) => {
        if (this.managed(s) && this.tracker.shouldSync(this.serviceKeyOf(s), s)) this.queue.add(this.serviceKeyOf(s));
      },
      update: (o, s) => {
        // A change of service-name or managed-by label concerns both services.
        if (this.managed(o) !== this.managed(s) || this.serviceKeyOf(o) !== this.serviceKeyOf(s)) {
          if (this.managed(o)) this.queue.add(this.serviceKeyOf(o));
          if (this.managed(s)) this.queue.add(this.serviceKeyOf(s));
          return;
        }
        if (this.managed(s) && this.tracker.shouldSync(this.serviceKeyOf(s), s)) this.queue.add(this.serviceKeyOf(s));
      },
      delete: (s) => {
        if (this.managed(s) && this.tracker.handleDeletion(this.serviceKeyOf(s), s)) {
          // Only a slice this controller did not delete brings its service back for a sync.
          this.queue.add(this.serviceKeyOf(s));
        }
      },
    });
    this.nodes.addHandlers({});
  }

  run(): void {
    for (const s of this.services.list()) this.queue.add(keyOf(s));
  }

  private managed(s: SliceLike): boolean {
    return s.metadata?.labels?.[LabelManagedBy] === EndpointSliceControllerName;
  }

  private serviceKeyOf(s: SliceLike): string {
    return `${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.[LabelServiceName] ?? ''}`;
  }

  /** getPodServiceMemberships for the pod (and its old labels). */
  private queuePodServices(p: PodLike, old?: PodLike): void {
    const ns = p.metadata?.namespace ?? '';
    for (const svc of this.services.list(ns)) {
      const sel = selectorOf(svc);
      if (!sel) continue;
      if (matches(sel, p.metadata?.labels) || (old && matches(sel, old.metadata?.labels))) this.queue.add(keyOf(svc));
    }
  }

  private async syncService(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const svc = this.services.getByName(ns, name);
    if (!svc) {
      // The garbage collector removes the slices through their owner reference.
      this.triggerTimes.delete(key);
      this.tracker.deleteService(key);
      return;
    }
    if (svc.spec?.type === 'ExternalName') return;
    const sel = selectorOf(svc);
    if (!sel) return;
    const pods = this.pods
      .list(ns)
      .filter((p) => matches(sel, p.metadata?.labels))
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    const existing = this.slices
      .list(ns)
      .filter((s) => s.metadata?.labels?.[LabelServiceName] === name && this.managed(s))
      // Slices being deleted would keep the controller from converging.
      .filter((s) => !s.metadata?.deletionTimestamp);
    if (this.tracker.staleSlices(key, existing)) {
      throw new Error(`EndpointSlice informer cache is out of date for ${key}`);
    }
    const triggerTime = this.triggerTimes.compute(svc, pods);
    try {
      await this.reconcile(svc, pods, existing, triggerTime);
    } catch (e) {
      this.c
        .recorder('endpoint-slice-controller')
        .event(
          svc,
          'Warning',
          'FailedToUpdateEndpointSlices',
          `Error updating Endpoint Slices for Service ${key}: ${(e as Error).message}`,
        );
      throw e;
    }
  }

  /** Reconcile: per address type the service supports; slices of other types go. */
  async reconcile(svc: ServiceLike, pods: PodLike[], existing: SliceLike[], triggerTime?: number): Promise<void> {
    const key = keyOf(svc);
    const supported = addressTypesForService(svc);
    const toDelete: SliceLike[] = [];
    const byType = new Map<string, SliceLike[]>();
    for (const s of existing) {
      const t = (s.addressType ?? 'IPv4') as 'IPv4' | 'IPv6';
      if (!supported.has(t)) {
        toDelete.push(s);
        continue;
      }
      let l = byType.get(t);
      if (!l) byType.set(t, (l = []));
      l.push(s);
    }
    const errs: Error[] = [];
    for (const t of ['IPv4', 'IPv6'] as const) {
      if (!supported.has(t)) continue;
      try {
        await this.reconcileByAddressType(svc, pods, byType.get(t) ?? [], triggerTime, t);
      } catch (e) {
        errs.push(e as Error);
      }
    }
    for (const s of toDelete) {
      try {
        await this.c.client.delete(GR.endpointslices, svc.metadata?.namespace ?? '', s.metadata?.name ?? '');
        this.tracker.expectDeletion(key, s);
      } catch (e) {
        if (!isNotFound(e)) errs.push(e as Error);
      }
    }
    if (errs.length) throw errs[0];
  }

  private async reconcileByAddressType(
    svc: ServiceLike,
    pods: PodLike[],
    existing: SliceLike[],
    triggerTime: number | undefined,
    addressType: 'IPv4' | 'IPv6',
  ): Promise<void> {
    const errs: Error[] = [];
    let toCreate: SliceLike[] = [];
    let toUpdate: SliceLike[] = [];
    let toDelete: SliceLike[] = [];
    const existingByPortMap = new Map<string, SliceLike[]>();
    for (const s of existing) {
      if (ownedBy(s, svc)) {
        const k = portMapKey(s.ports ?? []);
        const l = existingByPortMap.get(k);
        if (l) l.push(s);
        else existingByPortMap.set(k, [s]);
      } else toDelete.push(s);
    }

    const desiredMeta = new Map<string, EndpointMeta>();
    const desired = new Map<string, Map<string, EndpointOut>>();
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = getEndpointPorts(svc, pod);
      const k = portMapKey(ports);
      if (!desired.has(k)) desired.set(k, new Map());
      if (!desiredMeta.has(k)) desiredMeta.set(k, { ports, addressType });
      const node = this.nodes.getByName('', pod.spec?.nodeName ?? '');
      if (!node && !svc.spec?.publishNotReadyAddresses) {
        errs.push(
          new Error(
            `skipping Pod ${pod.metadata?.name} for Service ${keyOf(svc)}: Node ${pod.spec?.nodeName} Not Found`,
          ),
        );
        continue;
      }
      const ep = podToEndpoint(pod, node, svc, addressType);
      if (ep.addresses.length > 0) (desired.get(k) as Map<string, EndpointOut>).set(endpointHash(ep), ep);
    }

    for (const [k, set] of desired) {
      const r = this.reconcileByPortMapping(
        svc,
        existingByPortMap.get(k) ?? [],
        set,
        desiredMeta.get(k) as EndpointMeta,
      );
      toCreate.push(...r.create);
      toUpdate.push(...r.update);
      toDelete.push(...r.delete);
    }
    for (const [k, slices] of existingByPortMap) if (!desired.has(k)) toDelete.push(...slices);

    // When no slices would exist, keep one placeholder.
    if (existing.length === toDelete.length && toCreate.length < 1) {
      const placeholder = this.newEndpointSlice(svc, { ports: [], addressType });
      if (toDelete.length === 1 && placeholderEqual(toDelete[0] as SliceLike, placeholder)) toDelete = [];
      else toCreate.push(placeholder);
    }

    // trafficDistribution (trafficdist.ReconcileHints): zone hints when PreferClose/PreferSameZone.
    const td = svc.spec?.trafficDistribution;
    if (td === 'PreferClose' || td === 'PreferSameZone' || td === 'PreferSameNode') {
      [toCreate, toUpdate] = reconcileHints(td, toCreate, toUpdate, unchanged(existing, toUpdate, toDelete));
    } else {
      [toCreate, toUpdate] = removeHints(toCreate, toUpdate, unchanged(existing, toUpdate, toDelete));
    }

    try {
      await this.finalize(svc, toCreate, toUpdate, toDelete, triggerTime);
    } catch (e) {
      errs.push(e as Error);
    }
    if (errs.length) throw errs[0];
  }

  private newEndpointSlice(svc: ServiceLike, meta: EndpointMeta): SliceLike {
    const [labels] = endpointSliceLabels(undefined, svc, EndpointSliceControllerName);
    return {
      metadata: {
        generateName: slicePrefix(svc.metadata?.name ?? ''),
        namespace: svc.metadata?.namespace,
        labels,
        ownerReferences: [serviceOwnerRef(svc)],
      },
      addressType: meta.addressType,
      // A real API server stores empty lists as nothing and answers `null`: say so up front.
      endpoints: null,
      ports: meta.ports.length > 0 ? meta.ports : null,
    };
  }

  /** reconcileByPortMapping: keep, update and fill existing slices first; create only what is left over. */
  private reconcileByPortMapping(
    svc: ServiceLike,
    existing: SliceLike[],
    desired: Map<string, EndpointOut>,
    meta: EndpointMeta,
  ): { create: SliceLike[]; update: SliceLike[]; delete: SliceLike[] } {
    const max = this.maxEndpointsPerSlice;
    const byName = new Map<string, SliceLike>();
    const unchangedNames = new Set<string>();
    const toUpdateNames = new Set<string>();
    const toDeleteNames = new Set<string>();
    // 1. Drop endpoints no longer desired, update changed ones.
    for (const s of existing) {
      const name = s.metadata?.name ?? '';
      byName.set(name, s);
      const kept: EndpointOut[] = [];
      let updated = false;
      for (const ep of s.endpoints ?? []) {
        const h = endpointHash(ep);
        const got = desired.get(h);
        if (got) {
          kept.push(got);
          if (!endpointsEqualBeyondHash(got, ep)) updated = true;
          desired.delete(h);
        }
      }
      const [labels, labelsChanged] = endpointSliceLabels(s, svc, EndpointSliceControllerName);
      if (updated || (s.endpoints ?? []).length !== kept.length) {
        if (kept.length === 0) toDeleteNames.add(name);
        else {
          byName.set(name, {
            ...structuredClone(s),
            endpoints: kept,
            metadata: { ...structuredClone(s.metadata), labels },
          });
          toUpdateNames.add(name);
        }
      } else if (labelsChanged) {
        byName.set(name, { ...structuredClone(s), metadata: { ...structuredClone(s.metadata), labels } });
        toUpdateNames.add(name);
      } else unchangedNames.add(name);
    }
    const pending = [...desired.values()];
    // 2. Fill slices already being updated, fullest first.
    if (pending.length > 0 && toUpdateNames.size > 0) {
      const slices = [...toUpdateNames]
        .map((n) => byName.get(n) as SliceLike)
        .sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
      for (const s of slices) {
        const eps = s.endpoints ?? [];
        while (pending.length > 0 && eps.length < max) eps.push(pending.shift() as EndpointOut);
        s.endpoints = eps;
      }
    }
    // 3. Put what is left into one unchanged slice with room for all of it, or new slices.
    const create: SliceLike[] = [];
    while (pending.length > 0) {
      let fill: SliceLike | undefined;
      if (pending.length < max && unchangedNames.size > 0) {
        const cand = [...unchangedNames].map((n) => byName.get(n) as SliceLike);
        fill = sliceToFill(cand, pending.length, max);
      }
      if (!fill) fill = this.newEndpointSlice(svc, meta);
      else {
        fill = structuredClone(fill);
        byName.set(fill.metadata?.name ?? '', fill);
      }
      const eps = fill.endpoints ?? [];
      while (pending.length > 0 && eps.length < max) eps.push(pending.shift() as EndpointOut);
      fill.endpoints = eps;
      if (fill.metadata?.name) {
        toUpdateNames.add(fill.metadata.name);
        unchangedNames.delete(fill.metadata.name);
      } else create.push(fill);
    }
    return {
      create,
      update: [...toUpdateNames].map((n) => byName.get(n) as SliceLike),
      delete: [...toDeleteNames].map((n) => byName.get(n) as SliceLike),
    };
  }

  /** finalize: turn create+delete pairs into updates, then create, update and delete. */
  private async finalize(
    svc: ServiceLike,
    toCreate: SliceLike[],
    toUpdate: SliceLike[],
    toDelete: SliceLike[],
    triggerTime: number | undefined,
  ): Promise<void> {
    const key = keyOf(svc);
    const ns = svc.metadata?.namespace ?? '';
    for (let i = 0; i < toDelete.length; ) {
      if (toCreate.length === 0) break;
      const del = toDelete[i] as SliceLike;
      const slice = toCreate[toCreate.length - 1] as SliceLike;
      if (del.addressType === slice.addressType && ownedBy(del, svc)) {
        slice.metadata = {
          ...slice.metadata,
          name: del.metadata?.name,
          resourceVersion: del.metadata?.resourceVersion,
          uid: del.metadata?.uid,
        };
        toCreate.pop();
        toUpdate.push(slice);
        toDelete.splice(i, 1);
      } else i++;
    }
    if (!svc.metadata?.deletionTimestamp) {
      for (const s of toCreate) {
        addTriggerTimeAnnotation(s, triggerTime);
        const created = await this.c.client.create(GR.endpointslices, ns, s);
        this.tracker.update(key, created);
      }
    }
    for (const s of toUpdate) {
      addTriggerTimeAnnotation(s, triggerTime);
      const updated = await this.c.client.update(GR.endpointslices, s);
      this.tracker.update(key, updated);
    }
    for (const s of toDelete) {
      try {
        await this.c.client.delete(GR.endpointslices, ns, s.metadata?.name ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.tracker.expectDeletion(key, s);
    }
  }
}

function addTriggerTimeAnnotation(s: SliceLike, t: number | undefined): void {
  const m = (s.metadata ??= {});
  const a = { ...(m.annotations ?? {}) };
  if (t !== undefined) a[EndpointsLastChangeTriggerTime] = formatRFC3339Nano(t);
  else delete a[EndpointsLastChangeTriggerTime];
  m.annotations = a;
}

/** getSliceToFill: the slice that ends up closest to full with n more endpoints. */
function sliceToFill(slices: SliceLike[], n: number, max: number): SliceLike | undefined {
  let closest = max;
  let best: SliceLike | undefined;
  for (const s of slices) {
    const diff = max - (n + (s.endpoints ?? []).length);
    if (diff >= 0 && diff < closest) {
      closest = diff;
      best = s;
      if (closest === 0) return best;
    }
  }
  return best;
}

function placeholderEqual(a: SliceLike, b: SliceLike): boolean {
  if ((a.metadata?.namespace ?? '') !== (b.metadata?.namespace ?? '')) return false;
  if (!sameStringMap(a.metadata?.labels ?? {}, b.metadata?.labels ?? {})) return false;
  const refs = (s: SliceLike) =>
    JSON.stringify(
      (s.metadata?.ownerReferences ?? []).map((r) => [
        r.apiVersion,
        r.kind,
        r.name,
        r.uid,
        r.controller,
        r.blockOwnerDeletion,
      ]),
    );
  if (refs(a) !== refs(b)) return false;
  return (
    (a.addressType ?? '') === (b.addressType ?? '') && (a.endpoints ?? []).length === 0 && (a.ports ?? []).length === 0
  );
}

function unchanged(existing: SliceLike[], toUpdate: SliceLike[], toDelete: SliceLike[]): SliceLike[] {
  const changed = new Set([...toUpdate, ...toDelete].map((s) => s.metadata?.name));
  return existing.filter((s) => !changed.has(s.metadata?.name));
}

function hintsFor(td: string, ep: EndpointOut): EndpointOut['hints'] | undefined {
  if (!ep.zone) return undefined;
  if (td === 'PreferSameNode' && ep.nodeName)
    return { forZones: [{ name: ep.zone }], forNodes: [{ name: ep.nodeName }] };
  return { forZones: [{ name: ep.zone }] };
}

/** trafficdist.ReconcileHints: every endpoint hinted for its own zone (and node, for PreferSameNode). */
function reconcileHints(
  td: string,
  create: SliceLike[],
  update: SliceLike[],
  unchangedSlices: SliceLike[],
): [SliceLike[], SliceLike[]] {
  const set = (s: SliceLike) => {
    let changed = false;
    for (const ep of s.endpoints ?? []) {
      const h = hintsFor(td, ep);
      if (JSON.stringify(h ?? null) !== JSON.stringify(ep.hints ?? null)) {
        changed = true;
        if (h) ep.hints = h;
        else delete ep.hints;
      }
    }
    return changed;
  };
  for (const s of create) set(s);
  for (const s of update) set(s);
  const more: SliceLike[] = [];
  for (const s of unchangedSlices) {
    const copy = structuredClone(s);
    if (set(copy)) more.push(copy);
  }
  return [create, [...update, ...more]];
}

/** RemoveHintsFromSlices: no hints when no hint-producing setting is on. */
function removeHints(
  create: SliceLike[],
  update: SliceLike[],
  unchangedSlices: SliceLike[],
): [SliceLike[], SliceLike[]] {
  const strip = (s: SliceLike) => {
    let changed = false;
    for (const ep of s.endpoints ?? []) {
      if (ep.hints) {
        delete ep.hints;
        changed = true;
      }
    }
    return changed;
  };
  for (const s of create) strip(s);
  for (const s of update) strip(s);
  const more: SliceLike[] = [];
  for (const s of unchangedSlices) {
    const copy = structuredClone(s);
    if (strip(copy)) more.push(copy);
  }
  return [create, [...update, ...more]];
}

/** A service's selector as a label map; undefined for none (nil and {} alike, as protobuf stores them). */
export function selectorOf(svc: ServiceLike): Record<string, string> | undefined {
  const s = svc.spec?.selector;
  if (!s || Object.keys(s).length === 0) return undefined;
  return s;
}

export function matches(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel)) if (l[k] !== v) return false;
  return true;
}

/** podEndpointsChanged, roughly: anything an endpoint or a service membership is made of. */
export function podChanged(o: PodLike, p: PodLike): boolean {
  if (o.metadata?.resourceVersion === p.metadata?.resourceVersion) return false;
  const view = (x: PodLike) =>
    JSON.stringify([
      x.metadata?.labels ?? {},
      x.metadata?.deletionTimestamp ?? null,
      x.status?.phase ?? '',
      x.status?.podIP ?? '',
      x.status?.podIPs ?? [],
      isPodReady(x),
      x.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '',
      x.spec?.nodeName ?? '',
      x.spec?.hostname ?? '',
      x.spec?.subdomain ?? '',
    ]);
  return view(o) !== view(p);
}
