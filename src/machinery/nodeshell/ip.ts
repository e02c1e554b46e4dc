/**
 * `ip addr`, `ip link` and `ip route` (iproute2 6.1, Debian bookworm) on a kind node whose pods are
 * wired by kindnet: the node container's `eth0` on the kind docker network (172.18.0.0/16, gateway
 * 172.18.0.1, IPv6 ULA fc00:f853:ccd:e793::/64), one host-side veth per running pod sandbox made
 * by the CNI ptp plugin (named `veth` + 8 hex digits, the pod's gateway `.1` on it as a /32, a
 * `scope host` route to the pod IP), and the routes kindnet writes to every other node's podCIDR
 * via that node's IP.
 *
 * Invented (nothing real to derive them from): interface indexes (lo 1, eth0 2, veths from 3 in
 * sandbox creation order), eth0's peer index, veth names, MACs and netns names (hashed from the
 * sandbox ID), eth0's MAC (Docker's classic 02:42 + IPv4 bytes) and IPv6 host part (the IPv4
 * host byte).
 */
import type { CriSandbox } from './crictl.ts';
import type { ShellResult } from './types.ts';

export interface IpEnv {
  node: string;
  nodes: { name: string; ip: string; podCIDR: string }[];
  /** The node's pod sandboxes (cri.ListPodSandbox). */
  sandboxes: CriSandbox[];
}

const DOCKER_NET = { v4: '172.18.0.0', prefix: 16, gw: '172.18.0.1', v6: 'fc00:f853:ccd:e793::' };

interface Addr {
  family: 'inet' | 'inet6';
  local: string;
  prefix: number;
  brd?: string;
  scope: 'host' | 'global' | 'link';
  flags?: string;
}

interface Iface {
  index: number;
  name: string;
  peer?: string;
  flags: string;
  mtu: number;
  state: 'UNKNOWN' | 'UP';
  qlen?: number;
  linkType: 'loopback' | 'ether';
  mac: string;
  brd: string;
  linkNet?: string;
  addrs: Addr[];
}

// ---- derived names --------------------------------------------------------------------------------------

/** `n` bytes derived from a string (FNV-1a rounds): stable stand-ins for what the kernel or CNI picks at random. */
export function bytesOf(seed: string, n: number): number[] {
  const out: number[] = [];
  let h = 0x811c9dc5;
  for (let round = 0; out.length < n; round++) {
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i) + round;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out.push(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, (h >>> 24) & 0xff);
  }
  return out.slice(0, n);
}

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** The host-side veth the ptp plugin creates for a sandbox: `veth` + 8 hex digits (ip.RandomVethName). */
export function vethName(sandboxId: string): string {
  return `veth${bytesOf(`veth/${sandboxId}`, 4).map(hex2).join('')}`;
}

function vethMac(sandboxId: string): string {
  const b = bytesOf(`mac/${sandboxId}`, 6);
  b[0] = ((b[0] as number) & 0xfe) | 0x02; // locally administered, unicast
  return b.map(hex2).join(':');
}

