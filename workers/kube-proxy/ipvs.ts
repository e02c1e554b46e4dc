/**
 * The IPVS proxier (pkg/proxy/ipvs/proxier.go) without the component around it: feed it Services
 * and EndpointSlices, call syncProxyRules, and it returns what kube-proxy in IPVS mode leaves in
 * the kernel: the IPVS virtual servers and their real servers, the ipsets, the addresses on the
 * kube-ipvs0 dummy device, and the (small, constant-size) iptables-restore input that matches
 * those sets; plus the diff against the previous sync.
 *
 * Per service port, as syncProxyRules does:
 * - local endpoints → KUBE-LOOP-BACK `ip,proto:port,ip` (hairpin masquerade);
 * - ClusterIP → KUBE-CLUSTER-IP `ip,proto:port`, a virtual server ClusterIP:port bound to
 *   kube-ipvs0, with the Cluster endpoints (Local ones for internalTrafficPolicy Local);
 * - each external IP → KUBE-EXTERNAL-IP (or -LOCAL for externalTrafficPolicy Local) and a virtual
 *   server, bound to kube-ipvs0 unless the node owns the address;
 * - each load-balancer IP → KUBE-LOAD-BALANCER (+ -LOCAL, + -FW and -SOURCE-CIDR/-SOURCE-IP for
 *   loadBalancerSourceRanges, or a KUBE-IPVS-OUT-FILTER drop when the node is not allowed) and a
 *   virtual server;
 * - NodePort → KUBE-NODE-PORT-TCP/UDP (bitmap:port; -LOCAL- for Local policy; SCTP in a
 *   hash:ip,port set per node address) and a virtual server on every node address;
 * - healthCheckNodePort → KUBE-HEALTH-CHECK-NODE-PORT.
 * Every virtual server gets the configured scheduler (rr by default), `persistent <timeout>` for
 * ClientIP affinity and the source-hash flag for mh; real servers are `ip:port`, weight 1, Masq.
 * KUBE-IPVS-IPS holds the addresses bound to kube-ipvs0.
 *
 * Determinism: services are visited in (namespace/name, port) order where upstream ranges over a Go
 * map, so addresses are bound to kube-ipvs0 (and listed by `ip addr`) in that order; sets list
 * their members sorted (ipset.ts); ipvsadm sorts as libipvs does (ipvsadm.ts).
 *
 * Cost: each service port's contribution is cached and rebuilt only when its Service or endpoints
 * change; a sync then merges the contributions (upstream walks every service on every sync too).
 */

import { ChangeTracker } from './change-tracker.ts';
import type { IpsetList } from './ipset.ts';
import * as S from './ipset.ts';
import {
  type DummyDevice,
  FlagPersistent,
  FlagSourceHash,
  type IpvsProtocol,
  macFor,
  type RealServer,
  type VirtualServer,
  virtualServerKey,
} from './ipvsadm.ts';
import {
  categorizeEndpoints,
  cidrContains,
  type EndpointInfo,
  type EndpointSlice,
  endpointsForService,
  normalizeCIDR,
  normalizeIPv4,
  type Service,
  type ServicePortInfo,
  sameEndpoints,
  sameServicePort,
  servicePortInfos,
} from './types.ts';

export const kubeServicesChain = 'KUBE-SERVICES';
export const kubeProxyFirewallChain = 'KUBE-PROXY-FIREWALL';
export const kubeSourceRangesFirewallChain = 'KUBE-SOURCE-RANGES-FIREWALL';
export const kubePostroutingChain = 'KUBE-POSTROUTING';
export const kubeMarkMasqChain = 'KUBE-MARK-MASQ';
export const kubeNodePortChain = 'KUBE-NODE-PORT';
export const kubeForwardChain = 'KUBE-FORWARD';
export const kubeLoadBalancerChain = 'KUBE-LOAD-BALANCER';
export const kubeIPVSFilterChain = 'KUBE-IPVS-FILTER';
export const kubeIPVSOutFilterChain = 'KUBE-IPVS-OUT-FILTER';
export const defaultScheduler = 'rr';
export const defaultDummyDevice = 'kube-ipvs0';

/** The schedulers kube-proxy's configuration validation accepts (blank means rr). */
export const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'sh', 'dh', 'sed', 'nq', 'mh'] as const;

