/**
 * A node's netfilter tables as iptables shows them: a small model that applies what kube-proxy
 * does (the canary chains of its monitor, the EnsureChain/EnsureRule jumps from the built-in
 * chains, `iptables-restore --noflush` of its restore input) and prints them the way
 * `iptables-save` does.
 *
 * iptables-save prints what the kernel holds, not what was written, so each rule is normalised as
 * iptables' own save functions do (iptables/iptables.c print_rule, extensions/libxt_*.c):
 * addresses become `a.b.c.d/len` masked to the network, the order becomes `-s`, `-d`, `-i`, `-o`,
 * `-p`, then the matches in the order written, then the target; every match and target prints its
 * own options in its own order and spelling (comments quoted by xtables_save_string, `--or-mark`
 * as `--set-xmark M/M`, probabilities as the kernel's 2^-31 steps with 11 decimals, recent's
 * implicit `--mask 255.255.255.255 --rsource`, REJECT's implicit `--reject-with
 * icmp-port-unreachable`).
 *
 * Deterministic by choice: the header/footer date is the simulated time passed in (UTC, ctime
 * format) and every counter is `[0:0]` (nothing counts packets here). The table order is the nft
 * backend's (raw, mangle, filter, security, nat); with `backend: 'legacy'` it is the reverse of the
 * order tables were first used, as /proc/net/ip_tables_names lists them.
 */
import { savedProbability } from './format.ts';
import {
  kubeExternalServicesChain,
  kubeForwardChain,
  kubeletFirewallChain,
  kubeNodePortsChain,
  kubePostroutingChain,
  kubeProxyCanaryChain,
  kubeProxyFirewallChain,
  kubeServicesChain,
} from './proxier.ts';
import { intToIPv4, ipv4ToInt, maskOf } from './types.ts';

export type TableName = 'raw' | 'mangle' | 'filter' | 'security' | 'nat';

const BUILTIN: Record<TableName, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};
const NFT_TABLE_ORDER: TableName[] = ['raw', 'mangle', 'filter', 'security', 'nat'];

interface TableState {
  policies: Map<string, string>;
  /** Chain → rule argument lists (everything after `-A CHAIN`). */
  chains: Map<string, string[][]>;
}