/** containerd's pod network namespace name: `cni-` + 16 random bytes as 8-4-4-4-12 hex. */
export function netnsName(sandboxId: string): string {
  const h = bytesOf(`netns/${sandboxId}`, 16).map(hex2).join('');
  return `cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

function ipToInt(ip: string): number {
  return ipv4Bytes(ip).reduce((a, b) => a * 256 + b, 0);
}

/** inet_ntop for IPv6: lower-case hex groups, the longest run of two or more zero groups as `::`. */
export function formatIPv6(groups: number[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hx = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hx(groups);
  return `${hx(groups.slice(0, best))}::${hx(groups.slice(best + bestLen))}`;
}

/** The EUI-64 link-local address the kernel gives an Ethernet interface. */
function linkLocal(mac: string): string {
  const b = mac.split(':').map((x) => Number.parseInt(x, 16));
  const [b0, b1, b2, b3, b4, b5] = b as [number, number, number, number, number, number];
  return formatIPv6([0xfe80, 0, 0, 0, ((b0 ^ 2) << 8) | b1, (b2 << 8) | 0xff, 0xfe00 | b3, (b4 << 8) | b5]);
}

// ---- the node's interfaces and routes -------------------------------------------------------------------

function podSandboxes(env: IpEnv): CriSandbox[] {
  return env.sandboxes
    .filter((s) => s.state === 'SANDBOX_READY' && !s.hostNetwork && s.ip)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function self(env: IpEnv): { name: string; ip: string; podCIDR: string; ordinal: number } {
  const i = env.nodes.findIndex((n) => n.name === env.node);
  const n = env.nodes[i] ?? { name: env.node, ip: '172.18.0.2', podCIDR: '' };
  return { ...n, ordinal: Math.max(0, i) };
}

function gatewayOf(podCIDR: string): string {
  const [base] = podCIDR.split('/') as [string];
  const b = ipv4Bytes(base);
  b[3] = (b[3] as number) + 1;
  return b.join('.');
}

function interfaces(env: IpEnv): Iface[] {
  const me = self(env);
  const mac = ['02', '42', ...ipv4Bytes(me.ip).map(hex2)].join(':');
  const host = ipv4Bytes(me.ip)[3] as number;
  const list: Iface[] = [
    {
      index: 1,
      name: 'lo',
      flags: 'LOOPBACK,UP,LOWER_UP',
      mtu: 65536,
      state: 'UNKNOWN',
      qlen: 1000,
      linkType: 'loopback',
      mac: '00:00:00:00:00:00',
      brd: '00:00:00:00:00:00',
      addrs: [
        { family: 'inet', local: '127.0.0.1', prefix: 8, scope: 'host' },
        { family: 'inet6', local: '::1', prefix: 128, scope: 'host' },
      ],
    },
    {
      index: 2,
      name: 'eth0',
      peer: `if${5 + 2 * me.ordinal}`,
      flags: 'BROADCAST,MULTICAST,UP,LOWER_UP',
      mtu: 1500,
      state: 'UP',
      linkType: 'ether',
      mac,
      brd: 'ff:ff:ff:ff:ff:ff',
      linkNet: 'link-netnsid 0',
      addrs: [
        { family: 'inet', local: me.ip, prefix: DOCKER_NET.prefix, brd: '172.18.255.255', scope: 'global' },
        { family: 'inet6', local: `${DOCKER_NET.v6}${host.toString(16)}`, prefix: 64, scope: 'global', flags: 'nodad' },
        { family: 'inet6', local: linkLocal(mac), prefix: 64, scope: 'link' },
      ],
    },
  ];
  const gw = me.podCIDR ? gatewayOf(me.podCIDR) : '';
  podSandboxes(env).forEach((s, k) => {
    const m = vethMac(s.id);
    list.push({
      index: 3 + k,
      name: vethName(s.id),
      peer: 'if2',
      flags: 'BROADCAST,MULTICAST,UP,LOWER_UP',
      mtu: 1500,
      state: 'UP',
      qlen: 1000,
      linkType: 'ether',
      mac: m,
      brd: 'ff:ff:ff:ff:ff:ff',
      linkNet: `link-netns ${netnsName(s.id)}`,
      addrs: [
        ...(gw ? [{ family: 'inet' as const, local: gw, prefix: 32, scope: 'global' as const }] : []),
        { family: 'inet6', local: linkLocal(m), prefix: 64, scope: 'link' },
      ],
    });
  });
  return list;
}

interface Route {
  dst: string;
  prefix: number;
  text: string;
}

function routes4(env: IpEnv): string[] {
  const me = self(env);
  const r: Route[] = [
    { dst: '0.0.0.0', prefix: 0, text: `default via ${DOCKER_NET.gw} dev eth0 ` },
    {
      dst: DOCKER_NET.v4,
      prefix: DOCKER_NET.prefix,
      text: `${DOCKER_NET.v4}/${DOCKER_NET.prefix} dev eth0 proto kernel scope link src ${me.ip} `,
    },
  ];
  // kindnet: every other node's pod range via that node.
  for (const n of env.nodes) {
    if (n.name === env.node || !n.podCIDR || !n.ip) continue;
    const [base, len] = n.podCIDR.split('/') as [string, string];
    r.push({ dst: base, prefix: Number(len), text: `${n.podCIDR} via ${n.ip} dev eth0 ` });
  }
  // ptp: a host route to every local pod through its veth.
  for (const s of podSandboxes(env))
    r.push({ dst: s.ip, prefix: 32, text: `${s.ip} dev ${vethName(s.id)} scope host ` });
  // The kernel's FIB dump order: by address, then the longer prefix first.
  r.sort((a, b) => ipToInt(a.dst) - ipToInt(b.dst) || b.prefix - a.prefix);
  return r.map((x) => x.text);
}

function routes6(env: IpEnv): string[] {
  const out = [`${DOCKER_NET.v6}/64 dev eth0 proto kernel metric 256 pref medium`];
  for (const i of interfaces(env))
    if (i.linkType === 'ether') out.push(`fe80::/64 dev ${i.name} proto kernel metric 256 pref medium`);
  out.push(`default via ${DOCKER_NET.v6}1 dev eth0 metric 1024 pref medium`);
  return out;
}

// ---- printing -------------------------------------------------------------------------------------------

function linkLine(i: Iface, link: boolean): string {
  const name = i.peer ? `${i.name}@${i.peer}` : i.name;
  return `${i.index}: ${name}: <${i.flags}> mtu ${i.mtu} qdisc noqueue state ${i.state} ${link ? 'mode DEFAULT ' : ''}group default ${i.qlen !== undefined ? `qlen ${i.qlen}` : ''}`;
}

function etherLine(i: Iface): string {
  return `    link/${i.linkType} ${i.mac} brd ${i.brd}${i.linkNet ? ` ${i.linkNet}` : ''}`;
}

function addrLines(i: Iface, a: Addr): string[] {
  const head =
    a.family === 'inet'
      ? `    inet ${a.local}/${a.prefix}${a.brd ? ` brd ${a.brd}` : ''} scope ${a.scope} ${i.name}`
      : `    inet6 ${a.local}/${a.prefix} scope ${a.scope} ${a.flags ? `${a.flags} ` : ''}`;
  return [head, '       valid_lft forever preferred_lft forever'];
}

function showAddr(list: Iface[], family: 4 | 6 | undefined, brief: boolean): string {
  const out: string[] = [];
  for (const i of list) {
    const addrs = i.addrs.filter((a) => !family || a.family === (family === 4 ? 'inet' : 'inet6'));
    if (family && addrs.length === 0) continue;
    if (brief) {
      const name = i.peer ? `${i.name}@${i.peer}` : i.name;
      out.push(`${name.padEnd(16)} ${i.state.padEnd(14)} ${addrs.map((a) => `${a.local}/${a.prefix} `).join('')}`);
      continue;
    }
    // Without the link/ether line (-4, -6), iproute2 puts the peer's namespace on the first line.
    out.push(family && i.linkNet ? `${linkLine(i, false)} ${i.linkNet}` : linkLine(i, false));
    if (!family) out.push(etherLine(i));
    for (const a of addrs) out.push(...addrLines(i, a));
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

function showLink(list: Iface[], brief: boolean): string {
  const out: string[] = [];
  for (const i of list) {
    if (brief) {
      const name = i.peer ? `${i.name}@${i.peer}` : i.name;
      out.push(`${name.padEnd(16)} ${i.state.padEnd(14)} ${i.mac} <${i.flags}> `);
      continue;
    }
    out.push(linkLine(i, true), etherLine(i));
  }
  return `${out.join('\n')}\n`;
}

// ---- the command ----------------------------------------------------------------------------------------

const OBJECTS = [
  'address',
  'addrlabel',
  'maddress',
  'route',
  'rule',
  'neighbor',
  'neighbour',
  'ntable',
  'ntbl',
  'link',
];

function matchesWord(arg: string, word: string): boolean {
  return arg.length > 0 && word.startsWith(arg);
}

export function ipCommand(args: string[], env: IpEnv): ShellResult {
  let family: 4 | 6 | undefined;
  let brief = false;
  let i = 0;
  for (; i < args.length && (args[i] as string).startsWith('-'); i++) {
    const o = (args[i] as string).replace(/^--?/, '-');
    if (o === '-4') family = 4;
    else if (o === '-6') family = 6;
    else if (o === '-br' || o === '-brief') brief = true;
    else if (o === '-c' || o === '-color' || o === '-n' || o === '-N') {
      // colour and name resolution do not change what this node prints
    } else return { stdout: '', stderr: `Option "${args[i]}" is unknown, try "ip -help".\n`, exit: 255 };
  }
  const obj = args[i++];
  if (obj === undefined)
    return {
      stdout: '',
      stderr:
        'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |\n                   macsec | maddress | monitor | mptcp | mroute | mrule |\n                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n                   ntbl | route | rule | sr | tap | tcpmetrics |\n                   token | tunnel | tuntap | vrf | xfrm }\n       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n                    -4 | -6 | -M | -B | -0 |\n                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n                    -c[olor]}\n',
      exit: 255,
    };
  const object = OBJECTS.find((w) => matchesWord(obj, w));
  const rest = args.slice(i);
  const list = interfaces(env);
  const pickDev = (): { dev?: string } | ShellResult => {
    const a = rest.slice(1);
    let dev: string | undefined;
    for (let k = 0; k < a.length; k++) {
      const w = a[k] as string;
      if (w === 'dev') {
        dev = a[++k];
        if (dev === undefined)
          return { stdout: '', stderr: 'Command line is not complete. Try option "help"\n', exit: 255 };
      } else if (dev === undefined) dev = w;
      else return { stdout: '', stderr: `Error: either "dev" is duplicate, or "${w}" is a garbage.\n`, exit: 1 };
    }
    if (dev !== undefined && !list.some((x) => x.name === dev))
      return { stdout: '', stderr: `Device "${dev}" does not exist.\n`, exit: 1 };
    return dev === undefined ? {} : { dev };
  };
  switch (object) {
    case 'address':
    case 'link': {
      const sub = rest[0];
      if (sub !== undefined && !['show', 'list', 'lst'].some((w) => matchesWord(sub, w)))
        return { stdout: '', stderr: `Command "${sub}" is unknown, try "ip ${object} help".\n`, exit: 255 };
      const d = pickDev();
      if ('exit' in d) return d;
      const shown = d.dev ? list.filter((x) => x.name === d.dev) : list;
      return {
        stdout: object === 'address' ? showAddr(shown, family, brief) : showLink(shown, brief),
        stderr: '',
        exit: 0,
      };
    }
    case 'route': {
      const sub = rest[0];
      if (sub !== undefined && !['show', 'list'].some((w) => matchesWord(sub, w)))
        return { stdout: '', stderr: `Command "${sub}" is unknown, try "ip route help".\n`, exit: 255 };
      const lines = family === 6 ? routes6(env) : routes4(env);
      return { stdout: `${lines.join('\n')}\n`, stderr: '', exit: 0 };
    }
    case undefined:
      return { stdout: '', stderr: `Object "${obj}" is unknown, try "ip help".\n`, exit: 1 };
    default:
      return {
        stdout: '',
        stderr: `ip ${object}: not simulated on this node (try ip addr, ip link, ip route)\n`,
        exit: 1,
      };
  }
}
