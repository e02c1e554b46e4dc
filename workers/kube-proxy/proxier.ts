/**
 * The iptables proxier (pkg/proxy/iptables/proxier.go) without the component around it: feed it
 * Services and EndpointSlices (onServiceUpdate, onEndpointSliceUpdate, …), call syncProxyRules,
 * and it returns the iptables-restore input kube-proxy would write, the complete ruleset that is
 * then in the kernel, and the diff against the previous sync.
 *
 * Output matches upstream's text rule for rule. Two things are deterministic here where upstream
 * is not: services are written in (namespace/name, port) order instead of Go map order, and a
 * service's endpoint chains are listed in `ip:port` order when upstream merges them through a map.
 *
 * Cost: every service port's rules are kept as a fragment; a sync rebuilds only the fragments of
 * services whose Service or endpoints changed (all of them when a global input such as
 * large-cluster mode flips), so an incremental sync is proportional to the change plus one string
 * join of the fragments.
 */

import { ChangeTracker } from './change-tracker.ts';
import { probability } from './format.ts';
import { isServiceChainName } from './hash.ts';
import {
  categorizeEndpoints,
  cidrContains,
  type EndpointInfo,
  type EndpointSlice,
  endpointChainName,
  endpointsForService,
  externallyAccessible,
  normalizeCIDR,
  normalizeIPv4,
  type Service,
  type ServicePortInfo,
  sameEndpoints,
  sameServicePort,
  servicePortInfos,
} from './types.ts';

export const kubeServicesChain = 'KUBE-SERVICES';
export const kubeExternalServicesChain = 'KUBE-EXTERNAL-SERVICES';
export const kubeNodePortsChain = 'KUBE-NODEPORTS';
export const kubePostroutingChain = 'KUBE-POSTROUTING';
export const kubeMarkMasqChain = 'KUBE-MARK-MASQ';
export const kubeForwardChain = 'KUBE-FORWARD';
export const kubeProxyFirewallChain = 'KUBE-PROXY-FIREWALL';
export const kubeProxyCanaryChain = 'KUBE-PROXY-CANARY';
export const kubeletFirewallChain = 'KUBE-FIREWALL';
export const largeClusterEndpointsThreshold = 1000;
/** proxyutil.FullSyncPeriod: a sync writes every chain at least this often. */
export const FULL_SYNC_PERIOD = 3_600_000;

export const IPTablesCTStateInvalidDroppedNFAcctCounter = 'ct_state_invalid_dropped_pkts';
export const LocalhostNodePortAcceptedNFAcctCounter = 'localhost_nps_accepted_pkts';

export interface ProxierConfig {
  /** The node kube-proxy runs on (endpoints with this nodeName are local). */
  nodeName: string;
  nodeIP: string;
  /** Local traffic detector (detectLocalMode ClusterCIDR): `! -s <clusterCIDR>`. Empty: none. */
  clusterCIDR: string;
  masqueradeAll: boolean;
  masqueradeBit: number;
  /** iptables.localhostNodePorts (default true): NodePorts also answer on 127.0.0.1. */
  localhostNodePorts: boolean;
  /** nodePortAddresses; empty means every local address (`-m addrtype --dst-type LOCAL`). */
  nodePortAddresses: string[];
  /** Whether the iptables binary supports MASQUERADE --random-fully (real nodes: yes). */
  randomFully: boolean;
  /** net.netfilter.nf_conntrack_tcp_be_liberal is set: no DROP rule for INVALID packets. */
  conntrackTCPLiberal: boolean;
  /** Whether the nfacct counters could be created (needs the kernel's nfnetlink_acct). */
  nfacct: boolean;
  /** The node's topology.kubernetes.io/zone label, for topology hints. */
  zone: string;
  /** iptables.syncPeriod: retry interval, canary check interval, large-cluster cleanup interval. */
  syncPeriod: number;
  /** iptables.minSyncPeriod: the least time between two syncs. */
  minSyncPeriod: number;
  /**
   * proxyutil.FullSyncPeriod (1 h): the most time between two syncs, and between two full syncs.
   * (Before the runner rework kube-proxy resynced every syncPeriod; set 30 000 to see that.)
   */
  fullSyncPeriod: number;
  /**
   * The mark string as written into rules. Unset: `fmt.Sprintf("%#08x", 1<<masqueradeBit)`, which
   * Go pads to eight digits (`0x00004000`); upstream's unit tests set `0x4000` directly.
   */
  masqueradeMark?: string;
}

export const DEFAULT_PROXIER_CONFIG: ProxierConfig = {
  nodeName: '',
  nodeIP: '',
  clusterCIDR: '10.244.0.0/16',
  masqueradeAll: false,
  masqueradeBit: 14,
  localhostNodePorts: true,
  nodePortAddresses: [],
  randomFully: true,
  conntrackTCPLiberal: false,
  nfacct: false,
  zone: '',
  syncPeriod: 30_000,
  minSyncPeriod: 1_000,
  fullSyncPeriod: FULL_SYNC_PERIOD,
};

/** One rule added or removed by a sync. */
export interface RuleChange {
  table: 'filter' | 'nat';
  chain: string;
  rule: string;
}

export interface SyncDiff {
  added: RuleChange[];
  removed: RuleChange[];
  chainsAdded: { table: 'filter' | 'nat'; chain: string }[];
  chainsRemoved: { table: 'filter' | 'nat'; chain: string }[];
  /**
   * `table/chain` → how many rules it gained and lost. In a summarised diff (`truncated`), service
   * chains are counted per kind: `nat/KUBE-SEP-*`, `nat/KUBE-SVC-*`, ….
   */
  perChain: Record<string, { added: number; removed: number }>;
  /**
   * Set when more than DIFF_DETAIL_MAX rules changed (the first sync of a large cluster):
   * `added`, `removed`, `chainsAdded` and `chainsRemoved` list only the first DIFF_DETAIL_MAX.
   */
  truncated?: boolean;
}