/** iptablesChains: the chains the IPVS proxier declares, nat first, then filter. */
const NAT_CHAINS = [
  kubeServicesChain,
  kubePostroutingChain,
  kubeNodePortChain,
  kubeLoadBalancerChain,
  kubeMarkMasqChain,
] as const;
const FILTER_CHAINS = [
  kubeForwardChain,
  kubeNodePortChain,
  kubeProxyFirewallChain,
  kubeSourceRangesFirewallChain,
  kubeIPVSFilterChain,
  kubeIPVSOutFilterChain,
] as const;

interface SetJump {
  name: string;
  table: 'nat' | 'filter';
  from: string;
  to: string;
  matchType: string;
  protocolMatch: string;
}

/** ipsetWithIptablesChain: sets whose non-emptiness adds one jump rule each. */
const ipsetWithIptablesChain: readonly SetJump[] = [
  {
    name: S.kubeLoopBackIPSet,
    table: 'nat',
    from: kubePostroutingChain,
    to: 'MASQUERADE',
    matchType: 'dst,dst,src',
    protocolMatch: '',
  },
  {
    name: S.kubeLoadBalancerSet,
    table: 'nat',
    from: kubeServicesChain,
    to: kubeLoadBalancerChain,
    matchType: 'dst,dst',
    protocolMatch: '',
  },
  {
    name: S.kubeLoadBalancerLocalSet,
    table: 'nat',
    from: kubeLoadBalancerChain,
    to: 'RETURN',
    matchType: 'dst,dst',
    protocolMatch: '',
  },
  {
    name: S.kubeNodePortLocalSetTCP,
    table: 'nat',
    from: kubeNodePortChain,
    to: 'RETURN',
    matchType: 'dst',
    protocolMatch: 'tcp',
  },
  {
    name: S.kubeNodePortSetTCP,
    table: 'nat',
    from: kubeNodePortChain,
    to: kubeMarkMasqChain,
    matchType: 'dst',
    protocolMatch: 'tcp',
  },
  {
    name: S.kubeNodePortLocalSetUDP,
    table: 'nat',
    from: kubeNodePortChain,
    to: 'RETURN',
    matchType: 'dst',
    protocolMatch: 'udp',
  },
  {
    name: S.kubeNodePortSetUDP,
    table: 'nat',
    from: kubeNodePortChain,
    to: kubeMarkMasqChain,
    matchType: 'dst',
    protocolMatch: 'udp',
  },
  {
    name: S.kubeNodePortLocalSetSCTP,
    table: 'nat',
    from: kubeNodePortChain,
    to: 'RETURN',
    matchType: 'dst,dst',
    protocolMatch: 'sctp',
  },
  {
    name: S.kubeNodePortSetSCTP,
    table: 'nat',
    from: kubeNodePortChain,
    to: kubeMarkMasqChain,
    matchType: 'dst,dst',
    protocolMatch: 'sctp',
  },
  {
    name: S.kubeLoadBalancerFWSet,
    table: 'filter',
    from: kubeProxyFirewallChain,
    to: kubeSourceRangesFirewallChain,
    matchType: 'dst,dst',
    protocolMatch: '',
  },
  {
    name: S.kubeLoadBalancerSourceCIDRSet,
    table: 'filter',
    from: kubeSourceRangesFirewallChain,
    to: 'RETURN',
    matchType: 'dst,dst,src',
    protocolMatch: '',
  },
  {
    name: S.kubeLoadBalancerSourceIPSet,
    table: 'filter',
    from: kubeSourceRangesFirewallChain,
    to: 'RETURN',
    matchType: 'dst,dst,src',
    protocolMatch: '',
  },
];

export interface IpvsProxierConfig {
  nodeName: string;
  nodeIP: string;
  /** Local traffic detector (ClusterCIDR): `! -s <clusterCIDR>` on the KUBE-CLUSTER-IP masquerade rule. Empty: none. */
  clusterCIDR: string;
  masqueradeAll: boolean;
  masqueradeBit: number;
  /** ipvs.scheduler; empty means rr ("IPVS scheduler not specified, use rr by default"). */
  scheduler: string;
  /** Whether the iptables binary supports MASQUERADE --random-fully (real nodes: yes). */
  randomFully: boolean;
  /** The node's topology.kubernetes.io/zone label, for topology hints. */
  zone: string;
  /** ipvs.syncPeriod (30 s): the runner's maximum interval, so IPVS mode resyncs every 30 s. */
  syncPeriod: number;
  /** ipvs.minSyncPeriod (default 0: every change syncs at once). */
  minSyncPeriod: number;
  /**
   * The node's own addresses outside kube-ipvs0 (GetAllLocalAddressesExcept; loopback excluded):
   * NodePort virtual servers are made on each. Default: the node IP.
   */
  nodeAddresses: string[];
  /** nodePortAddresses (CIDRs); empty means every node address. */
  nodePortAddresses: string[];
  /** The interface index kube-ipvs0 gets on the node. */
  dummyIndex: number;
}