/** Splits a restore line into arguments as iptables-restore does (double quotes group, backslash escapes). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) {
        cur += line[++i];
      } else if (ch === '"') quoted = false;
      else cur += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      has = true;
    } else if (ch === ' ' || ch === '\t') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

export class IptablesState {
  private tables = new Map<TableName, TableState>();
  private created: TableName[] = [];

  table(name: TableName): TableState {
    let t = this.tables.get(name);
    if (!t) {
      t = { policies: new Map(), chains: new Map() };
      for (const c of BUILTIN[name]) {
        t.policies.set(c, 'ACCEPT');
        t.chains.set(c, []);
      }
      this.tables.set(name, t);
      this.created.push(name);
    }
    return t;
  }

  /** iptables -t <table> -N <chain> if missing (EnsureChain). Returns whether it existed. */
  ensureChain(table: TableName, chain: string): boolean {
    const t = this.table(table);
    if (t.chains.has(chain)) return true;
    t.chains.set(chain, []);
    return false;
  }

  /** EnsureRule: `-C`, then `-I` (prepend) or `-A` if it is not there. Returns whether it existed. */
  ensureRule(position: 'prepend' | 'append', table: TableName, chain: string, args: string[]): boolean {
    const t = this.table(table);
    const rules = t.chains.get(chain);
    if (!rules) throw new Error(`iptables: No chain/target/match by that name (${table}/${chain})`);
    const want = normalizeRule(chain, args);
    if (rules.some((r) => normalizeRule(chain, r) === want)) return true;
    if (position === 'prepend') rules.unshift(args);
    else rules.push(args);
    return false;
  }

  /** iptables-restore --noflush of `text`. */
  restore(text: string): void {
    let t: TableState | undefined;
    let lineNo = 0;
    for (const raw of text.split('\n')) {
      lineNo++;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (line.startsWith('*')) {
        const name = line.slice(1) as TableName;
        if (!BUILTIN[name]) throw new Error(`iptables-restore: line ${lineNo}: unknown table ${name}`);
        t = this.table(name);
        continue;
      }
      if (!t) throw new Error(`iptables-restore: line ${lineNo}: no table`);
      if (line === 'COMMIT') {
        t = undefined;
        continue;
      }
      if (line.startsWith(':')) {
        const [name, policy] = line.slice(1).split(/\s+/) as [string, string];
        if (t.policies.has(name)) {
          if (policy && policy !== '-') t.policies.set(name, policy);
        } else t.chains.set(name, []); // create, or flush an existing user chain
        continue;
      }
      const args = splitArgs(line);
      const op = args[0];
      const chain = args[1] as string;
      if (op === '-A' || op === '--append') {
        const rules = t.chains.get(chain);
        if (!rules) throw new Error(`iptables-restore: line ${lineNo}: chain ${chain} does not exist`);
        rules.push(args.slice(2));
      } else if (op === '-I' || op === '--insert') {
        const rules = t.chains.get(chain);
        if (!rules) throw new Error(`iptables-restore: line ${lineNo}: chain ${chain} does not exist`);
        const n = /^\d+$/.test(args[2] ?? '') ? Number(args[2]) : 1;
        rules.splice(n - 1, 0, args.slice(/^\d+$/.test(args[2] ?? '') ? 3 : 2));
      } else if (op === '-X' || op === '--delete-chain') {
        if (t.policies.has(chain)) throw new Error(`iptables-restore: line ${lineNo}: cannot delete built-in chain`);
        t.chains.delete(chain);
      } else if (op === '-F' || op === '--flush') {
        if (t.chains.has(chain)) t.chains.set(chain, []);
      } else throw new Error(`iptables-restore: line ${lineNo}: unsupported ${op}`);
    }
  }

  /** What `iptables-save` prints. */
  save(opts: SaveOptions = {}): string {
    const backend = opts.backend ?? 'nft';
    const version = opts.version ?? 'v1.8.9';
    const date = ctime(opts.date ?? DEFAULT_SAVE_DATE);
    const order = backend === 'nft' ? NFT_TABLE_ORDER.filter((t) => this.tables.has(t)) : [...this.created].reverse();
    const out: string[] = [];
    for (const name of order) {
      const t = this.tables.get(name) as TableState;
      if (opts.header !== false)
        out.push(
          backend === 'nft'
            ? `# Generated by iptables-nft-save ${version} (nf_tables) on ${date}`
            : `# Generated by iptables-save ${version} on ${date}`,
        );
      out.push(`*${name}`);
      const builtins = BUILTIN[name];
      const users = [...t.chains.keys()].filter((c) => !t.policies.has(c)).sort(byteCompare);
      for (const c of builtins) out.push(`:${c} ${t.policies.get(c)} [0:0]`);
      for (const c of users) out.push(`:${c} - [0:0]`);
      for (const c of [...builtins, ...users]) for (const r of t.chains.get(c) ?? []) out.push(normalizeRule(c, r));
      out.push('COMMIT');
      if (opts.header !== false) out.push(`# Completed on ${date}`);
    }
    return `${out.join('\n')}\n`;
  }
}

export interface SaveOptions {
  /** iptables-nft-save (kind's nodes) or iptables-legacy-save. */
  backend?: 'nft' | 'legacy';
  /** iptables version in the header; kind's node image (Debian bookworm) has v1.8.9. */
  version?: string;
  /** Epoch ms for the header and footer (the node's clock, UTC). */
  date?: number;
  /** false: leave out the `# Generated by` / `# Completed on` lines. */
  header?: boolean;
}

