/**
 * What the proxier knows about Services and endpoints, mirroring pkg/proxy:
 * serviceport.go (BaseServicePortInfo, built by newBaseServiceInfo), endpoint.go
 * (BaseEndpointInfo), endpointslicecache.go (EndpointSlices → sorted endpoints per service port)
 * and topology.go (CategorizeEndpoints). IPv4 single-stack only.
 */
import type { KObject } from '../../src/machinery/api/types.ts';
import {
  endpointChainNameOf,
  portProtoHash,
  serviceExternalChainNamePrefix,
  serviceFirewallChainNamePrefix,
  servicePortPolicyClusterChainNamePrefix,
  servicePortPolicyLocalChainNamePrefix,
} from './hash.ts';

// ---- API shapes (only what kube-proxy reads) -------------------------------------------------

export interface ServicePortSpec {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface Service extends KObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    ports?: ServicePortSpec[];
    selector?: Record<string, string>;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    loadBalancerSourceRanges?: string[];
    publishNotReadyAddresses?: boolean;
    trafficDistribution?: string;
    ipFamilies?: string[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] } };
}

export interface EndpointConditions {
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
}

export interface SlicePort {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
  appProtocol?: string;
}

export interface EndpointSlice extends KObject {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

// ---- service ports ---------------------------------------------------------------------------

/** One port of one Service as the iptables proxier sees it (servicePortInfo + its cached chain names). */
export interface ServicePortInfo {
  /** ServicePortName key: namespace/name, port name and protocol (upper case). */
  key: string;
  /** namespace/name. */
  nsn: string;
  /** ServicePortName.String(): `ns/svc:port`, or `ns/svc` for an unnamed port. */
  nameString: string;
  /** Lower-case protocol as written in rules (`tcp`). */
  protocol: string;
  clusterIP: string;
  port: number;
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  healthCheckNodePort: number;
  /** ClientIP session affinity timeout, 0 when affinity is None. */
  stickyMaxAgeSeconds: number;
  internalPolicyLocal: boolean;
  externalPolicyLocal: boolean;
  clusterPolicyChainName: string;
  localPolicyChainName: string;
  firewallChainName: string;
  externalChainName: string;
  /** Index of the port in spec.ports, for a stable output order. */
  index: number;
  /** nameString + protocol: the start of every hash input for this port. */
  hashInput: string;
}

export function servicePortKey(nsn: string, portName: string, protocol: string): string {
  return `${nsn}\u0000${portName}\u0000${protocol}`;
}

/** IPv4 in dotted-quad form, normalised as ParseIPSloppy(...).String() would; '' if not IPv4. */
export function normalizeIPv4(s: string | undefined): string {
  if (!s) return '';
  // Fast path (the common case): already canonical, returned as is.
  let dots = 0;
  let digits = 0;
  let value = 0;
  let canonical = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255) return slowIPv4(s);
      dots++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) canonical = false; // leading zero
      value = value * 10 + (c - 48);
      digits++;
      if (digits > 3) return slowIPv4(s);
    } else return slowIPv4(s);
  }
  if (dots !== 3 || digits === 0 || value > 255) return slowIPv4(s);
  return canonical ? s : slowIPv4(s);
}

function slowIPv4(s: string): string {
  const parts = s.trim().split('.');
  if (parts.length !== 4) return '';
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return '';
    const n = Number(p);
    if (n > 255) return '';
    out.push(n);
  }
  return out.join('.');
}

/** A CIDR string normalised to its network address, IPv4 only; '' if invalid. */
export function normalizeCIDR(s: string): string {
  const t = s.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return '';
  const ip = normalizeIPv4(t.slice(0, slash));
  const bits = Number(t.slice(slash + 1));
  if (!ip || !Number.isInteger(bits) || bits < 0 || bits > 32) return '';
  return `${intToIPv4(ipv4ToInt(ip) & maskOf(bits))}/${bits}`;
}