export const DEFAULT_IPVS_CONFIG: IpvsProxierConfig = {
  nodeName: '',
  nodeIP: '',
  clusterCIDR: '10.244.0.0/16',
  masqueradeAll: false,
  masqueradeBit: 14,
  scheduler: '',
  randomFully: true,
  zone: '',
  syncPeriod: 30_000,
  minSyncPeriod: 0,
  nodeAddresses: [],
  nodePortAddresses: [],
  dummyIndex: 3,
};

/** What kube-proxy in IPVS mode has put in the node's kernel. */
export interface IpvsState {
  /** Virtual servers in the order they were created (ipvsadm sorts them when printing). */
  virtualServers: VirtualServer[];
  /** Every set kube-proxy created, in ipsetInfo order (empty ones too). */
  ipsets: IpsetList[];
  /** kube-ipvs0 and its addresses. */
  dummy: DummyDevice;
  /** The iptables-restore input of the last sync (IPVS mode always writes all of it). */
  restoreInput: string;
}

export interface IpvsDiff {
  virtualServersAdded: string[];
  virtualServersRemoved: string[];
  /** Scheduler, flags or timeout changed (UpdateVirtualServer). */
  virtualServersUpdated: string[];
  /** `vs -> rs`, e.g. `10.96.0.10:53/UDP -> 10.244.0.3:53`. */
  realServersAdded: string[];
  realServersRemoved: string[];
  ipsetEntriesAdded: { set: string; entry: string }[];
  ipsetEntriesRemoved: { set: string; entry: string }[];
  addressesAdded: string[];
  addressesRemoved: string[];
  rulesAdded: { table: 'nat' | 'filter'; rule: string }[];
  rulesRemoved: { table: 'nat' | 'filter'; rule: string }[];
}

export interface IpvsSyncResult {
  state: IpvsState;
  diff: IpvsDiff;
  /** Whether anything in the kernel changed. */
  changed: boolean;
  /** Items added and removed over all kinds (virtual and real servers, set entries, addresses, rules). */
  added: number;
  removed: number;
  realServers: number;
  ipsetEntries: number;
  totalEndpoints: number;
}

/** One service port's share of the kernel state. */
interface Contribution {
  svc: ServicePortInfo;
  virtualServers: VirtualServer[];
  entries: [string, string][];
  bind: string[];
  outFilter: string[];
  endpoints: number;
}

const PROTOCOL: Record<string, IpvsProtocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

function emptyDiff(): IpvsDiff {
  return {
    virtualServersAdded: [],
    virtualServersRemoved: [],
    virtualServersUpdated: [],
    realServersAdded: [],
    realServersRemoved: [],
    ipsetEntriesAdded: [],
    ipsetEntriesRemoved: [],
    addressesAdded: [],
    addressesRemoved: [],
    rulesAdded: [],
    rulesRemoved: [],
  };
}

export class IpvsProxier extends ChangeTracker {
  readonly config: IpvsProxierConfig;
  /** `%#08x` of the mark: `0x00004000`. */
  readonly masqueradeMark: string;
  readonly scheduler: string;
  private svcPortMap = new Map<string, ServicePortInfo>();
  private svcPortsByService = new Map<string, string[]>();
  private endpointsMap = new Map<string, EndpointInfo[]>();
  private endpointKeysByService = new Map<string, string[]>();
  private dirty = new Set<string>();
  private contributions = new Map<string, Contribution[]>();
  private order: string[] = [];
  private orderValid = true;
  /** The kernel as the previous sync left it. */
  private current: IpvsState;
  private syncedOnce = false;

  constructor(config: Partial<IpvsProxierConfig> = {}) {
    super();
    this.config = { ...DEFAULT_IPVS_CONFIG, ...config };
    this.config.clusterCIDR = this.config.clusterCIDR ? normalizeCIDR(this.config.clusterCIDR) : '';
    if (this.config.nodeAddresses.length === 0 && this.config.nodeIP) this.config.nodeAddresses = [this.config.nodeIP];
    const v = (1 << this.config.masqueradeBit) >>> 0;
    this.masqueradeMark = `0x${v.toString(16).padStart(8, '0')}`;
    this.scheduler = this.config.scheduler || defaultScheduler;
    this.current = {
      virtualServers: [],
      ipsets: [],
      dummy: { index: this.config.dummyIndex, mac: macFor(`${this.config.nodeName}/kube-ipvs0`), addresses: [] },
      restoreInput: '',
    };
  }

