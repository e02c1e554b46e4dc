/**
 * A node's netfilter tables read from the text kube-proxy produced, ready to be evaluated.
 *
 * The input is either kube-proxy's restore input (what it feeds to `iptables-restore --noflush`,
 * as in a sync's trace note), to which the chains and jumps kube-proxy creates with plain iptables
 * calls are added (its canary chains, the `-j KUBE-SERVICES`… jumps at the top of the built-in
 * chains), or a complete `iptables-save` dump, taken as it is. Each rule keeps the text
 * `iptables-save` prints for it, so a walk can show exactly which line matched.
 *
 * Only what kube-proxy writes needs to be understood: addresses, protocols and ports, comment,
 * statistic (random), recent, addrtype, conntrack, mark and nfacct matches; jumps, RETURN,
 * ACCEPT, DROP, REJECT, DNAT, MARK and MASQUERADE. Anything else is kept and reported as a match
 * the walk cannot evaluate (treated as not matching).
 */
import { IptablesState, kubeProxyNodeTables, normalizeRule, splitArgs } from '../../../workers/kube-proxy/iptables.ts';
import { ipv4ToInt, maskOf } from '../../../workers/kube-proxy/types.ts';

export type Table = 'filter' | 'nat';

export interface AddrMatch {
  base: number;
  mask: number;
  invert: boolean;
}

export interface PortRange {
  lo: number;
  hi: number;
  invert: boolean;
}

export type Match =
  | { kind: 'comment'; text: string }
  | { kind: 'ports'; dport?: PortRange; sport?: PortRange }
  /** statistic --mode random: matches when a random u31 is below `threshold` (lround(p·2^31)). */
  | { kind: 'statistic'; threshold: number; invert: boolean }
  | {
      kind: 'recent';
      name: string;
      op: 'set' | 'rcheck' | 'update' | 'remove';
      seconds: number;
      reap: boolean;
      rdest: boolean;
      invert: boolean;
    }
  | { kind: 'addrtype'; src?: { types: string[]; invert: boolean }; dst?: { types: string[]; invert: boolean } }
  | { kind: 'conntrack'; states: string[]; invert: boolean }
  | { kind: 'mark'; value: number; mask: number; invert: boolean }
  | { kind: 'nfacct' }
  | { kind: 'unknown'; name: string };

export type Target =
  | { kind: 'jump'; chain: string; goto: boolean }
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'RETURN' }
  | { kind: 'REJECT'; with: string }
  | { kind: 'DNAT'; ip: string; port?: number }
  | { kind: 'MARK'; value: number; mask: number }
  | { kind: 'MASQUERADE' }
  | { kind: 'unknown'; name: string };

export interface Rule {
  table: Table;
  chain: string;
  /** 1-based position in its chain, as `iptables -L --line-numbers` counts. */
  index: number;
  /** The rule as iptables-save prints it. */
  text: string;
  src?: AddrMatch;
  dst?: AddrMatch;
  proto?: { name: string; invert: boolean };
  matches: Match[];
  target?: Target;
}

export interface Chain {
  table: Table;
  name: string;
  /** Built-in chains have a policy; user chains return to their caller. */
  policy?: string;
  rules: Rule[];
}

/** The filter and nat tables of one node. */
export interface Netfilter {
  chains: Record<Table, Map<string, Chain>>;
  /** The number of rules (-A lines) in the two tables. */
  ruleCount: number;
}

const BUILTIN: Record<Table, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

/**
 * Reads kube-proxy's restore input (kind `restore`, the default: kube-proxy's own chains and jumps
 * are added as it adds them) or an `iptables-save` dump (kind `save`).
 */
export function parseNetfilter(text: string, kind: 'restore' | 'save' = 'restore'): Netfilter {
  let st: IptablesState;
  if (kind === 'save') {
    st = new IptablesState();
    st.restore(text);
  } else st = kubeProxyNodeTables(text);
  const chains: Record<Table, Map<string, Chain>> = { filter: new Map(), nat: new Map() };
  let ruleCount = 0;
  for (const table of ['filter', 'nat'] as const) {
    const t = st.table(table);
    for (const [name, argLists] of t.chains) {
      const chain: Chain = { table, name, rules: [] };
      const policy = t.policies.get(name);
      if (policy) chain.policy = policy;
      argLists.forEach((args, i) => {
        chain.rules.push(parseRule(table, name, i + 1, args));
      });
      ruleCount += chain.rules.length;
      chains[table].set(name, chain);
    }
    for (const b of BUILTIN[table])
      if (!chains[table].has(b)) chains[table].set(b, { table, name: b, policy: 'ACCEPT', rules: [] });
  }
  return { chains, ruleCount };
}