export const DEFAULT_SAVE_DATE = 1735689600000;

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(3) without the newline, UTC: `Wed Jan  1 00:00:00 2025`. */
export function ctime(epochMs: number): string {
  const secs = Math.floor(epochMs / 1000);
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  // civil_from_days (H. Hinnant).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const wd = (((days % 7) + 7 + 4) % 7) as number; // 1970-01-01 was a Thursday
  const p2 = (n: number) => String(n).padStart(2, '0');
  const hh = Math.floor(rem / 3600);
  const mm = Math.floor((rem % 3600) / 60);
  const ss = rem % 60;
  return `${DAYS[wd]} ${MONTHS[m - 1]} ${String(d).padStart(2, ' ')} ${p2(hh)}:${p2(mm)}:${p2(ss)} ${y}`;
}

// ---- rule normalisation ------------------------------------------------------------------------------

interface Opt {
  name: string;
  values: string[];
  invert: boolean;
}

interface Ext {
  name: string;
  opts: Opt[];
}

const GLOBAL_FLAGS: Record<string, 's' | 'd' | 'i' | 'o' | 'p'> = {
  '-s': 's',
  '--source': 's',
  '--src': 's',
  '-d': 'd',
  '--destination': 'd',
  '--dst': 'd',
  '-i': 'i',
  '--in-interface': 'i',
  '-o': 'o',
  '--out-interface': 'o',
  '-p': 'p',
  '--protocol': 'p',
};

function addrWithMask(a: string): string {
  const slash = a.indexOf('/');
  const ip = slash < 0 ? a : a.slice(0, slash);
  let bits = 32;
  if (slash >= 0) {
    const m = a.slice(slash + 1);
    bits = m.includes('.') ? popcount(ipv4ToInt(m)) : Number(m);
  }
  return `${intToIPv4((ipv4ToInt(ip) & maskOf(bits)) >>> 0)}/${bits}`;
}

function popcount(n: number): number {
  let c = 0;
  let x = n >>> 0;
  while (x) {
    c += x & 1;
    x >>>= 1;
  }
  return c;
}

/** xtables_save_string: bare if only `[_-0-9a-zA-Z]`, else double-quoted with `"`, `\` and `'` escaped. */
export function saveString(v: string): string {
  if (v.length > 0 && /^[-_0-9a-zA-Z]+$/.test(v)) return v;
  let s = '"';
  for (const ch of v) s += ch === '"' || ch === '\\' || ch === "'" ? `\\${ch}` : ch;
  return `${s}"`;
}

function parseU32(s: string): number {
  return Number(s) >>> 0;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function markPair(v: string): [number, number | undefined] {
  const [a, b] = v.split('/');
  return [parseU32(a as string), b === undefined ? undefined : parseU32(b)];
}

const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];
const ADDR_TYPES = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
];

function inv(o: Opt): string {
  return o.invert ? ' !' : '';
}

function get(e: Ext, ...names: string[]): Opt | undefined {
  return e.opts.find((o) => names.includes(o.name));
}

function portSpec(v: string): string {
  const [a, b] = v.split(':');
  if (b === undefined || a === b) return String(Number(a));
  return `${a === '' ? 0 : Number(a)}:${b === '' ? 65535 : Number(b)}`;
}

