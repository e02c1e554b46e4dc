/**
 * The ipsets kube-proxy's IPVS mode keeps (pkg/proxy/ipvs/ipset.go: names, types and comments in
 * ipsetInfo order), the entry text `ipset add` gets (pkg/proxy/ipvs/ipset/ipset.go Entry.String),
 * and what `ipset list` prints for them (ipset's lib/session.c list_create / list_adt).
 *
 * The printed header is the one of the kube-proxy image (ipset v7.17) on a kernel ≥ 6.1: each set
 * type at the newest revision both support (hash:ip,port 7, hash:ip,port,ip 6, hash:ip,port,net 8,
 * hash:ip 6, bitmap:port 3), hash sets with `family inet hashsize 1024 maxelem 65536 bucketsize 12
 * initval 0x…` (kube-proxy creates them with the defaults: hashsize 1024, maxelem 65536), bitmap
 * sets with `range 0-65535`. Three things the kernel decides are made deterministic here: the
 * initval (the kernel draws it at random; here a hash of node and set name), the member order of
 * hash sets (bucket order in the kernel; here sorted by address, protocol and port) and the order
 * of the sets (creation order, which follows Go map order in kube-proxy; here ipsetInfo's order).
 * "Size in memory" is an estimate (see memsize).
 */

export type IpsetType = 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port' | 'hash:ip';

export interface IpsetInfo {
  name: string;
  type: IpsetType;
  comment: string;
}

export const kubeLoopBackIPSet = 'KUBE-LOOP-BACK';
export const kubeClusterIPSet = 'KUBE-CLUSTER-IP';
export const kubeExternalIPSet = 'KUBE-EXTERNAL-IP';
export const kubeExternalIPLocalSet = 'KUBE-EXTERNAL-IP-LOCAL';
export const kubeLoadBalancerSet = 'KUBE-LOAD-BALANCER';
export const kubeLoadBalancerFWSet = 'KUBE-LOAD-BALANCER-FW';
export const kubeLoadBalancerLocalSet = 'KUBE-LOAD-BALANCER-LOCAL';
export const kubeLoadBalancerSourceIPSet = 'KUBE-LOAD-BALANCER-SOURCE-IP';
export const kubeLoadBalancerSourceCIDRSet = 'KUBE-LOAD-BALANCER-SOURCE-CIDR';
export const kubeNodePortSetTCP = 'KUBE-NODE-PORT-TCP';
export const kubeNodePortLocalSetTCP = 'KUBE-NODE-PORT-LOCAL-TCP';
export const kubeNodePortSetUDP = 'KUBE-NODE-PORT-UDP';
export const kubeNodePortLocalSetUDP = 'KUBE-NODE-PORT-LOCAL-UDP';
export const kubeNodePortSetSCTP = 'KUBE-NODE-PORT-SCTP-HASH';
export const kubeNodePortLocalSetSCTP = 'KUBE-NODE-PORT-LOCAL-SCTP-HASH';
export const kubeHealthCheckNodePortSet = 'KUBE-HEALTH-CHECK-NODE-PORT';
export const kubeIPVSSet = 'KUBE-IPVS-IPS';