  // ---- change tracking ---------------------------------------------------------------------------

  /** OnNodeAdd/OnNodeUpdate with a new zone label: every service's endpoints are chosen again. */
  onTopologyChange(zone: string): boolean {
    if (zone === this.config.zone) return false;
    this.config.zone = zone;
    for (const nsn of this.svcPortsByService.keys()) this.dirty.add(nsn);
    return true;
  }

  protected refreshService(nsn: string): boolean {
    const svc = this.services.get(nsn);
    const infos = svc ? servicePortInfos(svc) : [];
    const oldKeys = this.svcPortsByService.get(nsn) ?? [];
    const newKeys = infos.map((i) => i.key);
    let changed = oldKeys.length !== newKeys.length || oldKeys.some((k, i) => k !== newKeys[i]);
    for (const k of oldKeys) if (!newKeys.includes(k)) this.svcPortMap.delete(k);
    for (const info of infos) {
      const old = this.svcPortMap.get(info.key);
      if (!old || !sameServicePort(old, info)) changed = true;
      this.svcPortMap.set(info.key, info);
    }
    if (newKeys.length > 0) this.svcPortsByService.set(nsn, newKeys);
    else this.svcPortsByService.delete(nsn);
    if (changed) this.dirty.add(nsn);
    return changed;
  }

  protected refreshEndpoints(nsn: string): boolean {
    const m = this.slices.get(nsn);
    const fresh = m ? endpointsForService(nsn, m.values(), this.config.nodeName) : new Map<string, EndpointInfo[]>();
    let changed = false;
    for (const key of this.endpointKeysByService.get(nsn) ?? []) {
      if (!fresh.has(key)) {
        this.endpointsMap.delete(key);
        changed = true;
      }
    }
    for (const [key, eps] of fresh) {
      if (!sameEndpoints(this.endpointsMap.get(key), eps)) changed = true;
      this.endpointsMap.set(key, eps);
    }
    if (fresh.size > 0) this.endpointKeysByService.set(nsn, [...fresh.keys()]);
    else this.endpointKeysByService.delete(nsn);
    if (changed) this.dirty.add(nsn);
    return changed;
  }

  // ---- one service port -----------------------------------------------------------------------------

  /** The node addresses NodePorts are served on (nodePortAddresses applied, loopback excluded). */
  private nodeIPs(): string[] {
    const all = this.config.nodeAddresses.map(normalizeIPv4).filter((ip) => ip !== '' && !ip.startsWith('127.'));
    if (this.config.nodePortAddresses.length === 0) return all;
    const cidrs = this.config.nodePortAddresses.map(normalizeCIDR).filter((c) => c !== '');
    return all.filter((ip) => cidrs.some((c) => cidrContains(c, ip)));
  }

  private virtualServer(svc: ServicePortInfo, address: string, port: number, endpoints: EndpointInfo[]): VirtualServer {
    let flags = 0;
    let timeout = 0;
    if (svc.stickyMaxAgeSeconds > 0) {
      flags |= FlagPersistent;
      timeout = svc.stickyMaxAgeSeconds;
    }
    if (this.scheduler === 'mh') flags |= FlagSourceHash;
    // syncEndpoint: a set of `ip:port` strings, weight 1 each.
    const seen = new Set<string>();
    const realServers: RealServer[] = [];
    for (const ep of endpoints) {
      if (seen.has(ep.endpoint)) continue;
      seen.add(ep.endpoint);
      realServers.push({ address: ep.ip, port: ep.port, weight: 1 });
    }
    return {
      protocol: PROTOCOL[svc.protocol] ?? 'TCP',
      address,
      port,
      scheduler: this.scheduler,
      flags,
      timeout,
      realServers,
      service: svc.nameString,
    };
  }

  /** syncEndpoint's choice: Local endpoints when asked for and present, else the Cluster ones. */
  private chooseEndpoints(
    svc: ServicePortInfo,
    all: EndpointInfo[],
    onlyNodeLocal: boolean,
  ): { endpoints: EndpointInfo[]; any: boolean } {
    const c = categorizeEndpoints(all, svc, this.config.nodeName, this.config.zone);
    if (onlyNodeLocal)
      return { endpoints: c.localEndpoints.length > 0 ? c.localEndpoints : c.clusterEndpoints, any: c.hasAnyEndpoints };
    return { endpoints: c.clusterEndpoints, any: c.hasAnyEndpoints };
  }