function saveMatch(e: Ext): string {
  let s = ` -m ${e.name}`;
  switch (e.name) {
    case 'comment': {
      const o = get(e, '--comment');
      return `${s} --comment ${saveString(o?.values[0] ?? '')}`;
    }
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const sp = get(e, '--sport', '--source-port');
      const dp = get(e, '--dport', '--destination-port');
      if (sp) s += `${inv(sp)} --sport ${portSpec(sp.values[0] ?? '')}`;
      if (dp) s += `${inv(dp)} --dport ${portSpec(dp.values[0] ?? '')}`;
      for (const o of e.opts)
        if (o !== sp && o !== dp) s += `${inv(o)} ${o.name}${o.values.map((v) => ` ${v}`).join('')}`;
      return s;
    }
    case 'statistic': {
      const mode = get(e, '--mode')?.values[0] ?? 'random';
      const p = get(e, '--probability');
      if (mode === 'random')
        return `${s} --mode random${p?.invert ? ' !' : ''} --probability ${savedProbability(p?.values[0] ?? '0')}`;
      const every = get(e, '--every');
      const packet = get(e, '--packet');
      return `${s} --mode nth${every?.invert ? ' !' : ''} --every ${every?.values[0]}${packet ? ` --packet ${packet.values[0]}` : ''}`;
    }
    case 'recent': {
      const has = (n: string) => e.opts.some((o) => o.name === n);
      if (e.opts.some((o) => o.invert)) s += ' !';
      if (has('--set')) s += ' --set';
      if (has('--rcheck')) s += ' --rcheck';
      if (has('--update')) s += ' --update';
      if (has('--remove')) s += ' --remove';
      const secs = get(e, '--seconds');
      if (secs && Number(secs.values[0]) !== 0) s += ` --seconds ${Number(secs.values[0])}`;
      if (has('--reap')) s += ' --reap';
      const hit = get(e, '--hitcount');
      if (hit && Number(hit.values[0]) !== 0) s += ` --hitcount ${Number(hit.values[0])}`;
      if (has('--rttl')) s += ' --rttl';
      s += ` --name ${get(e, '--name')?.values[0] ?? 'DEFAULT'}`;
      s += ` --mask ${get(e, '--mask')?.values[0] ?? '255.255.255.255'}`;
      s += has('--rdest') ? ' --rdest' : ' --rsource';
      return s;
    }
    case 'addrtype': {
      const types = (v: string) =>
        ADDR_TYPES.filter((t) =>
          v
            .split(',')
            .map((x) => x.toUpperCase())
            .includes(t),
        ).join(',');
      const src = get(e, '--src-type');
      const dst = get(e, '--dst-type');
      if (src) s += `${inv(src)} --src-type ${types(src.values[0] ?? '')}`;
      if (dst) s += `${inv(dst)} --dst-type ${types(dst.values[0] ?? '')}`;
      if (get(e, '--limit-iface-in')) s += ' --limit-iface-in';
      if (get(e, '--limit-iface-out')) s += ' --limit-iface-out';
      return s;
    }
    case 'conntrack': {
      for (const o of e.opts) {
        if (o.name === '--ctstate') {
          const states = (o.values[0] ?? '').split(',');
          s += `${inv(o)} --ctstate ${CT_STATES.filter((x) => states.includes(x)).join(',')}`;
        } else s += `${inv(o)} ${o.name}${o.values.map((v) => ` ${v}`).join('')}`;
      }
      return s;
    }
    case 'mark': {
      const o = get(e, '--mark');
      const [m, mask] = markPair(o?.values[0] ?? '0');
      return `${s}${o?.invert ? ' !' : ''} --mark ${hex(m)}${mask === undefined || mask === 0xffffffff ? '' : `/${hex(mask)}`}`;
    }
    case 'nfacct':
      return `${s} --nfacct-name ${get(e, '--nfacct-name')?.values[0] ?? ''}`;
    default:
      for (const o of e.opts) s += `${inv(o)} ${o.name}${o.values.map((v) => ` ${v}`).join('')}`;
      return s;
  }
}

function saveTarget(e: Ext): string {
  const s = ` -j ${e.name}`;
  switch (e.name) {
    case 'MARK': {
      let mark = 0;
      let mask = 0xffffffff;
      for (const o of e.opts) {
        const [v, m] = markPair(o.values[0] ?? '0');
        if (o.name === '--set-xmark') {
          mark = v;
          mask = m ?? 0xffffffff;
        } else if (o.name === '--set-mark') {
          mark = v;
          mask = (v | (m ?? 0xffffffff)) >>> 0;
        } else if (o.name === '--or-mark') {
          mark = v;
          mask = v;
        } else if (o.name === '--xor-mark') {
          mark = v;
          mask = 0;
        } else if (o.name === '--and-mark') {
          mark = 0;
          mask = ~v >>> 0;
        }
      }
      return `${s} --set-xmark ${hex(mark)}/${hex(mask)}`;
    }
    case 'MASQUERADE': {
      let t = s;
      const ports = get(e, '--to-ports');
      if (ports) t += ` --to-ports ${ports.values[0]}`;
      if (get(e, '--random')) t += ' --random';
      if (get(e, '--random-fully')) t += ' --random-fully';
      return t;
    }
    case 'REJECT':
      return `${s} --reject-with ${get(e, '--reject-with')?.values[0] ?? 'icmp-port-unreachable'}`;
    default: {
      let t = s;
      for (const o of e.opts) t += `${inv(o)} ${o.name}${o.values.map((v) => ` ${v}`).join('')}`;
      return t;
    }
  }
}