function cidr(v: string, invert: boolean): AddrMatch {
  const slash = v.indexOf('/');
  const ip = slash < 0 ? v : v.slice(0, slash);
  let bits = 32;
  if (slash >= 0) {
    const m = v.slice(slash + 1);
    bits = m.includes('.') ? popcount(ipv4ToInt(m)) : Number(m);
  }
  const mask = maskOf(bits) >>> 0;
  return { base: (ipv4ToInt(ip) & mask) >>> 0, mask, invert };
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

function portRange(v: string, invert: boolean): PortRange {
  const [a, b] = v.split(':');
  if (b === undefined) return { lo: Number(a), hi: Number(a), invert };
  return { lo: a === '' ? 0 : Number(a), hi: b === '' ? 65535 : Number(b), invert };
}

function markPair(v: string): [number, number] {
  const [a, b] = v.split('/');
  return [Number(a) >>> 0, b === undefined ? 0xffffffff : Number(b) >>> 0];
}

const TAKES_VALUE = new Set([
  '--comment',
  '--name',
  '--to-destination',
  '--nfacct-name',
  '--dport',
  '--sport',
  '--destination-port',
  '--source-port',
  '--probability',
  '--mode',
  '--seconds',
  '--hitcount',
  '--mask',
  '--src-type',
  '--dst-type',
  '--ctstate',
  '--mark',
  '--set-xmark',
  '--set-mark',
  '--or-mark',
  '--xor-mark',
  '--and-mark',
  '--reject-with',
  '--to-ports',
  '--every',
  '--packet',
]);

interface RawOpt {
  name: string;
  value: string;
  invert: boolean;
}

/** One rule from its argument list (everything after `-A CHAIN`). */
export function parseRule(table: Table, chain: string, index: number, args: string[]): Rule {
  const rule: Rule = { table, chain, index, text: normalizeRule(chain, args), matches: [] };
  const groups: { name: string; opts: RawOpt[] }[] = [];
  let target: { name: string; opts: RawOpt[]; goto: boolean } | undefined;
  let cur: { name: string; opts: RawOpt[] } | undefined;
  let invert = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '!') {
      invert = true;
      continue;
    }
    if (a === '-s' || a === '--source' || a === '--src') {
      rule.src = cidr(args[++i] ?? '', invert);
    } else if (a === '-d' || a === '--destination' || a === '--dst') {
      rule.dst = cidr(args[++i] ?? '', invert);
    } else if (a === '-p' || a === '--protocol') {
      rule.proto = { name: (args[++i] ?? '').toLowerCase(), invert };
    } else if (a === '-i' || a === '-o' || a === '--in-interface' || a === '--out-interface') {
      i++; // interfaces: every packet here crosses the interfaces the rule means
    } else if (a === '-m' || a === '--match') {
      cur = { name: args[++i] ?? '', opts: [] };
      groups.push(cur);
    } else if (a === '-j' || a === '--jump' || a === '-g' || a === '--goto') {
      target = { name: args[++i] ?? '', opts: [], goto: a === '-g' || a === '--goto' };
      cur = target;
    } else if (a.startsWith('--')) {
      if (!cur && (a === '--dport' || a === '--sport') && rule.proto) {
        cur = { name: rule.proto.name, opts: [] };
        groups.push(cur);
      }
      let value = '';
      if (TAKES_VALUE.has(a) && i + 1 < args.length) value = args[++i] as string;
      cur?.opts.push({ name: a, value, invert });
    }
    invert = false;
  }
  for (const g of groups) rule.matches.push(parseMatch(g.name, g.opts));
  if (target) rule.target = parseTarget(target.name, target.opts, target.goto);
  return rule;
}

function opt(opts: RawOpt[], ...names: string[]): RawOpt | undefined {
  return opts.find((o) => names.includes(o.name));
}