  private contribute(svc: ServicePortInfo, nodeIPs: string[]): Contribution {
    const all = this.endpointsMap.get(svc.key) ?? [];
    const proto = svc.protocol;
    const out: Contribution = { svc, virtualServers: [], entries: [], bind: [], outFilter: [], endpoints: all.length };
    const nodeAddrs = new Set(this.config.nodeAddresses);
    // Hairpin: every local endpoint, whatever its state.
    for (const ep of all) {
      if (!ep.isLocal) continue;
      out.entries.push([S.kubeLoopBackIPSet, S.ipPortIPEntry(ep.ip, proto, ep.port, ep.ip)]);
    }
    // ClusterIP.
    out.entries.push([S.kubeClusterIPSet, S.ipPortEntry(svc.clusterIP, proto, svc.port)]);
    const internal = this.chooseEndpoints(svc, all, svc.internalPolicyLocal);
    out.virtualServers.push(this.virtualServer(svc, svc.clusterIP, svc.port, internal.endpoints));
    out.bind.push(svc.clusterIP);
    const external = this.chooseEndpoints(svc, all, svc.externalPolicyLocal);
    // External IPs.
    for (const ip of svc.externalIPs) {
      const entry = S.ipPortEntry(ip, proto, svc.port);
      out.entries.push([svc.externalPolicyLocal ? S.kubeExternalIPLocalSet : S.kubeExternalIPSet, entry]);
      out.virtualServers.push(this.virtualServer(svc, ip, svc.port, external.endpoints));
      if (!nodeAddrs.has(ip)) out.bind.push(ip);
    }
    // Load-balancer ingress IPs.
    for (const ip of svc.loadBalancerVIPs) {
      const entry = S.ipPortEntry(ip, proto, svc.port);
      out.entries.push([S.kubeLoadBalancerSet, entry]);
      if (svc.externalPolicyLocal) out.entries.push([S.kubeLoadBalancerLocalSet, entry]);
      if (svc.loadBalancerSourceRanges.length > 0) {
        out.entries.push([S.kubeLoadBalancerFWSet, entry]);
        let allowFromNode = false;
        for (const cidr of svc.loadBalancerSourceRanges) {
          out.entries.push([S.kubeLoadBalancerSourceCIDRSet, S.ipPortNetEntry(ip, proto, svc.port, cidr)]);
          if (this.config.nodeIP && cidrContains(cidr, this.config.nodeIP)) allowFromNode = true;
        }
        if (allowFromNode) out.entries.push([S.kubeLoadBalancerSourceIPSet, S.ipPortIPEntry(ip, proto, svc.port, ip)]);
        else
          out.outFilter.push(
            `-A ${kubeIPVSOutFilterChain} -s ${ip} -m ipvs --vaddr ${ip} --vproto ${proto} --vport ${svc.port} -j DROP`,
          );
      }
      out.virtualServers.push(this.virtualServer(svc, ip, svc.port, external.endpoints));
      if (!nodeAddrs.has(ip)) out.bind.push(ip);
    }
    // NodePort: one set entry, and a virtual server on every node address.
    if (svc.nodePort !== 0) {
      if (nodeIPs.length === 0) return out;
      let set = '';
      let localSet = '';
      let entries: string[] = [];
      if (proto === 'tcp') {
        set = S.kubeNodePortSetTCP;
        localSet = S.kubeNodePortLocalSetTCP;
        entries = [String(svc.nodePort)];
      } else if (proto === 'udp') {
        set = S.kubeNodePortSetUDP;
        localSet = S.kubeNodePortLocalSetUDP;
        entries = [String(svc.nodePort)];
      } else if (proto === 'sctp') {
        set = S.kubeNodePortSetSCTP;
        localSet = S.kubeNodePortLocalSetSCTP;
        entries = nodeIPs.map((ip) => S.ipPortEntry(ip, proto, svc.nodePort));
      }
      for (const e of entries) out.entries.push([set, e]);
      if (svc.externalPolicyLocal) for (const e of entries) out.entries.push([localSet, e]);
      for (const ip of nodeIPs) out.virtualServers.push(this.virtualServer(svc, ip, svc.nodePort, external.endpoints));
    }
    if (svc.healthCheckNodePort !== 0)
      out.entries.push([S.kubeHealthCheckNodePortSet, String(svc.healthCheckNodePort)]);
    return out;
  }