/** At most this many added (and removed) rules are listed one by one in a diff. */
export const DIFF_DETAIL_MAX = 10_000;

export interface SyncResult {
  /** Whether every chain was written (startup, hourly, or after a global change). */
  fullSync: boolean;
  /** Exactly what kube-proxy fed to `iptables-restore --noflush --counters` this sync. */
  restoreInput: string;
  /** Rule lines (-A) in the filter and nat tables after the sync. */
  rules: number;
  diff: SyncDiff;
  /** Service ports whose chains were rewritten. */
  updatedServices: string[];
  largeClusterMode: boolean;
  totalEndpoints: number;
}

/**
 * The rules of one service port, as text (each line ends in \n); the line arrays are not kept, to
 * keep a large cluster's memory (and garbage collection) down. `lines()` splits them when needed.
 */
interface Fragment {
  svc: ServicePortInfo;
  endpointCount: number;
  natChains: string[];
  /** Rule lines in filterText, natTopText and natText. */
  rules: number;
  filterText: string;
  natTopText: string;
  natChainsText: string;
  natText: string;
  /** natText's rules per kind of service chain (`nat/KUBE-SEP-*` → n), for summarised diffs. */
  natKinds: [string, number][];
}

/**
 * Text written as pieces and joined once: no string is made per rule. One array is reused for every
 * fragment (written by index, its length set once per text), so writing a fragment allocates only
 * the joined text.
 */
class Pieces {
  private a: string[] = [];
  private n = 0;

  put(s: string): void {
    this.a[this.n++] = s;
  }

  /** Drops anything written since the last take (a write that threw part-way). */
  reset(): void {
    this.n = 0;
  }

  /** The text written since the last take. */
  take(): string {
    if (this.n === 0) return '';
    const a = this.a;
    if (a.length !== this.n) a.length = this.n;
    this.n = 0;
    return a.join('');
  }
}

const scratch = new Pieces();

/**
 * The rules of a fragment's nat chains, written to `scratch` (joined once into natText), with the
 * rule count per kind of service chain (`nat/KUBE-SEP-*` → n), in the order the kinds first appear.
 * One instance is reused: an object made per fragment and dead by the next collection would let V8
 * drop its hidden class, and with it the optimised code of the writers.
 */
class NatWriter {
  rules = 0;
  kinds: [string, number][] = [];
  private lastKind = '';
  private last: [string, number] | undefined = undefined;

  reset(): void {
    this.rules = 0;
    this.kinds = [];
    this.lastKind = '';
    this.last = undefined;
  }

  /** Counts one rule of `kind` (the caller puts its text, ending in \n, in `scratch`). */
  rule(kind: string): void {
    this.rules++;
    if (kind !== this.lastKind) {
      this.lastKind = kind;
      this.last = undefined;
      for (const e of this.kinds) if (e[0] === kind) this.last = e;
      if (!this.last) this.kinds.push((this.last = [kind, 0]));
    }
    (this.last as [string, number])[1]++;
  }

  /** One whole rule line (without its \n) in a chain of `kind`. */
  line(kind: string, text: string): void {
    this.rule(kind);
    scratch.put(text);
    scratch.put('\n');
  }
}

const natWriter = new NatWriter();

const KIND_SEP = 'nat/KUBE-SEP-*';
const KIND_SVC = 'nat/KUBE-SVC-*';
const KIND_SVL = 'nat/KUBE-SVL-*';
const KIND_EXT = 'nat/KUBE-EXT-*';
const KIND_FW = 'nat/KUBE-FW-*';

/** The kind of a KUBE-SVC- or KUBE-SVL- chain. */
function policyKind(chain: string): string {
  return chain.charCodeAt(7) === 76 ? KIND_SVL : KIND_SVC; // KUBE-SV[L]
}

/** ` -m statistic --mode random --probability <p>` for the endpoint i of n, by n - i. */
const statisticArgs: string[] = [''];
function statisticArg(k: number): string {
  for (let i = statisticArgs.length; i <= k; i++)
    statisticArgs.push(` -m statistic --mode random --probability ${probability(i)}`);
  return statisticArgs[k] as string;
}

/** The perChain key of a chain: service chains are counted per kind in a summarised diff. */
function diffKey(summarise: boolean, table: string, chain: string): string {
  return summarise && isServiceChainName(chain)
    ? `${table}/${chain.slice(0, chain.indexOf('-', 5) + 1)}*`
    : `${table}/${chain}`;
}

/**
 * Records every line of `text` as added. Lines of one chain are consecutive, so the chain (and its
 * counter) is looked up only when it changes. (A module function, not a closure made per sync: V8
 * would compile a fresh closure's optimised code again on every sync.)
 */
function addedLines(diff: SyncDiff, text: string, table: 'filter' | 'nat', summarise: boolean): void {
  let prev = '';
  let entry = { added: 0, removed: 0 };
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (prev === '' || !text.startsWith(prev, at + 3) || text.charCodeAt(at + 3 + prev.length) !== 32) {
      const sp = text.indexOf(' ', at + 3);
      prev = text.slice(at + 3, sp < 0 || sp > end ? end : sp);
      const key = diffKey(summarise, table, prev);
      const e = diff.perChain[key];
      if (e) entry = e;
      else diff.perChain[key] = entry = { added: 0, removed: 0 };
    }
    entry.added++;
    if (diff.added.length < DIFF_DETAIL_MAX) diff.added.push({ table, chain: prev, rule: text.slice(at, end) });
    at = end + 1;
  }
}

