/**
 * The packet walk from outside the cluster's actors: what the debug endpoint (POST /debug/packet)
 * and the browser's inspector run. The rules are each node's latest `iptables sync` note in the
 * trace (the complete ruleset kube-proxy wrote); pods, Services, EndpointSlices and Nodes come from
 * the API. The walk itself is the same code the node's runtime runs for a pod's packets.
 *
 * A request names a source (a pod `ns/name`, a node name, or either's IP), a destination (an IP or
 * a DNS name, resolved as the source's resolver would: the pod's search path and ndots:5, against
 * CoreDNS's answers), a port and a protocol. The answer is the resolution, the walk (every table,
 * chain and rule met, with its verdict), every destination the rules allow with its probability,
 * where the packet ended up and whether something there answers, and the reply's translations.
 */

import { behaviourOf, lookupImage } from '../../../workers/containerd/images.ts';
import { serve } from '../../../workers/containerd/netstack.ts';
import { lastIptablesRuleset } from '../../../workers/kube-proxy/node-views.ts';
import type { KObject } from '../api/types.ts';
import type { TraceRecord } from '../bus/trace.ts';
import { answer, clusterView, podDnsConfig, searchCandidates } from './dns.ts';
import { type Netfilter, parseNetfilter } from './netfilter.ts';
import {
  type Destination,
  destinations,
  type NodeInfo,
  type Origin,
  type PacketPath,
  type Protocol,
  walkPath,
} from './walk.ts';

export interface PacketRequest {
  /** `ns/name` of a pod, a node's name, or a pod's or node's IP. */
  source: string;
  /** An IP, or a name to resolve (`web`, `web.default.svc.cluster.local`). */
  destination: string;
  port?: number;
  protocol?: Protocol;
  /** Seed of the random draws of statistic rules (default: from the trace's last sequence number). */
  seed?: number;
}

/** What the walk needs from the API. */
export interface ClusterObjects {
  pods: KObject[];
  services: KObject[];
  endpointSlices: KObject[];
  nodes: KObject[];
}

export interface PacketWalkResult {
  source: { kind: 'pod' | 'node'; name: string; node: string; ip: string; hostNetwork: boolean };
  resolution?: {
    name: string;
    tried: { name: string; rcode: string; ip?: string }[];
    ip?: string;
    resolvConf: string[];
  };
  packet?: { src: string; dst: string; proto: Protocol; dport?: number };
  path?: PacketPath;
  destinations?: Destination[];
  delivery: {
    result: 'delivered' | 'refused' | 'no route' | 'dropped' | 'no answer' | 'unresolved';
    detail: string;
    pod?: string;
    container?: string;
  };
}

export class PacketRequestError extends Error {}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nodeInfos(nodes: KObject[]): NodeInfo[] {
  return nodes.map((n) => {
    const status = (n.status ?? {}) as { addresses?: { type: string; address: string }[] };
    return {
      name: n.metadata?.name ?? '',
      ip: status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
      podCIDR: ((n.spec ?? {}) as { podCIDR?: string }).podCIDR ?? '',
    };
  });
}

const isIP = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

/** Runs a packet walk for `req` over the rules in `records` and the objects in `objs`. */
export function packetWalk(
  records: readonly TraceRecord[],
  req: PacketRequest,
  objs: ClusterObjects,
): PacketWalkResult {
  const nodes = nodeInfos(objs.nodes).filter((n) => n.podCIDR && n.ip);
  const podOf = (p: KObject) => {
    const spec = (p.spec ?? {}) as { nodeName?: string; hostNetwork?: boolean };
    return {
      kind: 'pod' as const,
      name: `${p.metadata?.namespace}/${p.metadata?.name}`,
      node: spec.nodeName ?? '',
      ip: ((p.status ?? {}) as { podIP?: string }).podIP ?? '',
      hostNetwork: spec.hostNetwork === true,
    };
  };
  // The source.
  let source: PacketWalkResult['source'] | undefined;
  let sourcePod: KObject | undefined;
  if (req.source.includes('/')) {
    const [ns, name] = req.source.split('/');
    sourcePod = objs.pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name === name);
    if (!sourcePod) throw new PacketRequestError(`pod "${req.source}" not found`);
    source = podOf(sourcePod);
    if (!source.ip || !source.node) throw new PacketRequestError(`pod "${req.source}" has no IP yet (not running)`);
  } else {
    const node = nodes.find((n) => n.name === req.source || n.ip === req.source);
    if (node) source = { kind: 'node', name: node.name, node: node.name, ip: node.ip, hostNetwork: true };
    else {
      sourcePod = objs.pods.find(
        (p) =>
          ((p.status ?? {}) as { podIP?: string }).podIP === req.source &&
          !(p.spec as { hostNetwork?: boolean })?.hostNetwork,
      );
      if (!sourcePod)
        throw new PacketRequestError(`source "${req.source}" is no pod (namespace/name), node, or pod or node IP`);
      source = podOf(sourcePod);
    }
  }
  const protocol: Protocol = req.protocol ?? 'tcp';
  const port = protocol === 'icmp' ? undefined : (req.port ?? 80);
  // The destination: an address, or a name resolved as the source's resolver would.
  let dst = req.destination;
  let resolution: PacketWalkResult['resolution'];
  if (!isIP(dst)) {
    const dns = sourcePod
      ? podDnsConfig(sourcePod.metadata?.namespace ?? 'default', (sourcePod.spec ?? {}) as never)
      : podDnsConfig('default', { dnsPolicy: 'Default' });
    const view = clusterView(objs.services, objs.endpointSlices);
    const tried: { name: string; rcode: string; ip?: string }[] = [];
    let ip: string | undefined;
    const clusterDns = dns.nameservers[0] === '10.96.0.10';
    for (const name of searchCandidates(dst, dns)) {
      const a = clusterDns ? answer({ name, type: 'A' }, view) : { rcode: 'NXDOMAIN', records: [] };
      const rec = a.records.find((r) => r.type === 'A');
      tried.push({ name, rcode: a.rcode, ...(rec ? { ip: rec.data } : {}) });
      if (a.rcode === 'NOERROR' && rec) {
        ip = rec.data;
        break;
      }
    }
    resolution = {
      name: dst,
      tried,
      resolvConf: [...dns.searches.map((s) => `search ${s}`), ...dns.nameservers.map((n) => `nameserver ${n}`)],
    };
    if (!ip)
      return {
        source,
        resolution,
        delivery: {
          result: 'unresolved',
          detail: clusterDns
            ? `no name along the search path resolves (${tried.map((t) => t.name).join(', ')})`
            : `${source.name} resolves names with the node's resolver, which does not know the cluster's names`,
        },
      };
    resolution.ip = ip;
    dst = ip;
  }
  const rules = new Map<string, Netfilter | null>();
  const rulesOf = (node: string): Netfilter | undefined => {
    if (!rules.has(node)) {
      const text = lastIptablesRuleset(records, node);
      rules.set(node, text ? parseNetfilter(text) : null);
    }
    return rules.get(node) ?? undefined;
  };
  if (!rulesOf(source.node))
    throw new PacketRequestError(
      `no iptables sync from kube-proxy on node "${source.node}" in the trace (is kube-proxy running in iptables mode?)`,
    );
  const origin: Origin = source.hostNetwork ? 'node' : 'pod';
  const packet = { src: source.ip, dst, proto: protocol, ...(port !== undefined ? { dport: port } : {}) };
  const ctx = { nodes, rules: rulesOf, rand: mulberry32(req.seed ?? records[records.length - 1]?.seq ?? 1) };
  const path = walkPath(source.node, { ...packet, sport: 40000 + ((req.seed ?? 0) % 20000) }, origin, ctx);
  const dests = destinations(source.node, packet, origin, { nodes, rules: rulesOf });
  return {
    source,
    ...(resolution ? { resolution } : {}),
    packet,
    path,
    destinations: dests,
    delivery: deliver(path, objs, protocol),
  };
}