  // ---- the iptables rules over the sets ----------------------------------------------------------------

  /** writeIptablesRules + createAndLinkKubeChain: the restore input for these sets. */
  private restoreInput(sets: Map<string, Set<string>>, outFilter: string[]): string {
    const nonEmpty = (name: string) => (sets.get(name)?.size ?? 0) > 0;
    const comment = (name: string) => `"${S.ipsetByName.get(name)?.comment ?? ''}"`;
    const nat: string[] = ['*nat', ...NAT_CHAINS.map((c) => `:${c} - [0:0]`)];
    const filter: string[] = ['*filter', ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`)];
    const natRules: string[] = [];
    const filterRules: string[] = [];
    natRules.push(`-A ${kubeServicesChain} -s 127.0.0.0/8 -j RETURN`);
    for (const j of ipsetWithIptablesChain) {
      if (!nonEmpty(j.name)) continue;
      const proto = j.protocolMatch ? ` -p ${j.protocolMatch}` : '';
      const rule = `-A ${j.from}${proto} -m comment --comment ${comment(j.name)} -m set --match-set ${j.name} ${j.matchType} -j ${j.to}`;
      (j.table === 'filter' ? filterRules : natRules).push(rule);
    }
    if (nonEmpty(S.kubeClusterIPSet)) {
      const args = `-A ${kubeServicesChain} -m comment --comment ${comment(S.kubeClusterIPSet)} -m set --match-set ${S.kubeClusterIPSet}`;
      if (this.config.masqueradeAll) natRules.push(`${args} dst,dst -j ${kubeMarkMasqChain}`);
      else if (this.config.clusterCIDR)
        natRules.push(`${args} dst,dst ! -s ${this.config.clusterCIDR} -j ${kubeMarkMasqChain}`);
      else natRules.push(`${args} src,dst -j ${kubeMarkMasqChain}`);
    }
    const externalIPRules = (args: string) => {
      natRules.push(`${args} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT`);
      natRules.push(`${args} -m addrtype --dst-type LOCAL -j ACCEPT`);
    };
    if (nonEmpty(S.kubeExternalIPSet)) {
      const args = `-A ${kubeServicesChain} -m comment --comment ${comment(S.kubeExternalIPSet)} -m set --match-set ${S.kubeExternalIPSet} dst,dst`;
      natRules.push(`${args} -j ${kubeMarkMasqChain}`);
      externalIPRules(args);
    }
    if (nonEmpty(S.kubeExternalIPLocalSet)) {
      externalIPRules(
        `-A ${kubeServicesChain} -m comment --comment ${comment(S.kubeExternalIPLocalSet)} -m set --match-set ${S.kubeExternalIPLocalSet} dst,dst`,
      );
    }
    natRules.push(`-A ${kubeServicesChain} -m addrtype --dst-type LOCAL -j ${kubeNodePortChain}`);
    natRules.push(`-A ${kubeLoadBalancerChain} -j ${kubeMarkMasqChain}`);
    filterRules.push(`-A ${kubeSourceRangesFirewallChain} -j DROP`);
    filterRules.push(...outFilter);
    // acceptIPVSTraffic: must be at the end of KUBE-SERVICES.
    for (const set of [S.kubeClusterIPSet, S.kubeLoadBalancerSet]) {
      if (nonEmpty(set)) natRules.push(`-A ${kubeServicesChain} -m set --match-set ${set} dst,dst -j ACCEPT`);
    }
    const mark = this.masqueradeMark;
    filterRules.push(
      `-A ${kubeForwardChain} -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
      `-A ${kubeForwardChain} -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A ${kubeNodePortChain} -m comment --comment ${comment(S.kubeHealthCheckNodePortSet)} -m set --match-set ${S.kubeHealthCheckNodePortSet} dst -j ACCEPT`,
      `-A ${kubeIPVSFilterChain} -m set --match-set ${S.kubeLoadBalancerSet} dst,dst -j RETURN`,
      `-A ${kubeIPVSFilterChain} -m set --match-set ${S.kubeClusterIPSet} dst,dst -j RETURN`,
      `-A ${kubeIPVSFilterChain} -m set --match-set ${S.kubeExternalIPSet} dst,dst -j RETURN`,
      `-A ${kubeIPVSFilterChain} -m set --match-set ${S.kubeExternalIPLocalSet} dst,dst -j RETURN`,
      `-A ${kubeIPVSFilterChain} -m set --match-set ${S.kubeHealthCheckNodePortSet} dst -j RETURN`,
      `-A ${kubeIPVSFilterChain} -m conntrack --ctstate NEW -m set --match-set ${S.kubeIPVSSet} dst -j REJECT`,
    );
    natRules.push(
      `-A ${kubePostroutingChain} -m mark ! --mark ${mark}/${mark} -j RETURN`,
      `-A ${kubePostroutingChain} -j MARK --xor-mark ${mark}`,
      `-A ${kubePostroutingChain} -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${this.config.randomFully ? ' --random-fully' : ''}`,
      `-A ${kubeMarkMasqChain} -j MARK --or-mark ${mark}`,
    );
    return [...nat, ...natRules, 'COMMIT', ...filter, ...filterRules, 'COMMIT', ''].join('\n');
  }