export function ipv4ToInt(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

export function intToIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const slash = cidr.indexOf('/');
  if (slash < 0) return false;
  const bits = Number(cidr.slice(slash + 1));
  const m = maskOf(bits);
  return (ipv4ToInt(cidr.slice(0, slash)) & m) >>> 0 === (ipv4ToInt(ip) & m) >>> 0;
}

function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/**
 * newServiceInfo / newBaseServiceInfo for every port of a Service: nothing for headless and
 * ExternalName Services (no ClusterIP), the IPv4 addresses only.
 */
export function servicePortInfos(svc: Service): ServicePortInfo[] {
  if (!isServiceIPSet(svc)) return [];
  const spec = svc.spec ?? {};
  const clusterIP =
    normalizeIPv4(spec.clusterIP) || (spec.clusterIPs ?? []).map(normalizeIPv4).find((x) => x !== '') || '';
  if (!clusterIP) return [];
  const ns = svc.metadata?.namespace ?? '';
  const nsn = `${ns}/${svc.metadata?.name ?? ''}`;
  const type = spec.type ?? 'ClusterIP';
  const externalIPs = (spec.externalIPs ?? []).map(normalizeIPv4).filter((x) => x !== '');
  const lbVIPs = (svc.status?.loadBalancer?.ingress ?? [])
    .filter((i) => i.ipMode === undefined || i.ipMode === null || i.ipMode === 'VIP')
    .map((i) => normalizeIPv4(i.ip))
    .filter((x) => x !== '');
  const sourceRanges = (spec.loadBalancerSourceRanges ?? []).map(normalizeCIDR).filter((x) => x !== '');
  const affinity = spec.sessionAffinity === 'ClientIP';
  const sticky = affinity ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0;
  const externallyAccessibleType = type === 'NodePort' || type === 'LoadBalancer' || externalIPs.length > 0;
  const externalPolicyLocal = externallyAccessibleType && spec.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const needsHealthCheck = type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  const out: ServicePortInfo[] = [];
  (spec.ports ?? []).forEach((p, index) => {
    const portName = p.name ?? '';
    const PROTO = (p.protocol ?? 'TCP').toUpperCase();
    const protocol = PROTO.toLowerCase();
    const nameString = portName ? `${nsn}:${portName}` : nsn;
    const suffix = portProtoHash(nameString, protocol);
    out.push({
      key: servicePortKey(nsn, portName, PROTO),
      nsn,
      nameString,
      protocol,
      clusterIP,
      port: p.port,
      nodePort: p.nodePort ?? 0,
      externalIPs,
      loadBalancerVIPs: lbVIPs,
      loadBalancerSourceRanges: sourceRanges,
      healthCheckNodePort: needsHealthCheck ? (spec.healthCheckNodePort ?? 0) : 0,
      stickyMaxAgeSeconds: sticky,
      internalPolicyLocal,
      externalPolicyLocal,
      // The four chains share portProtoHash(nameString, protocol): hash once.
      clusterPolicyChainName: `${servicePortPolicyClusterChainNamePrefix}${suffix}`,
      localPolicyChainName: `${servicePortPolicyLocalChainNamePrefix}${suffix}`,
      firewallChainName: `${serviceFirewallChainNamePrefix}${suffix}`,
      externalChainName: `${serviceExternalChainNamePrefix}${suffix}`,
      index,
      hashInput: nameString + protocol,
    });
  });
  return out;
}

/** ExternallyAccessible: reachable by NodePort, load-balancer VIPs or external IPs. */
export function externallyAccessible(s: ServicePortInfo): boolean {
  return s.nodePort !== 0 || s.loadBalancerVIPs.length > 0 || s.externalIPs.length > 0;
}

/** UsesClusterEndpoints: some traffic to this port is routed with Cluster policy. */
export function usesClusterEndpoints(s: ServicePortInfo): boolean {
  return !s.internalPolicyLocal || (externallyAccessible(s) && !s.externalPolicyLocal);
}