/** One rule as iptables-save prints it: `-A CHAIN` and the normalised arguments. */
export function normalizeRule(chain: string, args: string[]): string {
  const g: Partial<Record<'s' | 'd' | 'i' | 'o' | 'p', { v: string; inv: boolean }>> = {};
  const matches: Ext[] = [];
  let target: Ext | undefined;
  let cur: Ext | undefined;
  let invert = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '!') {
      invert = true;
      continue;
    }
    const gf = GLOBAL_FLAGS[a];
    if (gf) {
      g[gf] = { v: args[++i] ?? '', inv: invert };
      invert = false;
      continue;
    }
    if (a === '-m' || a === '--match') {
      cur = { name: args[++i] ?? '', opts: [] };
      matches.push(cur);
      invert = false;
      continue;
    }
    if (a === '-j' || a === '--jump' || a === '-g' || a === '--goto') {
      target = { name: args[++i] ?? '', opts: [] };
      cur = target;
      invert = false;
      continue;
    }
    if (a.startsWith('-')) {
      if (!cur && (a === '--dport' || a === '--sport') && g.p) {
        // -p tcp --dport 80 without -m tcp: iptables loads the protocol match implicitly.
        cur = { name: g.p.v, opts: [] };
        matches.push(cur);
      }
      const values: string[] = [];
      while (i + 1 < args.length && !(args[i + 1] as string).startsWith('-') && args[i + 1] !== '!') {
        values.push(args[++i] as string);
      }
      // A comment or other value may itself start with "-": take one value when the option needs it.
      if (values.length === 0 && NEEDS_VALUE.has(a) && i + 1 < args.length) values.push(args[++i] as string);
      cur?.opts.push({ name: a, values, invert });
      invert = false;
    }
  }
  let s = `-A ${chain}`;
  const flag = (k: 's' | 'd' | 'i' | 'o' | 'p', name: string, fmt: (v: string) => string) => {
    const e = g[k];
    if (e) s += `${e.inv ? ' !' : ''} ${name} ${fmt(e.v)}`;
  };
  flag('s', '-s', addrWithMask);
  flag('d', '-d', addrWithMask);
  flag('i', '-i', (v) => v);
  flag('o', '-o', (v) => v);
  flag('p', '-p', (v) => v.toLowerCase());
  for (const m of matches) s += saveMatch(m);
  if (target) s += saveTarget(target);
  return s;
}

const NEEDS_VALUE = new Set(['--comment', '--name', '--to-destination', '--nfacct-name', '--dport', '--sport']);

// ---- what kube-proxy does to a node's tables --------------------------------------------------------

export interface JumpChain {
  table: TableName;
  dstChain: string;
  srcChain: string;
  comment: string;
  extraArgs: string[];
}