  // ---- syncProxyRules ----------------------------------------------------------------------------------

  syncProxyRules(): IpvsSyncResult {
    const nodeIPs = this.nodeIPs();
    for (const nsn of this.dirty) {
      const keys = this.svcPortsByService.get(nsn) ?? [];
      if (keys.length === 0) {
        if (this.contributions.delete(nsn)) this.orderValid = false;
        continue;
      }
      if (!this.contributions.has(nsn)) this.orderValid = false;
      this.contributions.set(
        nsn,
        keys.map((k) => this.contribute(this.svcPortMap.get(k) as ServicePortInfo, nodeIPs)),
      );
    }
    this.dirty.clear();
    if (!this.orderValid) {
      this.order = [...this.contributions.keys()].sort();
      this.orderValid = true;
    }

    // Merge every service port's share, in service order.
    const vsByKey = new Map<string, VirtualServer>();
    const sets = new Map<string, Set<string>>(S.ipsetInfo.map((s) => [s.name, new Set<string>()]));
    const bind: string[] = [];
    const bound = new Set<string>();
    const outFilter: string[] = [];
    let totalEndpoints = 0;
    for (const nsn of this.order) {
      for (const c of this.contributions.get(nsn) ?? []) {
        totalEndpoints += c.endpoints;
        for (const vs of c.virtualServers) vsByKey.set(virtualServerKey(vs), vs);
        for (const [set, entry] of c.entries) sets.get(set)?.add(entry);
        for (const a of c.bind) {
          if (bound.has(a)) continue;
          bound.add(a);
          bind.push(a);
        }
        outFilter.push(...c.outFilter);
      }
    }
    for (const a of bind) sets.get(S.kubeIPVSSet)?.add(a);
    const restoreInput = this.restoreInput(sets, outFilter);

    // kube-ipvs0: addresses already bound stay where they are, new ones are appended.
    const prev = this.current;
    const addresses = prev.dummy.addresses.filter((a) => bound.has(a));
    const had = new Set(addresses);
    for (const a of bind) if (!had.has(a)) addresses.push(a);

    const references = new Map<string, number>();
    for (const m of restoreInput.matchAll(/--match-set (\S+)/g)) {
      const name = m[1] as string;
      references.set(name, (references.get(name) ?? 0) + 1);
    }
    const ipsets: IpsetList[] = S.ipsetInfo.map((s) => ({
      name: s.name,
      type: s.type,
      entries: [...(sets.get(s.name) ?? [])],
      references: references.get(s.name) ?? 0,
    }));
    const state: IpvsState = {
      virtualServers: [...vsByKey.values()],
      ipsets,
      dummy: { ...prev.dummy, addresses },
      restoreInput,
    };
    const diff = this.diff(prev, state);
    this.current = state;
    const added =
      diff.virtualServersAdded.length +
      diff.realServersAdded.length +
      diff.ipsetEntriesAdded.length +
      diff.addressesAdded.length +
      diff.rulesAdded.length;
    const removed =
      diff.virtualServersRemoved.length +
      diff.realServersRemoved.length +
      diff.ipsetEntriesRemoved.length +
      diff.addressesRemoved.length +
      diff.rulesRemoved.length;
    const changed = !this.syncedOnce || added + removed + diff.virtualServersUpdated.length > 0;
    this.syncedOnce = true;
    let realServers = 0;
    for (const vs of state.virtualServers) realServers += vs.realServers.length;
    let ipsetEntries = 0;
    for (const s of ipsets) ipsetEntries += s.entries.length;
    return { state, diff, changed, added, removed, realServers, ipsetEntries, totalEndpoints };
  }