/** Services in (namespace/name, port) order. */
function compareFragments(fa: Fragment, fb: Fragment): number {
  if (fa.svc.nsn !== fb.svc.nsn) return fa.svc.nsn < fb.svc.nsn ? -1 : 1;
  return fa.svc.index - fb.svc.index;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

function joinLines(lines: string[]): string {
  if (lines.length === 0) return '';
  // One join with an empty last element gives the trailing newline in a flat string (a template
  // literal around the join would make a two-part rope that every later scan flattens again).
  lines.push('');
  const text = lines.join('\n');
  lines.pop();
  return text;
}

function chainOf(rule: string): string {
  const end = rule.indexOf(' ', 3);
  return end < 0 ? rule.slice(3) : rule.slice(3, end);
}

function chainLine(chain: string): string {
  return `:${chain} - [0:0]`;
}

/** The kernel's view of a nat chain that is no longer used but not deleted yet (large clusters). */
interface Lingering {
  /** The service port key whose fragment wrote the chain (a chain name belongs to one key). */
  key: string;
  rules: string[];
}

export class Proxier extends ChangeTracker {
  readonly config: ProxierConfig;
  readonly masqueradeMark: string;
  /** Service ports by key. */
  private svcPortMap = new Map<string, ServicePortInfo>();
  private svcPortsByService = new Map<string, string[]>();
  /** Endpoints by service port key, and the keys each service has endpoints under. */
  private endpointsMap = new Map<string, EndpointInfo[]>();
  private endpointKeysByService = new Map<string, string[]>();
  private dirty = new Set<string>();
  private fragments = new Map<string, Fragment>();
  private fragmentKeysByService = new Map<string, string[]>();
  private order: string[] = [];
  private orderValid = true;
  private totalEndpoints = 0;
  private ruleCount = 0;
  private largeClusterMode = false;
  needFullSync = true;
  private lastFullSync = Number.NEGATIVE_INFINITY;
  private lastCleanup = Number.NEGATIVE_INFINITY;
  /** Stale chains still in the kernel (cleanup is skipped in large-cluster mode), with their rules. */
  private lingering = new Map<string, Lingering>();
  private globalFilterHead: string[] = [];
  private globalFilterTail: string[] = [];
  private globalNatHead: string[] = [];
  private globalNatTail: string[] = [];
  private filterChainNames: string[] = [];
  private syncedOnce = false;
  /** Simulated milliseconds, for the hourly full sync and large-cluster cleanup. */
  now: () => number = () => 0;

  constructor(config: Partial<ProxierConfig> = {}) {
    super();
    this.config = { ...DEFAULT_PROXIER_CONFIG, ...config };
    this.config.clusterCIDR = this.config.clusterCIDR ? normalizeCIDR(this.config.clusterCIDR) : '';
    // fmt.Sprintf("%#08x", 1<<bit): Go zero-pads the digits to the width, after the 0x.
    const v = (1 << this.config.masqueradeBit) >>> 0;
    this.masqueradeMark = this.config.masqueradeMark ?? `0x${v.toString(16).padStart(8, '0')}`;
    this.buildGlobalRules();
  }

  // ---- change tracking (ServiceChangeTracker, EndpointsChangeTracker) --------------------------

  /** OnTopologyChange: the node's zone label changed; every service is rewritten. */
  onTopologyChange(zone: string): boolean {
    if (zone === this.config.zone) return false;
    this.config.zone = zone;
    this.needFullSync = true;
    this.invalidateAll();
    return true;
  }

  protected refreshService(nsn: string): boolean {
    const svc = this.services.get(nsn);
    const infos = svc ? servicePortInfos(svc) : [];
    const oldKeys = this.svcPortsByService.get(nsn) ?? [];
    const newKeys = infos.map((i) => i.key);
    let changed = oldKeys.length !== newKeys.length || oldKeys.some((k, i) => k !== newKeys[i]);
    for (const k of oldKeys) {
      if (!newKeys.includes(k)) {
        this.svcPortMap.delete(k);
        this.orderValid = false;
      }
    }
    for (const info of infos) {
      const old = this.svcPortMap.get(info.key);
      if (!old || !sameServicePort(old, info)) changed = true;
      if (!old) this.orderValid = false;
      this.svcPortMap.set(info.key, info);
    }
    if (newKeys.length > 0) this.svcPortsByService.set(nsn, newKeys);
    else this.svcPortsByService.delete(nsn);
    if (changed) this.dirty.add(nsn);
    // Endpoints are kept per service port key; a new port may already have endpoints.
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

  private invalidateAll(): void {
    for (const nsn of this.svcPortsByService.keys()) this.dirty.add(nsn);
    for (const nsn of this.fragmentKeysByService.keys()) this.dirty.add(nsn);
  }

  // ---- rule generation -------------------------------------------------------------------------

  private buildGlobalRules(): void {
    const c = this.config;
    const mark = this.masqueradeMark;
    this.filterChainNames = [
      kubeServicesChain,
      kubeExternalServicesChain,
      kubeForwardChain,
      kubeNodePortsChain,
      kubeProxyFirewallChain,
    ];
    this.globalFilterHead = [];
    if (c.localhostNodePorts && this.localhostNodePortsEnabled()) {
      this.filterChainNames.push(kubeletFirewallChain);
      this.globalFilterHead.push(
        `-A ${kubeletFirewallChain} -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
      );
    }
    this.globalFilterTail = [];
    if (!c.conntrackTCPLiberal) {
      this.globalFilterTail.push(
        `-A ${kubeForwardChain} -m conntrack --ctstate INVALID${c.nfacct ? ` -m nfacct --nfacct-name ${IPTablesCTStateInvalidDroppedNFAcctCounter}` : ''} -j DROP`,
      );
    }
    this.globalFilterTail.push(
      `-A ${kubeForwardChain} -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
      `-A ${kubeForwardChain} -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    );
    this.globalNatHead = [
      `-A ${kubePostroutingChain} -m mark ! --mark ${mark}/${mark} -j RETURN`,
      `-A ${kubePostroutingChain} -j MARK --xor-mark ${mark}`,
      `-A ${kubePostroutingChain} -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${c.randomFully ? ' --random-fully' : ''}`,
      `-A ${kubeMarkMasqChain} -j MARK --or-mark ${mark}`,
    ];
    this.globalNatTail = [];
    const nodeports = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"';
    if (c.nodePortAddresses.length === 0) {
      const dest = c.localhostNodePorts
        ? '-m addrtype --dst-type LOCAL'
        : '-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8';
      this.globalNatTail.push(
        `-A ${kubeServicesChain} -m comment --comment ${nodeports} ${dest} -j ${kubeNodePortsChain}`,
      );
    } else {
      for (const ip of this.nodePortIPs()) {
        if (ip === '127.0.0.1' && !c.localhostNodePorts) continue;
        this.globalNatTail.push(
          `-A ${kubeServicesChain} -m comment --comment ${nodeports} -d ${ip} -j ${kubeNodePortsChain}`,
        );
      }
    }
  }

  /** NewProxier turns localhostNodePorts off when nodePortAddresses excludes 127.0.0.1. */
  private localhostNodePortsEnabled(): boolean {
    const a = this.config.nodePortAddresses;
    if (a.length === 0) return true;
    return a.some(
      (cidr) => cidr !== 'primary' && normalizeCIDR(cidr) !== '' && cidrContains(normalizeCIDR(cidr), '127.0.0.1'),
    );
  }

  /** The node addresses nodePortAddresses selects (this simulation knows the node IP and 127.0.0.1). */
  private nodePortIPs(): string[] {
    const out: string[] = [];
    for (const a of this.config.nodePortAddresses) {
      if (a === 'primary') {
        if (this.config.nodeIP && !out.includes(this.config.nodeIP)) out.push(this.config.nodeIP);
        continue;
      }
      const cidr = normalizeCIDR(a);
      if (!cidr) continue;
      for (const ip of ['127.0.0.1', normalizeIPv4(this.config.nodeIP)])
        if (ip && cidrContains(cidr, ip) && !out.includes(ip)) out.push(ip);
    }
    return out;
  }

  private localhostNodePorts(): boolean {
    return this.config.localhostNodePorts && this.localhostNodePortsEnabled();
  }

  /** The rules for one service port (the body of syncProxyRules' per-service loop). */
  private writeServicePort(svcInfo: ServicePortInfo, allEndpoints: EndpointInfo[]): Fragment {
    const c = this.config;
    const protocol = svcInfo.protocol;
    const nameString = svcInfo.nameString;
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } = categorizeEndpoints(
      allEndpoints,
      svcInfo,
      c.nodeName,
      c.zone,
    );
    const hasEndpoints = hasAnyEndpoints;
    const clusterPolicyChain = svcInfo.clusterPolicyChainName;
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpointsOf(svcInfo);
    const localPolicyChain = svcInfo.localPolicyChainName;
    const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpointsOf(svcInfo);

    let internalPolicyChain = clusterPolicyChain;
    let hasInternalEndpoints = hasEndpoints;
    if (svcInfo.internalPolicyLocal) {
      internalPolicyChain = localPolicyChain;
      if (localEndpoints.length === 0) hasInternalEndpoints = false;
    }
    const internalTrafficChain = internalPolicyChain;

    let externalPolicyChain = clusterPolicyChain;
    let hasExternalEndpoints = hasEndpoints;
    if (svcInfo.externalPolicyLocal) {
      externalPolicyChain = localPolicyChain;
      if (localEndpoints.length === 0) hasExternalEndpoints = false;
    }
    const externalTrafficChain = svcInfo.externalChainName;
    const usesExternalTrafficChain = hasEndpoints && externallyAccessible(svcInfo);

    let loadBalancerTrafficChain = externalTrafficChain;
    const fwChain = svcInfo.firewallChainName;
    const usesFWChain =
      hasEndpoints && svcInfo.loadBalancerVIPs.length > 0 && svcInfo.loadBalancerSourceRanges.length > 0;
    if (usesFWChain) loadBalancerTrafficChain = fwChain;

    let internalTrafficFilterTarget = '';
    let internalTrafficFilterComment = '';
    let externalTrafficFilterTarget = '';
    let externalTrafficFilterComment = '';
    if (!hasEndpoints) {
      internalTrafficFilterTarget = 'REJECT';
      internalTrafficFilterComment = `"${nameString} has no endpoints"`;
      externalTrafficFilterTarget = 'REJECT';
      externalTrafficFilterComment = internalTrafficFilterComment;
    } else {
      if (!hasInternalEndpoints) {
        internalTrafficFilterTarget = 'DROP';
        internalTrafficFilterComment = `"${nameString} has no local endpoints"`;
      }
      if (!hasExternalEndpoints) {
        externalTrafficFilterTarget = 'DROP';
        externalTrafficFilterComment = `"${nameString} has no local endpoints"`;
      }
    }

    const filter: string[] = [];
    const natTop: string[] = [];
    const natChains: string[] = [];
    const port = String(svcInfo.port);
    const proto = `-m ${protocol} -p ${protocol}`;

    // Capture the clusterIP.
    if (hasInternalEndpoints) {
      natTop.push(
        `-A ${kubeServicesChain} -m comment --comment "${nameString} cluster IP" ${proto} -d ${svcInfo.clusterIP} --dport ${port} -j ${internalTrafficChain}`,
      );
    } else {
      filter.push(
        `-A ${kubeServicesChain} -m comment --comment ${internalTrafficFilterComment} ${proto} -d ${svcInfo.clusterIP} --dport ${port} -j ${internalTrafficFilterTarget}`,
      );
    }

    // Capture externalIPs.
    for (const externalIP of svcInfo.externalIPs) {
      if (hasEndpoints) {
        natTop.push(
          `-A ${kubeServicesChain} -m comment --comment "${nameString} external IP" ${proto} -d ${externalIP} --dport ${port} -j ${externalTrafficChain}`,
        );
      }
      if (!hasExternalEndpoints) {
        filter.push(
          `-A ${kubeExternalServicesChain} -m comment --comment ${externalTrafficFilterComment} ${proto} -d ${externalIP} --dport ${port} -j ${externalTrafficFilterTarget}`,
        );
      }
    }

    // Capture load-balancer ingress.
    for (const lbip of svcInfo.loadBalancerVIPs) {
      if (hasEndpoints) {
        natTop.push(
          `-A ${kubeServicesChain} -m comment --comment "${nameString} loadbalancer IP" ${proto} -d ${lbip} --dport ${port} -j ${loadBalancerTrafficChain}`,
        );
      }
      if (usesFWChain) {
        filter.push(
          `-A ${kubeProxyFirewallChain} -m comment --comment "${nameString} traffic not accepted by ${svcInfo.firewallChainName}" ${proto} -d ${lbip} --dport ${port} -j DROP`,
        );
      }
    }
    if (!hasExternalEndpoints) {
      for (const lbip of svcInfo.loadBalancerVIPs) {
        filter.push(
          `-A ${kubeExternalServicesChain} -m comment --comment ${externalTrafficFilterComment} ${proto} -d ${lbip} --dport ${port} -j ${externalTrafficFilterTarget}`,
        );
      }
    }

    // Capture nodeports.
    if (svcInfo.nodePort !== 0) {
      const np = String(svcInfo.nodePort);
      if (hasEndpoints) {
        if (this.localhostNodePorts() && c.nfacct) {
          natTop.push(
            `-A ${kubeNodePortsChain} -m comment --comment ${nameString} ${proto} -d 127.0.0.0/8 --dport ${np} -m nfacct --nfacct-name ${LocalhostNodePortAcceptedNFAcctCounter} -j ${externalTrafficChain}`,
          );
        }
        natTop.push(
          `-A ${kubeNodePortsChain} -m comment --comment ${nameString} ${proto} --dport ${np} -j ${externalTrafficChain}`,
        );
      }
      if (!hasExternalEndpoints) {
        filter.push(
          `-A ${kubeExternalServicesChain} -m comment --comment ${externalTrafficFilterComment} -m addrtype --dst-type LOCAL ${proto} --dport ${np} -j ${externalTrafficFilterTarget}`,
        );
      }
    }

    // Capture healthCheckNodePorts.
    if (svcInfo.healthCheckNodePort !== 0) {
      filter.push(
        `-A ${kubeNodePortsChain} -m comment --comment "${nameString} health check node port" -m tcp -p tcp --dport ${svcInfo.healthCheckNodePort} -j ACCEPT`,
      );
    }

    // Set up internal traffic handling.
    const nat = natWriter;
    nat.reset();
    scratch.reset();
    if (hasInternalEndpoints) {
      const args = `-m comment --comment "${nameString} cluster IP" ${proto} -d ${svcInfo.clusterIP} --dport ${port}`;
      const kind = policyKind(internalTrafficChain);
      if (c.masqueradeAll) nat.line(kind, `-A ${internalTrafficChain} ${args} -j ${kubeMarkMasqChain}`);
      else if (c.clusterCIDR)
        nat.line(kind, `-A ${internalTrafficChain} ${args} ! -s ${c.clusterCIDR} -j ${kubeMarkMasqChain}`);
    }

    // Set up external traffic handling.
    if (usesExternalTrafficChain) {
      natChains.push(externalTrafficChain);
      if (!svcInfo.externalPolicyLocal) {
        nat.line(
          KIND_EXT,
          `-A ${externalTrafficChain} -m comment --comment "masquerade traffic for ${nameString} external destinations" -j ${kubeMarkMasqChain}`,
        );
      } else {
        if (c.clusterCIDR) {
          nat.line(
            KIND_EXT,
            `-A ${externalTrafficChain} -m comment --comment "pod traffic for ${nameString} external destinations" -s ${c.clusterCIDR} -j ${clusterPolicyChain}`,
          );
        }
        nat.line(
          KIND_EXT,
          `-A ${externalTrafficChain} -m comment --comment "masquerade LOCAL traffic for ${nameString} external destinations" -m addrtype --src-type LOCAL -j ${kubeMarkMasqChain}`,
        );
        nat.line(
          KIND_EXT,
          `-A ${externalTrafficChain} -m comment --comment "route LOCAL traffic for ${nameString} external destinations" -m addrtype --src-type LOCAL -j ${clusterPolicyChain}`,
        );
      }
      if (hasExternalEndpoints) nat.line(KIND_EXT, `-A ${externalTrafficChain} -j ${externalPolicyChain}`);
    }

    // Set up the firewall chain.
    if (usesFWChain) {
      natChains.push(fwChain);
      const head = `-A ${fwChain} -m comment --comment "${nameString} loadbalancer IP"`;
      let allowFromNode = false;
      for (const cidr of svcInfo.loadBalancerSourceRanges) {
        nat.line(KIND_FW, `${head} -s ${cidr} -j ${externalTrafficChain}`);
        if (c.nodeIP && cidrContains(cidr, c.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode)
        for (const lbip of svcInfo.loadBalancerVIPs) nat.line(KIND_FW, `${head} -s ${lbip} -j ${externalTrafficChain}`);
      nat.line(
        KIND_FW,
        `-A ${fwChain} -m comment --comment "other traffic to ${nameString} will be dropped by KUBE-PROXY-FIREWALL"`,
      );
    }

    if (usesClusterPolicyChain) {
      natChains.push(clusterPolicyChain);
      this.writeServiceToEndpointRules(nat, svcInfo, clusterPolicyChain, clusterEndpoints);
    }
    if (usesLocalPolicyChain) {
      natChains.push(localPolicyChain);
      this.writeServiceToEndpointRules(nat, svcInfo, localPolicyChain, localEndpoints);
    }

    // Generate the per-endpoint chains: two rules each, written as pieces around the chain name.
    const comment = this.largeClusterMode ? '' : ` -m comment --comment ${nameString}`;
    const affinity = svcInfo.stickyMaxAgeSeconds > 0;
    const masqTail = ` -j ${kubeMarkMasqChain}\n`;
    const dnatMid = ` ${proto} -j DNAT --to-destination `;
    const out = scratch;
    for (const ep of allReachableEndpoints) {
      const endpointChain = endpointChainName(svcInfo, ep);
      natChains.push(endpointChain);
      nat.rule(KIND_SEP);
      nat.rule(KIND_SEP);
      out.put('-A ');
      out.put(endpointChain);
      if (comment) out.put(comment);
      out.put(' -s ');
      out.put(ep.ip);
      out.put(masqTail);
      out.put('-A ');
      out.put(endpointChain);
      if (comment) out.put(comment);
      if (affinity) {
        out.put(' -m recent --name ');
        out.put(endpointChain);
        out.put(' --set');
      }
      out.put(dnatMid);
      out.put(ep.endpoint);
      out.put('\n');
    }
    const natText = out.take();
    for (const ch of natChains) {
      out.put(':');
      out.put(ch);
      out.put(' - [0:0]\n');
    }
    const natChainsText = out.take();
    return {
      svc: svcInfo,
      endpointCount: allEndpoints.length,
      natChains,
      rules: filter.length + natTop.length + nat.rules,
      filterText: joinLines(filter),
      natTopText: joinLines(natTop),
      natChainsText,
      natText,
      natKinds: nat.kinds,
    };
  }

  /** writeServiceToEndpointRules: affinity rules, then the probability cascade. */
  private writeServiceToEndpointRules(
    nat: NatWriter,
    svcInfo: ServicePortInfo,
    svcChain: string,
    endpoints: EndpointInfo[],
  ): void {
    const large = this.largeClusterMode;
    const kind = policyKind(svcChain);
    const head = `-A ${svcChain}`;
    if (svcInfo.stickyMaxAgeSeconds > 0) {
      for (const ep of endpoints) {
        const sep = endpointChainName(svcInfo, ep);
        const comment = large ? '' : ` -m comment --comment "${svcInfo.nameString} -> ${ep.endpoint}"`;
        nat.line(
          kind,
          `${head}${comment} -m recent --name ${sep} --rcheck --seconds ${svcInfo.stickyMaxAgeSeconds} --reap -j ${sep}`,
        );
      }
    }
    const n = endpoints.length;
    const out = scratch;
    for (let i = 0; i < n; i++) {
      const ep = endpoints[i] as EndpointInfo;
      nat.rule(kind);
      out.put(head);
      if (!large) {
        out.put(' -m comment --comment "');
        out.put(svcInfo.nameString);
        out.put(' -> ');
        out.put(ep.endpoint);
        out.put('"');
      }
      if (i < n - 1) out.put(statisticArg(n - i));
      out.put(' -j ');
      out.put(endpointChainName(svcInfo, ep));
      out.put('\n');
    }
  }

  // ---- syncProxyRules ----------------------------------------------------------------------------

  /**
   * syncProxyRules: rebuilds what changed and returns the restore input. `forceFull` is
   * forceSyncProxyRules (the canary monitor found the rules flushed).
   */
  syncProxyRules(opts: { forceFull?: boolean } = {}): SyncResult {
    const now = this.now();
    if (opts.forceFull) this.needFullSync = true;
    const doFullSync = this.needFullSync || now - this.lastFullSync >= this.config.fullSyncPeriod;

    // totalEndpoints across all service ports, updated by the services that changed; crossing the
    // large-cluster threshold changes every service's rules (comments come and go).
    let total = this.totalEndpoints;
    for (const nsn of this.dirty) {
      for (const key of this.fragmentKeysByService.get(nsn) ?? []) total -= this.fragments.get(key)?.endpointCount ?? 0;
      for (const key of this.svcPortsByService.get(nsn) ?? []) total += this.endpointsMap.get(key)?.length ?? 0;
    }
    const large = total > largeClusterEndpointsThreshold;
    if (large !== this.largeClusterMode) {
      this.largeClusterMode = large;
      this.invalidateAll();
    }

    const updated = new Set<string>();
    const oldFragments: Fragment[] = [];
    const newFragments: Fragment[] = [];
    const release = (f: Fragment) => {
      this.ruleCount -= f.rules;
      this.totalEndpoints -= f.endpointCount;
    };
    const acquire = (f: Fragment) => {
      this.ruleCount += f.rules;
      this.totalEndpoints += f.endpointCount;
    };
    for (const nsn of this.dirty) {
      const keys = this.svcPortsByService.get(nsn) ?? [];
      for (const key of this.fragmentKeysByService.get(nsn) ?? []) {
        if (keys.includes(key)) continue;
        // A port that went away (or the whole service).
        const f = this.fragments.get(key) as Fragment;
        oldFragments.push(f);
        release(f);
        this.fragments.delete(key);
        this.orderValid = false;
        updated.add(key);
      }
      for (const key of keys) {
        const svc = this.svcPortMap.get(key) as ServicePortInfo;
        const f = this.writeServicePort(svc, this.endpointsMap.get(key) ?? []);
        const old = this.fragments.get(key);
        if (old) {
          oldFragments.push(old);
          release(old);
        } else this.orderValid = false;
        newFragments.push(f);
        acquire(f);
        this.fragments.set(key, f);
        updated.add(key);
      }
      if (keys.length > 0) this.fragmentKeysByService.set(nsn, [...keys]);
      else this.fragmentKeysByService.delete(nsn);
    }
    this.dirty.clear();
    if (!this.orderValid) {
      this.order = [...this.fragments.values()].sort(compareFragments).map((f) => f.svc.key);
      this.orderValid = true;
    }

    // Chains the old fragments used that no fragment uses now are stale; they stay in the kernel
    // (with their rules) until a cleanup deletes them, which large-cluster mode does at most every
    // syncPeriod.
    // Every chain name is derived from its service port's name, so a chain is in use exactly when
    // the current fragment of that service port lists it (no reference counts to keep).
    const inUseByKey = new Map<string, Set<string>>();
    const inUse = (key: string, ch: string): boolean => {
      let set = inUseByKey.get(key);
      if (!set) inUseByKey.set(key, (set = new Set(this.fragments.get(key)?.natChains)));
      return set.has(ch);
    };
    for (const f of oldFragments) {
      let byChain: Map<string, string[]> | undefined;
      for (const ch of f.natChains) {
        if (this.lingering.has(ch) || inUse(f.svc.key, ch)) continue;
        if (!byChain) {
          byChain = new Map();
          for (const line of lines(f.natText)) {
            const c = chainOf(line);
            const l = byChain.get(c);
            if (l) l.push(line);
            else byChain.set(c, [line]);
          }
        }
        this.lingering.set(ch, { key: f.svc.key, rules: byChain.get(ch) ?? [] });
      }
    }
    for (const [ch, l] of [...this.lingering]) if (inUse(l.key, ch)) this.lingering.delete(ch);
    const deleted: string[] = [];
    if (!this.largeClusterMode || now - this.lastCleanup > this.config.syncPeriod) {
      deleted.push(...[...this.lingering.keys()].filter(isServiceChainName).sort());
      for (const ch of deleted) this.lingering.delete(ch);
      this.lastCleanup = now;
    }

    // The restore input.
    const parts: string[] = ['*filter\n'];
    for (const ch of this.filterChainNames) parts.push(`${chainLine(ch)}\n`);
    parts.push(joinLines(this.globalFilterHead));
    for (const key of this.order) parts.push((this.fragments.get(key) as Fragment).filterText);
    parts.push(joinLines(this.globalFilterTail));
    parts.push('COMMIT\n*nat\n');
    for (const ch of [kubeServicesChain, kubeNodePortsChain, kubePostroutingChain, kubeMarkMasqChain])
      parts.push(`${chainLine(ch)}\n`);
    for (const key of this.order) {
      if (doFullSync || updated.has(key)) parts.push((this.fragments.get(key) as Fragment).natChainsText);
    }
    for (const ch of deleted) parts.push(`${chainLine(ch)}\n`);
    parts.push(joinLines(this.globalNatHead));
    for (const key of this.order) {
      const f = this.fragments.get(key) as Fragment;
      parts.push(f.natTopText);
      if (doFullSync || updated.has(key)) parts.push(f.natText);
    }
    for (const ch of deleted) parts.push(`-X ${ch}\n`);
    parts.push(joinLines(this.globalNatTail));
    parts.push('COMMIT\n');
    const restoreInput = parts.join('');

    const diff = this.computeDiff(oldFragments, newFragments);
    let rules = this.ruleCount + this.globalFilterHead.length + this.globalFilterTail.length;
    rules += this.globalNatHead.length + this.globalNatTail.length;
    for (const l of this.lingering.values()) rules += l.rules.length;

    if (doFullSync) this.lastFullSync = now;
    this.needFullSync = false;
    this.syncedOnce = true;
    const names = new Map<string, string>();
    for (const f of [...oldFragments, ...newFragments]) names.set(f.svc.key, f.svc.nameString);
    return {
      fullSync: doFullSync,
      restoreInput,
      rules,
      diff,
      updatedServices: [...updated].map((k) => names.get(k) ?? k),
      largeClusterMode: this.largeClusterMode,
      totalEndpoints: this.totalEndpoints,
    };
  }

  private computeDiff(olds: Fragment[], news: Fragment[]): SyncDiff {
    const diff: SyncDiff = { added: [], removed: [], chainsAdded: [], chainsRemoved: [], perChain: {} };
    let size = 0;
    for (const f of news) size += f.rules;
    for (const f of olds) size += f.rules;
    if (!this.syncedOnce) size += this.globalFilterHead.length + this.globalNatHead.length;
    // A huge change (the first sync of a large cluster) is summarised: per top-level chain, and per
    // kind of service chain (`nat/KUBE-SEP-*`), with the first DIFF_DETAIL_MAX rules listed.
    const summarise = size > DIFF_DETAIL_MAX;
    const keyOf = (table: string, chain: string) => diffKey(summarise, table, chain);
    if (summarise) diff.truncated = true;
    const record = (table: 'filter' | 'nat', rule: string, d: 1 | -1, chainHint?: string) => {
      const chain = chainHint ?? chainOf(rule);
      const e = (diff.perChain[keyOf(table, chain)] ??= { added: 0, removed: 0 });
      const list = d > 0 ? diff.added : diff.removed;
      if (d > 0) e.added++;
      else e.removed++;
      if (list.length < DIFF_DETAIL_MAX) list.push({ table, chain, rule });
    };

    if (olds.length === 0) {
      // Nothing replaced (the first sync, new services): every new line is an addition. Lines of
      // one chain are consecutive, so the chain (and its counter) is looked up only when it changes.
      const push = (text: string, table: 'filter' | 'nat') => addedLines(diff, text, table, summarise);
      if (!this.syncedOnce) {
        push(joinLines([...this.globalFilterHead, ...this.globalFilterTail]), 'filter');
        push(joinLines([...this.globalNatHead, ...this.globalNatTail]), 'nat');
      }
      for (const f of news) {
        push(f.filterText, 'filter');
        push(f.natTopText, 'nat');
        if (summarise && diff.added.length >= DIFF_DETAIL_MAX) {
          // Past the listed rules only the per-kind counts matter: no need to read the text.
          for (const [k, n] of f.natKinds) (diff.perChain[k] ??= { added: 0, removed: 0 }).added += n;
        } else push(f.natText, 'nat');
      }
    } else {
      const counts = new Map<string, number>();
      const add = (text: string, table: 'filter' | 'nat', d: number) => {
        for (const l of lines(text)) {
          const k = `${table === 'filter' ? 'f' : 'n'}${l}`;
          counts.set(k, (counts.get(k) ?? 0) + d);
        }
      };
      for (const f of olds) {
        add(f.filterText, 'filter', -1);
        add(f.natTopText, 'nat', -1);
        add(f.natText, 'nat', -1);
      }
      for (const f of news) {
        add(f.filterText, 'filter', 1);
        add(f.natTopText, 'nat', 1);
        add(f.natText, 'nat', 1);
      }
      for (const [k, n] of counts) {
        if (n === 0) continue;
        const table = k[0] === 'f' ? 'filter' : 'nat';
        const rule = k.slice(1);
        for (let i = 0; i < Math.abs(n); i++) record(table, rule, n > 0 ? 1 : -1);
      }
    }

    // Chain declarations. With nothing replaced every new chain is added (a fragment's chains are
    // distinct, and chains of different service ports have different names).
    if (olds.length === 0) {
      for (const f of news)
        for (const ch of f.natChains) {
          if (diff.chainsAdded.length >= DIFF_DETAIL_MAX) break;
          diff.chainsAdded.push({ table: 'nat', chain: ch });
        }
    }
    const before = new Set<string>();
    const after = new Set<string>();
    if (olds.length > 0) {
      for (const f of olds) for (const ch of f.natChains) before.add(ch);
      for (const f of news) for (const ch of f.natChains) after.add(ch);
    }
    for (const ch of after)
      if (!before.has(ch) && diff.chainsAdded.length < DIFF_DETAIL_MAX)
        diff.chainsAdded.push({ table: 'nat', chain: ch });
    for (const ch of before)
      if (!after.has(ch) && diff.chainsRemoved.length < DIFF_DETAIL_MAX)
        diff.chainsRemoved.push({ table: 'nat', chain: ch });
    if (!this.syncedOnce) {
      for (const ch of this.filterChainNames) diff.chainsAdded.push({ table: 'filter', chain: ch });
      for (const ch of [kubeServicesChain, kubeNodePortsChain, kubePostroutingChain, kubeMarkMasqChain])
        diff.chainsAdded.push({ table: 'nat', chain: ch });
    }
    return diff;
  }

  // ---- views ---------------------------------------------------------------------------------------

  /**
   * The complete ruleset kube-proxy has in the kernel: what a full sync writes, plus any chains
   * that linger undeleted (large-cluster mode cleans up at most every 30 s).
   */
  currentRules(): string {
    const parts: string[] = ['*filter\n'];
    for (const ch of this.filterChainNames) parts.push(`${chainLine(ch)}\n`);
    parts.push(joinLines(this.globalFilterHead));
    for (const key of this.order) parts.push((this.fragments.get(key) as Fragment).filterText);
    parts.push(joinLines(this.globalFilterTail));
    parts.push('COMMIT\n*nat\n');
    for (const ch of [kubeServicesChain, kubeNodePortsChain, kubePostroutingChain, kubeMarkMasqChain])
      parts.push(`${chainLine(ch)}\n`);
    for (const key of this.order) parts.push((this.fragments.get(key) as Fragment).natChainsText);
    for (const ch of this.lingering.keys()) parts.push(`${chainLine(ch)}\n`);
    parts.push(joinLines(this.globalNatHead));
    for (const key of this.order) {
      const f = this.fragments.get(key) as Fragment;
      parts.push(f.natTopText, f.natText);
    }
    for (const l of this.lingering.values()) parts.push(joinLines(l.rules));
    parts.push(joinLines(this.globalNatTail));
    parts.push('COMMIT\n');
    return parts.join('');
  }

  get serviceCount(): number {
    return this.svcPortMap.size;
  }

  get endpointCount(): number {
    return this.totalEndpoints;
  }
}

function usesClusterEndpointsOf(s: ServicePortInfo): boolean {
  return !s.internalPolicyLocal || (externallyAccessible(s) && !s.externalPolicyLocal);
}

function usesLocalEndpointsOf(s: ServicePortInfo): boolean {
  return s.internalPolicyLocal || (externallyAccessible(s) && s.externalPolicyLocal);
}

export interface ClusterState {
  services: Service[];
  endpointSlices: EndpointSlice[];
  node: { name: string; ip?: string; labels?: Record<string, string> };
  config?: Partial<ProxierConfig>;
}

/**
 * The complete iptables-restore input kube-proxy on `node` writes for these Services and
 * EndpointSlices (a full sync): the proxier's logic without the component, for the headless
 * runner, the UI and the tests.
 */
export function computeIptablesRestore(state: ClusterState): string {
  return proxierFor(state).syncProxyRules().restoreInput;
}

/** A proxier loaded with a cluster's objects (not yet synced). */
export function proxierFor(state: ClusterState): Proxier {
  const p = new Proxier({
    ...state.config,
    nodeName: state.node.name,
    nodeIP: state.node.ip ?? state.config?.nodeIP ?? '',
    zone: state.node.labels?.['topology.kubernetes.io/zone'] ?? state.config?.zone ?? '',
  });
  for (const s of state.services) p.onServiceUpdate(s);
  for (const s of state.endpointSlices) p.onEndpointSliceUpdate(s);
  return p;
}
