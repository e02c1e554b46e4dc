/**
 * The kernel's IPVS table as kube-proxy programs it (pkg/proxy/ipvs/util: VirtualServer,
 * RealServer, the service flags) and what the node's tools print for it:
 *
 * - `ipvsadm -Ln` and `ipvsadm -Ln --stats` (ipvsadm.c list_all / print_title /
 *   print_service_entry): the version line, the title, each virtual service `%s  %s` (protocol,
 *   address:port, cut at 33 characters) with its scheduler and ` persistent <timeout>`, each real
 *   server `  -> %-28s %-7s %-6d %-10u %-10u` (so lines end in padding, as ipvsadm prints them).
 *   Services and destinations are sorted as libipvs does: qsort (glibc: a merge sort) with
 *   ipvs_cmp_services (fwmark, family, protocol number, then address and port compared by
 *   subtracting the host-order values into an int, which wraps: 172.18.0.2 sorts before 10.96.0.1)
 *   and ipvs_cmp_dests.
 * - `ip addr show kube-ipvs0` (iproute2): the dummy device, DOWN, with every bound address as
 *   `inet a.b.c.d/32 scope global kube-ipvs0`, in the order they were added.
 *
 * Counters (ActiveConn, InActConn, --stats) are 0: nothing opens connections here.
 */

/** utilipvs service flags. */
export const FlagPersistent = 0x1;
export const FlagHashed = 0x2;
export const FlagSourceHash = 0x10;

export type IpvsProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface RealServer {
  address: string;
  port: number;
  weight: number;
}

export interface VirtualServer {
  protocol: IpvsProtocol;
  address: string;
  port: number;
  scheduler: string;
  /** FlagPersistent (ClientIP affinity), FlagSourceHash (scheduler mh). */
  flags: number;
  /** Persistence timeout in seconds (sessionAffinityConfig.clientIP.timeoutSeconds). */
  timeout: number;
  realServers: RealServer[];
  /** The ServicePortName it belongs to (`ns/svc:port`), for the UI; not part of the kernel's table. */
  service?: string;
}

/** VirtualServer.String(): `10.96.0.10:53/UDP`. */
export function virtualServerKey(vs: Pick<VirtualServer, 'address' | 'port' | 'protocol'>): string {
  return `${vs.address}:${vs.port}/${vs.protocol}`;
}

const PROTO_NUM: Record<IpvsProtocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

function hostOrder(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** C's `int r = ntohl(a) - ntohl(b)`: the unsigned difference read as a signed 32-bit int. */
function cDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** ipvs_cmp_services for IPv4 services without fwmark. */
export function cmpServices(a: VirtualServer, b: VirtualServer): number {
  const p = PROTO_NUM[a.protocol] - PROTO_NUM[b.protocol];
  if (p !== 0) return p;
  const r = cDiff(hostOrder(a.address), hostOrder(b.address));
  if (r !== 0) return r;
  return a.port - b.port;
}

/** ipvs_cmp_dests for IPv4. */
export function cmpDests(a: RealServer, b: RealServer): number {
  const r = cDiff(hostOrder(a.address), hostOrder(b.address));
  if (r !== 0) return r;
  return a.port - b.port;
}

/** glibc's qsort: msort_with_tmp, a top-down merge sort that keeps equal elements in order. */
export function glibcQsort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = [...items];
  const tmp = new Array<T>(a.length);
  const sort = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = n >>> 1;
    const n2 = n - n1;
    sort(lo, n1);
    sort(lo + n1, n2);
    let i = lo;
    let j = lo + n1;
    const iEnd = lo + n1;
    const jEnd = lo + n;
    let k = 0;
    while (i < iEnd && j < jEnd) {
      if (cmp(a[i] as T, a[j] as T) <= 0) tmp[k++] = a[i++] as T;
      else tmp[k++] = a[j++] as T;
    }
    while (i < iEnd) tmp[k++] = a[i++] as T;
    // The rest of the second run is already in place.
    for (let m = 0; m < k; m++) a[lo + m] = tmp[m] as T;
  };
  sort(0, a.length);
  return a;
}