/** ipsetInfo (proxier.go): every set the IPVS proxier creates, in declaration order. */
export const ipsetInfo: readonly IpsetInfo[] = [
  {
    name: kubeLoopBackIPSet,
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose',
  },
  {
    name: kubeClusterIPSet,
    type: 'hash:ip,port',
    comment: 'Kubernetes service cluster ip + port for masquerade purpose',
  },
  {
    name: kubeExternalIPSet,
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port for masquerade and filter purpose',
  },
  {
    name: kubeExternalIPLocalSet,
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local',
  },
  { name: kubeLoadBalancerSet, type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  {
    name: kubeLoadBalancerFWSet,
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port for load balancer with sourceRange',
  },
  {
    name: kubeLoadBalancerLocalSet,
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local',
  },
  {
    name: kubeLoadBalancerSourceIPSet,
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes service load balancer ip + port + source IP for packet filter purpose',
  },
  {
    name: kubeLoadBalancerSourceCIDRSet,
    type: 'hash:ip,port,net',
    comment: 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose',
  },
  { name: kubeNodePortSetTCP, type: 'bitmap:port', comment: 'Kubernetes nodeport TCP port for masquerade purpose' },
  {
    name: kubeNodePortLocalSetTCP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local',
  },
  { name: kubeNodePortSetUDP, type: 'bitmap:port', comment: 'Kubernetes nodeport UDP port for masquerade purpose' },
  {
    name: kubeNodePortLocalSetUDP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local',
  },
  {
    name: kubeNodePortSetSCTP,
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
  },
  {
    name: kubeNodePortLocalSetSCTP,
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
  },
  { name: kubeHealthCheckNodePortSet, type: 'bitmap:port', comment: 'Kubernetes health check node port' },
  { name: kubeIPVSSet, type: 'hash:ip', comment: 'Addresses on the ipvs interface' },
];

export const ipsetByName: ReadonlyMap<string, IpsetInfo> = new Map(ipsetInfo.map((s) => [s.name, s]));

/** The revision `ipset list` shows: the newest both ipset v7.17 and a 6.x kernel know. */
export const IPSET_REVISION: Record<IpsetType, number> = {
  'hash:ip,port': 7,
  'hash:ip,port,ip': 6,
  'hash:ip,port,net': 8,
  'hash:ip': 6,
  'bitmap:port': 3,
};

// ---- entries (utilipset.Entry.String) ---------------------------------------------------------------

/** hash:ip,port: `192.168.1.1,udp:53`. */
export function ipPortEntry(ip: string, protocol: string, port: number): string {
  return `${ip},${protocol}:${port}`;
}

/** hash:ip,port,ip: `10.244.1.5,tcp:80,10.244.1.5`. */
export function ipPortIPEntry(ip: string, protocol: string, port: number, ip2: string): string {
  return `${ip},${protocol}:${port},${ip2}`;
}

/** hash:ip,port,net: `192.168.1.2,tcp:80,10.0.1.0/24`. */
export function ipPortNetEntry(ip: string, protocol: string, port: number, net: string): string {
  return `${ip},${protocol}:${port},${net}`;
}

// ---- `ipset list` -------------------------------------------------------------------------------------

/** One set as the kernel holds it. */
export interface IpsetList {
  name: string;
  type: IpsetType;
  entries: string[];
  /** iptables rules that reference the set (`-m set --match-set NAME`). */
  references: number;
}

const PROTO_NUM: Record<string, number> = { tcp: 6, udp: 17, sctp: 132 };

function ipNum(s: string): number {
  const p = s.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** Deterministic member order for hash sets: by address, protocol, port, then the rest. */
export function compareEntries(a: string, b: string): number {
  const pa = a.split(',');
  const pb = b.split(',');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const cx = x.indexOf(':');
    const cy = y.indexOf(':');
    if (cx > 0 && cy > 0) {
      const d = (PROTO_NUM[x.slice(0, cx)] ?? 0) - (PROTO_NUM[y.slice(0, cy)] ?? 0);
      if (d !== 0) return d;
      return Number(x.slice(cx + 1)) - Number(y.slice(cy + 1));
    }
    const [ax, bx] = [x.split('/')[0] ?? '', y.split('/')[0] ?? ''];
    const d = ipNum(ax) - ipNum(bx);
    if (d !== 0) return d;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** FNV-1a over a string: the simulated kernel's "random" initval for a set. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * "Size in memory": for bitmap:port with range 0-65535 the kernel reports 8268 bytes whatever the
 * entries (the bitmap is allocated whole). For hash sets the kernel counts its table and the
 * buckets it allocated, which depends on how entries hash; this estimate grows by a bucket of two
 * elements per two entries over a fixed table header.
 */
export function memsize(type: IpsetType, entries: number): number {
  if (type === 'bitmap:port') return 8268;
  const elem = type === 'hash:ip' ? 4 : type === 'hash:ip,port' ? 8 : 12;
  return 200 + Math.ceil(entries / 2) * (16 + 2 * elem);
}

/**
 * What `ipset list` prints for these sets (plain mode): each set's header, then its members; a
 * blank line between sets. `node` seeds the initval.
 */
export function ipsetListText(sets: IpsetList[], node = ''): string {
  const parts: string[] = [];
  sets.forEach((s, i) => {
    const header =
      s.type === 'bitmap:port'
        ? 'range 0-65535'
        : `family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x${fnv1a(`${node}/${s.name}`)
            .toString(16)
            .padStart(8, '0')}`;
    const members =
      s.type === 'bitmap:port'
        ? [...s.entries].sort((a, b) => Number(a) - Number(b))
        : [...s.entries].sort(compareEntries);
    parts.push(
      `${i > 0 ? '\n' : ''}Name: ${s.name}\nType: ${s.type}\nRevision: ${IPSET_REVISION[s.type]}\nHeader: ${header}\n` +
        `Size in memory: ${memsize(s.type, s.entries.length)}\nReferences: ${s.references}\n` +
        `Number of entries: ${s.entries.length}\nMembers:\n${members.map((m) => `${m}\n`).join('')}`,
    );
  });
  return parts.join('');
}