/** UsesLocalEndpoints: some traffic to this port is routed with Local policy. */
export function usesLocalEndpoints(s: ServicePortInfo): boolean {
  return s.internalPolicyLocal || (externallyAccessible(s) && s.externalPolicyLocal);
}

export function sameServicePort(a: ServicePortInfo, b: ServicePortInfo): boolean {
  return (
    a.key === b.key &&
    a.clusterIP === b.clusterIP &&
    a.port === b.port &&
    a.nodePort === b.nodePort &&
    a.healthCheckNodePort === b.healthCheckNodePort &&
    a.stickyMaxAgeSeconds === b.stickyMaxAgeSeconds &&
    a.internalPolicyLocal === b.internalPolicyLocal &&
    a.externalPolicyLocal === b.externalPolicyLocal &&
    a.index === b.index &&
    a.externalIPs.join() === b.externalIPs.join() &&
    a.loadBalancerVIPs.join() === b.loadBalancerVIPs.join() &&
    a.loadBalancerSourceRanges.join() === b.loadBalancerSourceRanges.join()
  );
}

// ---- endpoints -------------------------------------------------------------------------------

/** BaseEndpointInfo (and the iptables endpointInfo's ChainName, computed on first use). */
export interface EndpointInfo {
  ip: string;
  port: number;
  /** `ip:port`, net.JoinHostPort. */
  endpoint: string;
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  zoneHints?: string[];
  nodeHints?: string[];
}

/** Memoised KUBE-SEP names: ServicePortName string + protocol → endpoint → chain. */
const sepCache = new Map<string, Map<string, string>>();
let sepCached = 0;

/** The endpoint's KUBE-SEP chain for a service port (memoised: the hash is the expensive part). */
export function endpointChainName(svc: ServicePortInfo, ep: EndpointInfo): string {
  const prefix = svc.hashInput;
  let inner = sepCache.get(prefix);
  if (!inner) sepCache.set(prefix, (inner = new Map()));
  let c = inner.get(ep.endpoint);
  if (c === undefined) {
    if (++sepCached > 2_000_000) {
      sepCache.clear();
      sepCached = 0;
      sepCache.set(prefix, inner);
    }
    c = endpointChainNameOf(prefix, ep.endpoint);
    inner.set(ep.endpoint, c);
  }
  return c;
}

/**
 * The endpoints of one Service from all of its EndpointSlices (endpointInfoByServicePort,
 * addEndpoints, endpointsMapFromEndpointInfo): per service port key, unique by `ip:port`, a
 * terminating duplicate never replacing another, sorted by the `ip:port` string.
 */
export function endpointsForService(
  nsn: string,
  slices: Iterable<EndpointSlice>,
  nodeName: string,
): Map<string, EndpointInfo[]> {
  const bySP = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    if ((slice.addressType ?? 'IPv4') !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      if (port.name === null || port.name === undefined) continue;
      if (port.port === null || port.port === undefined || port.port === 0) continue;
      const key = servicePortKey(nsn, port.name, (port.protocol ?? 'TCP').toUpperCase());
      let set = bySP.get(key);
      if (!set) bySP.set(key, (set = new Map()));
      for (const ep of slice.endpoints ?? []) {
        const addr = ep.addresses?.[0];
        if (!addr) continue;
        const ip = normalizeIPv4(addr);
        if (!ip) continue;
        const c = ep.conditions ?? {};
        const ready = c.ready === undefined || c.ready === null || c.ready === true;
        const serving = c.serving === undefined || c.serving === null || c.serving === true;
        const terminating = c.terminating === true;
        const endpoint = `${ip}:${port.port}`;
        const info: EndpointInfo = {
          ip,
          port: port.port,
          endpoint,
          isLocal: nodeName !== '' && ep.nodeName === nodeName,
          ready,
          serving,
          terminating,
        };
        if (ep.hints?.forZones?.length) info.zoneHints = ep.hints.forZones.map((z) => z.name);
        if (ep.hints?.forNodes?.length) info.nodeHints = ep.hints.forNodes.map((z) => z.name);
        if (!set.has(endpoint) || !terminating) set.set(endpoint, info);
      }
    }
  }
  const out = new Map<string, EndpointInfo[]>();
  for (const [key, set] of bySP) {
    if (set.size === 0) continue;
    const list = [...set.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
    out.set(key, list);
  }
  return out;
}