function deliver(path: PacketPath, objs: ClusterObjects, protocol: Protocol): PacketWalkResult['delivery'] {
  const a = path.arrival;
  switch (a.kind) {
    case 'refused':
      return { result: 'refused', detail: `REJECT on ${a.node} (${a.with}): the Service has no endpoints` };
    case 'dropped':
      return { result: 'dropped', detail: `dropped by a rule on ${a.node}: the client waits until it gives up` };
    case 'outside':
      return {
        result: 'no answer',
        detail: `${a.ip} is no pod's or node's address: the packet leaves by the default route and nothing answers (a ClusterIP is virtual: only its Service's ports are translated)`,
      };
    case 'unknown-node':
      return { result: 'no route', detail: `no rules known for node ${a.node}` };
    default:
      break;
  }
  const candidates = objs.pods.filter((p) => {
    const st = (p.status ?? {}) as { podIP?: string; phase?: string };
    const spec = (p.spec ?? {}) as { hostNetwork?: boolean; nodeName?: string };
    return a.kind === 'pod'
      ? st.podIP === a.ip && !spec.hostNetwork
      : spec.hostNetwork === true && spec.nodeName === a.node;
  });
  const running = candidates.filter((p) => ((p.status ?? {}) as { phase?: string }).phase === 'Running');
  if (running.length === 0) {
    if (a.kind === 'node')
      return protocol === 'icmp'
        ? { result: 'delivered', detail: `node ${a.node} answers` }
        : { result: 'refused', detail: `nothing listens on ${a.ip}:${a.port ?? ''} on node ${a.node}` };
    return { result: 'no route', detail: `no running pod has ${a.ip} on ${a.node}: "No route to host"` };
  }
  for (const p of running) {
    const name = `${p.metadata?.namespace}/${p.metadata?.name}`;
    if (protocol === 'icmp') return { result: 'delivered', detail: `echo reply from ${a.ip}`, pod: name };
    for (const c of (
      (p.spec ?? {}) as { containers?: { name: string; image: string; command?: string[]; args?: string[] }[] }
    ).containers ?? []) {
      const img = lookupImage(c.image);
      if (!img) continue;
      const r = serve(
        behaviourOf(img, c.command ?? [], c.args ?? []),
        a.port ?? 0,
        Number.POSITIVE_INFINITY,
        '/',
        p.metadata?.name ?? '',
      );
      if (r) return { result: 'delivered', detail: `${c.image} listens on ${a.port}`, pod: name, container: c.name };
    }
  }
  return {
    result: 'refused',
    detail: `${running.map((p) => p.metadata?.name).join(', ')} has ${a.ip}, but nothing listens on port ${a.port ?? ''}: RST, "Connection refused"`,
    pod: `${running[0]?.metadata?.namespace}/${running[0]?.metadata?.name}`,
  };
}

/** Lists what packetWalk needs through an API GET (a kubectl-like client of the relay). */
export async function clusterObjects(get: (path: string) => Promise<unknown>): Promise<ClusterObjects> {
  const items = async (path: string) => ((await get(path)) as { items?: KObject[] } | undefined)?.items ?? [];
  const [pods, services, endpointSlices, nodes] = await Promise.all([
    items('/api/v1/pods'),
    items('/api/v1/services'),
    items('/apis/discovery.k8s.io/v1/endpointslices'),
    items('/api/v1/nodes'),
  ]);
  return { pods, services, endpointSlices, nodes };
}