  private diff(prev: IpvsState, next: IpvsState): IpvsDiff {
    const d = emptyDiff();
    const before = new Map(prev.virtualServers.map((vs) => [virtualServerKey(vs), vs]));
    const after = new Map(next.virtualServers.map((vs) => [virtualServerKey(vs), vs]));
    const rsKeys = (vs: VirtualServer | undefined) =>
      new Set((vs?.realServers ?? []).map((r) => `${r.address}:${r.port}`));
    for (const [k, vs] of after) {
      const old = before.get(k);
      if (!old) d.virtualServersAdded.push(k);
      else if (old.scheduler !== vs.scheduler || old.flags !== vs.flags || old.timeout !== vs.timeout)
        d.virtualServersUpdated.push(k);
      const was = rsKeys(old);
      for (const r of rsKeys(vs)) if (!was.has(r)) d.realServersAdded.push(`${k} -> ${r}`);
    }
    for (const [k, vs] of before) {
      if (!after.has(k)) d.virtualServersRemoved.push(k);
      const now = rsKeys(after.get(k));
      for (const r of rsKeys(vs)) if (!now.has(r)) d.realServersRemoved.push(`${k} -> ${r}`);
    }
    const prevSets = new Map(prev.ipsets.map((s) => [s.name, new Set(s.entries)]));
    for (const s of next.ipsets) {
      const was = prevSets.get(s.name) ?? new Set<string>();
      const now = new Set(s.entries);
      for (const e of s.entries) if (!was.has(e)) d.ipsetEntriesAdded.push({ set: s.name, entry: e });
      for (const e of was) if (!now.has(e)) d.ipsetEntriesRemoved.push({ set: s.name, entry: e });
    }
    const wasAddr = new Set(prev.dummy.addresses);
    const nowAddr = new Set(next.dummy.addresses);
    for (const a of next.dummy.addresses) if (!wasAddr.has(a)) d.addressesAdded.push(a);
    for (const a of prev.dummy.addresses) if (!nowAddr.has(a)) d.addressesRemoved.push(a);
    const ruleCounts = (text: string) => {
      const m = new Map<string, number>();
      let table: 'nat' | 'filter' = 'nat';
      for (const line of text.split('\n')) {
        if (line === '*nat') table = 'nat';
        else if (line === '*filter') table = 'filter';
        else if (line.startsWith('-A ')) {
          const k = `${table} ${line}`;
          m.set(k, (m.get(k) ?? 0) + 1);
        }
      }
      return m;
    };
    const rb = ruleCounts(prev.restoreInput);
    const ra = ruleCounts(next.restoreInput);
    for (const [k, n] of ra) {
      const table = k.startsWith('nat ') ? 'nat' : 'filter';
      const rule = k.slice(table.length + 1);
      for (let i = rb.get(k) ?? 0; i < n; i++) d.rulesAdded.push({ table, rule });
    }
    for (const [k, n] of rb) {
      const table = k.startsWith('nat ') ? 'nat' : 'filter';
      const rule = k.slice(table.length + 1);
      for (let i = ra.get(k) ?? 0; i < n; i++) d.rulesRemoved.push({ table, rule });
    }
    return d;
  }

  /** The kernel state after the last sync. */
  get state(): IpvsState {
    return this.current;
  }

  get serviceCount(): number {
    return this.svcPortMap.size;
  }
}

export interface IpvsClusterState {
  services: Service[];
  endpointSlices: EndpointSlice[];
  node: { name: string; ip?: string; labels?: Record<string, string> };
  config?: Partial<IpvsProxierConfig>;
}

/** An IPVS proxier loaded with a cluster's objects (not yet synced). */
export function ipvsProxierFor(state: IpvsClusterState): IpvsProxier {
  const p = new IpvsProxier({
    ...state.config,
    nodeName: state.node.name,
    nodeIP: state.node.ip ?? state.config?.nodeIP ?? '',
    zone: state.node.labels?.['topology.kubernetes.io/zone'] ?? state.config?.zone ?? '',
  });
  for (const s of state.services) p.onServiceUpdate(s);
  for (const s of state.endpointSlices) p.onEndpointSliceUpdate(s);
  return p;
}

/** What kube-proxy in IPVS mode on `node` puts in the kernel for these objects (one full sync). */
export function computeIpvsState(state: IpvsClusterState): IpvsState {
  return ipvsProxierFor(state).syncProxyRules().state;
}