export const IPVS_VERSION_LINE = 'IP Virtual Server version 1.2.1 (size=4096)';

function padEnd(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function padStart(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/** print_largenum without --exact: `%9llu` below 100 million. */
function largenum(n: number): string {
  return padStart(String(n), 9);
}

function svcName(vs: VirtualServer): string {
  return `${vs.protocol}  ${vs.address}:${vs.port}`.slice(0, 33);
}

function schedFlags(vs: VirtualServer): string {
  // IP_VS_SVC_F_SCHED2 (0x10) is "port" for the hashing schedulers.
  if (!(vs.flags & FlagSourceHash)) return '';
  if (vs.scheduler === 'mh' || vs.scheduler === 'sh') return ` (${vs.scheduler}-port)`;
  return ' (flag-2)';
}

export interface IpvsadmOptions {
  /** `--stats`: connection and packet counters instead of scheduler and forwarding columns. */
  stats?: boolean;
}

/**
 * What `ipvsadm -Ln` (or `ipvsadm -Ln --stats`) prints for these virtual servers. With none (a
 * node whose kube-proxy does not use IPVS, with the ip_vs module loaded) only the version and the
 * title are printed.
 */
export function ipvsadmList(virtualServers: readonly VirtualServer[], opts: IpvsadmOptions = {}): string {
  const out: string[] = [`${IPVS_VERSION_LINE}\n`];
  if (opts.stats) {
    out.push(
      `${padEnd('Prot LocalAddress:Port', 33)} ${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes']
        .map((h) => padStart(h, 8))
        .join(' ')}\n  -> RemoteAddress:Port\n`,
    );
  } else {
    out.push(
      'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    );
  }
  for (const vs of glibcQsort(virtualServers, cmpServices)) {
    if (opts.stats) out.push(`${padEnd(svcName(vs), 33)}${largenum(0).repeat(5)}\n`);
    else {
      let line = `${svcName(vs)} ${vs.scheduler}${schedFlags(vs)}`;
      if (vs.flags & FlagPersistent) line += ` persistent ${vs.timeout}`;
      out.push(`${line}\n`);
    }
    for (const rs of glibcQsort(vs.realServers, cmpDests)) {
      const dname = `${rs.address}:${rs.port}`.slice(0, 28);
      if (opts.stats) out.push(`  -> ${padEnd(dname, 28)}${largenum(0).repeat(5)}\n`);
      else
        out.push(
          `  -> ${padEnd(dname, 28)} ${padEnd('Masq', 7)} ${padEnd(String(rs.weight), 6)} ${padEnd('0', 10)} ${padEnd('0', 10)}\n`,
        );
    }
  }
  return out.join('');
}

export interface DummyDevice {
  /** Interface index (`ip link` numbering). */
  index: number;
  /** Locally administered MAC, as the kernel picks at random for a dummy device. */
  mac: string;
  /** Bound addresses, in the order they were added. */
  addresses: readonly string[];
}

/** What `ip addr show kube-ipvs0` prints. */
export function ipAddrShow(dev: DummyDevice): string {
  const lines = [
    `${dev.index}: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default \n`,
    `    link/ether ${dev.mac} brd ff:ff:ff:ff:ff:ff\n`,
  ];
  for (const a of dev.addresses) {
    lines.push(`    inet ${a}/32 scope global kube-ipvs0\n`, '       valid_lft forever preferred_lft forever\n');
  }
  return lines.join('');
}

/** `ip addr show kube-ipvs0` on a node without the device (iproute2's error, on stderr). */
export const NO_KUBE_IPVS0 = 'Device "kube-ipvs0" does not exist.\n';

/** A locally administered unicast MAC derived from a string (the kernel's eth_random_addr, made repeatable). */
export function macFor(seed: string): string {
  let h = 0x811c9dc5;
  const bytes: number[] = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i) + round;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    bytes.push(h & 0xff);
  }
  bytes[0] = ((bytes[0] as number) & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