export function sameEndpoints(a: EndpointInfo[] | undefined, b: EndpointInfo[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as EndpointInfo;
    const y = b[i] as EndpointInfo;
    if (
      x.endpoint !== y.endpoint ||
      x.isLocal !== y.isLocal ||
      x.ready !== y.ready ||
      x.serving !== y.serving ||
      x.terminating !== y.terminating ||
      (x.zoneHints ?? []).join() !== (y.zoneHints ?? []).join() ||
      (x.nodeHints ?? []).join() !== (y.nodeHints ?? []).join()
    )
      return false;
  }
  return true;
}

// ---- topology.go ------------------------------------------------------------------------------

function topologyModeFromHints(endpoints: EndpointInfo[], nodeName: string, zone: string): string {
  let hasEndpointForNode = false;
  let allEndpointsHaveNodeHints = true;
  let hasEndpointForZone = false;
  let allEndpointsHaveZoneHints = true;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    if (!ep.nodeHints?.length) allEndpointsHaveNodeHints = false;
    else if (ep.nodeHints.includes(nodeName)) hasEndpointForNode = true;
    if (!ep.zoneHints?.length) allEndpointsHaveZoneHints = false;
    else if (ep.zoneHints.includes(zone)) hasEndpointForZone = true;
  }
  if (allEndpointsHaveNodeHints && hasEndpointForNode) return 'PreferSameNode';
  if (allEndpointsHaveZoneHints && hasEndpointForZone) return 'PreferSameZone';
  return '';
}

function availableForTopology(ep: EndpointInfo, mode: string, nodeName: string, zone: string): boolean {
  if (mode === '') return true;
  if (mode === 'PreferSameNode') return ep.nodeHints?.includes(nodeName) === true;
  if (mode === 'PreferSameZone') return ep.zoneHints?.includes(zone) === true;
  return false;
}

export interface Categorized {
  clusterEndpoints: EndpointInfo[];
  localEndpoints: EndpointInfo[];
  allReachableEndpoints: EndpointInfo[];
  hasAnyEndpoints: boolean;
}

/**
 * CategorizeEndpoints: the usable endpoints for Cluster and Local policy (Ready ones, falling back
 * to Serving+Terminating ones independently for each), their union, and whether the service has
 * usable endpoints anywhere in the cluster.
 */
export function categorizeEndpoints(
  endpoints: EndpointInfo[],
  svc: ServicePortInfo,
  nodeName: string,
  zone: string,
): Categorized {
  let topologyMode = '';
  let useServingTerminating = false;
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  const useCluster = usesClusterEndpoints(svc);
  if (useCluster) {
    topologyMode = topologyModeFromHints(endpoints, nodeName, zone);
    clusterEndpoints = endpoints.filter((ep) => ep.ready && availableForTopology(ep, topologyMode, nodeName, zone));
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((ep) => ep.serving && ep.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(svc))
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalServingTerminating = true;
    }
  }
  if (hasLocalReady) localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.ready);
  else if (hasLocalServingTerminating) {
    useServingTerminating = true;
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!useCluster) return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  if (topologyMode === '' && !useServingTerminating)
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  // Upstream merges through a map (random order); sorted here so the output is deterministic.
  const merged = new Map<string, EndpointInfo>();
  for (const ep of clusterEndpoints) merged.set(ep.endpoint, ep);
  for (const ep of localEndpoints) merged.set(ep.endpoint, ep);
  const allReachableEndpoints = [...merged.values()].sort((a, b) =>
    a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0,
  );
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