const ctNew = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** iptablesJumpChains (proxier.go): the rules kube-proxy keeps at the top of the built-in chains. */
export const iptablesJumpChains: JumpChain[] = [
  {
    table: 'filter',
    dstChain: kubeExternalServicesChain,
    srcChain: 'INPUT',
    comment: 'kubernetes externally-visible service portals',
    extraArgs: ctNew,
  },
  {
    table: 'filter',
    dstChain: kubeExternalServicesChain,
    srcChain: 'FORWARD',
    comment: 'kubernetes externally-visible service portals',
    extraArgs: ctNew,
  },
  {
    table: 'filter',
    dstChain: kubeNodePortsChain,
    srcChain: 'INPUT',
    comment: 'kubernetes health check service ports',
    extraArgs: [],
  },
  {
    table: 'filter',
    dstChain: kubeServicesChain,
    srcChain: 'FORWARD',
    comment: 'kubernetes service portals',
    extraArgs: ctNew,
  },
  {
    table: 'filter',
    dstChain: kubeServicesChain,
    srcChain: 'OUTPUT',
    comment: 'kubernetes service portals',
    extraArgs: ctNew,
  },
  {
    table: 'filter',
    dstChain: kubeForwardChain,
    srcChain: 'FORWARD',
    comment: 'kubernetes forwarding rules',
    extraArgs: [],
  },
  {
    table: 'filter',
    dstChain: kubeProxyFirewallChain,
    srcChain: 'INPUT',
    comment: 'kubernetes load balancer firewall',
    extraArgs: ctNew,
  },
  {
    table: 'filter',
    dstChain: kubeProxyFirewallChain,
    srcChain: 'OUTPUT',
    comment: 'kubernetes load balancer firewall',
    extraArgs: ctNew,
  },
  {
    table: 'filter',
    dstChain: kubeProxyFirewallChain,
    srcChain: 'FORWARD',
    comment: 'kubernetes load balancer firewall',
    extraArgs: ctNew,
  },
  {
    table: 'nat',
    dstChain: kubeServicesChain,
    srcChain: 'OUTPUT',
    comment: 'kubernetes service portals',
    extraArgs: [],
  },
  {
    table: 'nat',
    dstChain: kubeServicesChain,
    srcChain: 'PREROUTING',
    comment: 'kubernetes service portals',
    extraArgs: [],
  },
  {
    table: 'nat',
    dstChain: kubePostroutingChain,
    srcChain: 'POSTROUTING',
    comment: 'kubernetes postrouting rules',
    extraArgs: [],
  },
];

/** iptablesKubeletJumpChains: kubelet's KUBE-FIREWALL, which kube-proxy ensures too. */
export const iptablesKubeletJumpChains: JumpChain[] = [
  { table: 'filter', dstChain: kubeletFirewallChain, srcChain: 'INPUT', comment: '', extraArgs: [] },
  { table: 'filter', dstChain: kubeletFirewallChain, srcChain: 'OUTPUT', comment: '', extraArgs: [] },
];

/** The arguments of one jump rule, as EnsureRule passes them to iptables. */
export function jumpRuleArgs(j: JumpChain): string[] {
  return [...j.extraArgs, ...(j.comment ? ['-m', 'comment', '--comment', j.comment] : []), '-j', j.dstChain];
}

/** The tables the canary monitor (utiliptables Monitor) creates KUBE-PROXY-CANARY in. */
export const canaryTables: TableName[] = ['mangle', 'nat', 'filter'];

/**
 * What a node's tables hold after kube-proxy started and synced: its canary chains, its jumps
 * (EnsureChain + EnsureRule(Prepend) for every jump chain, in order, as the first full sync does),
 * then `iptables-restore --noflush` of `restoreInput`.
 */
export function kubeProxyNodeTables(restoreInput: string, base?: IptablesState): IptablesState {
  const st = base ?? new IptablesState();
  for (const t of canaryTables) st.ensureChain(t, kubeProxyCanaryChain);
  for (const j of [...iptablesJumpChains, ...iptablesKubeletJumpChains]) {
    st.ensureChain(j.table, j.dstChain);
    st.ensureRule('prepend', j.table, j.srcChain, jumpRuleArgs(j));
  }
  st.restore(restoreInput);
  return st;
}

/**
 * What `iptables-save` prints on a node after kube-proxy loaded `restoreInput` (with its canary
 * chains and built-in-chain jumps, which it creates with iptables calls rather than in the restore
 * input). Other agents' rules (kubelet's KUBE-KUBELET-CANARY and KUBE-IPTABLES-HINT, kindnet's
 * KIND-MASQ-AGENT, Docker's embedded-DNS rules on a kind node) are not part of it.
 */
export function iptablesSave(restoreInput: string, opts: SaveOptions = {}): string {
  return kubeProxyNodeTables(restoreInput).save(opts);
}