function parseMatch(name: string, opts: RawOpt[]): Match {
  switch (name) {
    case 'comment':
      return { kind: 'comment', text: opt(opts, '--comment')?.value ?? '' };
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const m: Match = { kind: 'ports' };
      const d = opt(opts, '--dport', '--destination-port');
      const s = opt(opts, '--sport', '--source-port');
      if (d) m.dport = portRange(d.value, d.invert);
      if (s) m.sport = portRange(s.value, s.invert);
      return m;
    }
    case 'statistic': {
      const mode = opt(opts, '--mode')?.value ?? 'random';
      const p = opt(opts, '--probability');
      if (mode !== 'random' || !p) return { kind: 'unknown', name: `statistic --mode ${mode}` };
      // xt_statistic keeps lround(p · 2^31) and matches when (random u32 & 0x7fffffff) is below it.
      return { kind: 'statistic', threshold: Math.round(Number.parseFloat(p.value) * 0x80000000), invert: p.invert };
    }
    case 'recent': {
      const has = (n: string) => opts.some((o) => o.name === n);
      return {
        kind: 'recent',
        name: opt(opts, '--name')?.value ?? 'DEFAULT',
        op: has('--set') ? 'set' : has('--update') ? 'update' : has('--remove') ? 'remove' : 'rcheck',
        seconds: Number(opt(opts, '--seconds')?.value ?? 0),
        reap: has('--reap'),
        rdest: has('--rdest'),
        invert: opts.some((o) => o.invert),
      };
    }
    case 'addrtype': {
      const m: Match = { kind: 'addrtype' };
      const s = opt(opts, '--src-type');
      const d = opt(opts, '--dst-type');
      if (s) m.src = { types: s.value.toUpperCase().split(','), invert: s.invert };
      if (d) m.dst = { types: d.value.toUpperCase().split(','), invert: d.invert };
      return m;
    }
    case 'conntrack': {
      const o = opt(opts, '--ctstate');
      if (!o) return { kind: 'unknown', name: 'conntrack' };
      return { kind: 'conntrack', states: o.value.toUpperCase().split(','), invert: o.invert };
    }
    case 'mark': {
      const o = opt(opts, '--mark');
      const [value, mask] = markPair(o?.value ?? '0');
      return { kind: 'mark', value, mask, invert: o?.invert ?? false };
    }
    case 'nfacct':
      return { kind: 'nfacct' };
    default:
      return { kind: 'unknown', name };
  }
}

function parseTarget(name: string, opts: RawOpt[], goto: boolean): Target {
  switch (name) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
    case 'MASQUERADE':
      return { kind: name };
    case 'REJECT':
      return { kind: 'REJECT', with: opt(opts, '--reject-with')?.value ?? 'icmp-port-unreachable' };
    case 'DNAT': {
      const to = opt(opts, '--to-destination')?.value ?? '';
      const colon = to.lastIndexOf(':');
      if (colon < 0) return { kind: 'DNAT', ip: to };
      return { kind: 'DNAT', ip: to.slice(0, colon), port: Number(to.slice(colon + 1)) };
    }
    case 'MARK': {
      let value = 0;
      let mask = 0xffffffff;
      for (const o of opts) {
        const [v, m] = markPair(o.value);
        if (o.name === '--set-xmark') [value, mask] = [v, m];
        else if (o.name === '--set-mark') [value, mask] = [v, (v | m) >>> 0];
        else if (o.name === '--or-mark') [value, mask] = [v, v];
        else if (o.name === '--xor-mark') [value, mask] = [v, 0];
        else if (o.name === '--and-mark') [value, mask] = [0, ~v >>> 0];
      }
      return { kind: 'MARK', value, mask };
    }
    default:
      // A user chain (KUBE-SVC-…), or a target extension the walk does not know: which of the two
      // is decided when the rule runs, by whether the table has a chain of that name.
      return { kind: 'jump', chain: name, goto };
  }
}

/** Splits one `-A CHAIN …` line into the chain and its arguments. */
export function splitRuleLine(line: string): { chain: string; args: string[] } | undefined {
  const args = splitArgs(line);
  if (args[0] !== '-A' || !args[1]) return undefined;
  return { chain: args[1], args: args.slice(2) };
}
