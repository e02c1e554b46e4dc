/**
 * `iptables`, `iptables-save` on a kind node (Debian bookworm: iptables v1.8.9, nf_tables backend),
 * reading the tables kube-proxy left there (workers/kube-proxy/iptables.ts models them).
 *
 * `-S` prints every rule as iptables-save does; `-L` prints the table layout of iptables'
 * print_header / print_rule_details / print_ipv4_addresses (iptables/xshared.c, nft-ipv4.c) and
 * every match's and target's own print function (extensions/libxt_comment.c `/* … *\/`,
 * libxt_tcp.c `tcp dpt:80`, libxt_statistic.c, libxt_recent.c, libxt_addrtype.c,
 * libxt_conntrack.c, libxt_mark.c, libxt_MARK.c, libxt_MASQUERADE.c, libxt_DNAT.c, libipt_REJECT.c).
 * Options are parsed as iptables' getopt loop does, including its error texts and exit codes, so
 * `-L -n KUBE-SERVICES` fails with "Bad argument" as it does on a real node.
 */
import {
  IptablesState,
  kubeProxyNodeTables,
  normalizeRule,
  splitArgs,
  type TableName,
} from '../../../workers/kube-proxy/iptables.ts';
import { serviceName } from './services.ts';
import type { ShellResult } from './types.ts';

const VERSION = 'v1.8.9';
const PREFIX = `iptables ${VERSION} (nf_tables): `;
const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";
const TABLES: TableName[] = ['raw', 'mangle', 'filter', 'security', 'nat'];
const BUILTIN: Record<TableName, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

export interface IptablesEnv {
  /** The restore input of kube-proxy's last sync, or undefined before the first one. */
  restoreInput: string | undefined;
  /** Epoch ms for iptables-save's header. */
  now: number;
  /** Reverse name lookup as the node's resolver answers it (for -L without -n). */
  resolve?: (ip: string) => string | undefined;
}

/** The node's tables: kube-proxy's canaries and jumps plus its last restore input. */
export function nodeTables(restoreInput: string | undefined): IptablesState {
  return restoreInput === undefined ? new IptablesState() : kubeProxyNodeTables(restoreInput);
}

function ok(stdout: string): ShellResult {
  return { stdout, stderr: '', exit: 0 };
}

function fail(stderr: string, exit: number, stdout = ''): ShellResult {
  return { stdout, stderr, exit };
}

function paramProblem(msg: string): ShellResult {
  return fail(`${PREFIX}${msg}\n${TRY}`, 2);
}

// ---- iptables-save ------------------------------------------------------------------------------------

export function iptablesSaveCommand(args: string[], env: IptablesEnv): ShellResult {
  let table: string | undefined;
  let counters = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-t' || a === '--table') {
      table = args[++i];
      if (table === undefined)
        return fail(`iptables-save ${VERSION} (nf_tables): option requires an argument -- 't'\n`, 1);
    } else if (a.startsWith('--table=')) table = a.slice(8);
    else if (a.startsWith('-t') && a.length > 2) table = a.slice(2);
    else if (a === '-c' || a === '--counters') counters = true;
    else if (a === '-V' || a === '--version') return ok(`iptables-save ${VERSION} (nf_tables)\n`);
    else return fail(`Unknown arguments found on commandline\n`, 1);
  }
  if (table !== undefined && !(TABLES as string[]).includes(table))
    return fail(`Table \`${table}' does not exist\n`, 1);
  const st = nodeTables(env.restoreInput);
  if (table !== undefined) st.table(table as TableName);
  else if (env.restoreInput === undefined) return ok(''); // no table has been touched yet
  let text = st.save({ date: env.now });
  if (table !== undefined) {
    // Keep the one table's block: its "# Generated" line through its "# Completed" line.
    const lines = text.split('\n');
    const start = lines.indexOf(`*${table}`);
    let end = start;
    while (end < lines.length && lines[end] !== 'COMMIT') end++;
    text = `${[...lines.slice(start - 1, end + 2)].join('\n')}\n`;
  }
  if (counters) text = text.replace(/^-A /gm, '[0:0] -A ');
  return ok(text);
}

// ---- the iptables command line ----------------------------------------------------------------------

interface Parsed {
  command?: 'L' | 'S' | 'V' | 'h';
  table: string;
  chain?: string;
  rulenum?: number;
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

const LONG: Record<string, string> = {
  '--list': 'L',
  '--list-rules': 'S',
  '--numeric': 'n',
  '--verbose': 'v',
  '--exact': 'x',
  '--line-numbers': '0',
  '--table': 't',
  '--wait': 'w',
  '--wait-interval': 'W',
  '--version': 'V',
  '--help': 'h',
  '--append': 'A',
  '--check': 'C',
  '--delete': 'D',
  '--insert': 'I',
  '--replace': 'R',
  '--flush': 'F',
  '--zero': 'Z',
  '--new-chain': 'N',
  '--delete-chain': 'X',
  '--rename-chain': 'E',
  '--policy': 'P',
};
const MODIFYING = new Set(['A', 'C', 'D', 'I', 'R', 'F', 'Z', 'N', 'X', 'E', 'P']);
const SHORT = new Set(['L', 'S', 'n', 'v', 'x', 't', 'w', 'W', 'V', 'h', ...MODIFYING]);

/** iptables' command-line loop for the listing commands (do_parse in iptables/xshared.c). */
function parse(args: string[]): Parsed | ShellResult {
  const p: Parsed = { table: 'filter', numeric: false, verbose: false, exact: false, lineNumbers: false };
  let i = 0;
  const optionalChain = (attached: string) => {
    if (attached !== '') p.chain = attached;
    else if (i < args.length && !(args[i] as string).startsWith('-') && !(args[i] as string).startsWith('!'))
      p.chain = args[i++];
    if (i < args.length && !(args[i] as string).startsWith('-') && !(args[i] as string).startsWith('!')) {
      const r = args[i++] as string;
      if (!/^\d+$/.test(r) || Number(r) < 1 || Number(r) > 2147483647)
        return paramProblem(`Invalid rule number \`${r}'`);
      p.rulenum = Number(r);
    }
    return undefined;
  };
  const setCommand = (c: 'L' | 'S' | 'V' | 'h'): ShellResult | undefined => {
    if (p.command && p.command !== 'V' && p.command !== 'h') return paramProblem(`Cannot use -${c} with -${p.command}`);
    p.command = c;
    return undefined;
  };
  const apply = (opt: string, attached: string | undefined, shown: string): ShellResult | undefined => {
    switch (opt) {
      case 'L':
      case 'S': {
        const e = setCommand(opt);
        if (e) return e;
        return optionalChain(attached ?? '');
      }
      case 'n':
        p.numeric = true;
        return undefined;
      case 'v':
        p.verbose = true;
        return undefined;
      case 'x':
        p.exact = true;
        return undefined;
      case '0':
        p.lineNumbers = true;
        return undefined;
      case 'w':
      case 'W':
        // -w [seconds]: the optional value must be attached or a number.
        if (attached === undefined && i < args.length && /^\d+$/.test(args[i] as string)) i++;
        return undefined;
      case 't': {
        const v = attached !== undefined && attached !== '' ? attached : args[i++];
        if (v === undefined) return paramProblem(`option "${shown}" requires an argument`);
        p.table = v;
        return undefined;
      }
      case 'V':
        p.command = p.command ?? 'V';
        return undefined;
      case 'h':
        p.command = 'h';
        return undefined;
      default:
        return fail(
          'iptables: this node shell is read-only: kube-proxy owns these rules (use kubectl to change Services)\n',
          4,
        );
    }
  };
  while (i < args.length) {
    const a = args[i++] as string;
    if (a === '!') continue;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      const opt = LONG[name];
      if (!opt) return paramProblem(`unknown option "${a}"`);
      const e = apply(opt, eq < 0 ? undefined : a.slice(eq + 1), name);
      if (e) return e;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k] as string;
        if (!SHORT.has(c)) return paramProblem(`unknown option "-${c}"`);
        if (c === 'L' || c === 'S' || c === 't' || c === 'w' || c === 'W') {
          // The rest of the cluster is the option's argument (-Lchain, -tnat).
          const rest = a.slice(k + 1);
          const e = apply(c, rest === '' && c !== 'L' && c !== 'S' ? undefined : rest, `-${c}`);
          if (e) return e;
          break;
        }
        const e = apply(c, undefined, `-${c}`);
        if (e) return e;
      }
      continue;
    }
    return fail(`Bad argument \`${a}'\n${TRY}`, 2);
  }
  return p;
}

export function iptablesCommand(args: string[], env: IptablesEnv): ShellResult {
  const p = parse(args);
  if ('exit' in p) return p;
  if (p.command === 'V') return ok(`iptables ${VERSION} (nf_tables)\n`);
  if (p.command === 'h')
    return ok(`iptables ${VERSION} (nf_tables)\n\n(the full help text is not part of this simulated node)\n`);
  if (!p.command) return paramProblem('no command specified');
  if (!(TABLES as string[]).includes(p.table))
    return fail(
      `${PREFIX}table '${p.table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n`,
      3,
    );
  const table = p.table as TableName;
  const st = nodeTables(env.restoreInput);
  const t = st.table(table);
  const users = [...t.chains.keys()].filter((c) => !t.policies.has(c)).sort(byteCompare);
  const all = [...BUILTIN[table], ...users];
  const chains = p.chain === undefined ? all : [p.chain];
  if (p.chain !== undefined && !t.chains.has(p.chain))
    return fail(`${PREFIX}chain \`${p.chain}' in table \`${table}' is incompatible, use 'nft' tool.\n`, 1);
  const rulesOf = (c: string) => (t.chains.get(c) ?? []).map((r) => normalizeRule(c, r));
  if (p.command === 'S') {
    const out: string[] = [];
    const counters = p.verbose ? ' -c 0 0' : '';
    if (p.rulenum === undefined) {
      for (const c of chains) out.push(t.policies.has(c) ? `-P ${c} ${t.policies.get(c)}${counters}` : `-N ${c}`);
    }
    for (const c of chains) {
      const rules = rulesOf(c);
      const pick = p.rulenum === undefined ? rules : rules.slice(p.rulenum - 1, p.rulenum);
      for (const r of pick) out.push(p.verbose ? withCounters(r) : r);
    }
    return ok(out.length ? `${out.join('\n')}\n` : '');
  }
  // -L
  const refs = new Map<string, number>();
  for (const c of t.chains.keys()) {
    for (const r of rulesOf(c)) {
      const target = parseRule(r).target?.name;
      if (target && !t.policies.has(target)) refs.set(target, (refs.get(target) ?? 0) + 1);
    }
  }
  const fmt: ListFormat = {
    numeric: p.numeric,
    verbose: p.verbose,
    exact: p.exact,
    lineNumbers: p.lineNumbers,
    resolve: env.resolve,
  };
  const out: string[] = [];
  chains.forEach((c, idx) => {
    const rules = rulesOf(c);
    if (p.rulenum !== undefined) {
      const r = rules[p.rulenum - 1];
      if (r) out.push(formatRule(parseRule(r), p.rulenum, fmt));
      return;
    }
    if (idx > 0) out.push('');
    const policy = t.policies.get(c);
    out.push(
      policy !== undefined
        ? `Chain ${c} (policy ${policy}${p.verbose ? ' 0 packets, 0 bytes' : ''})`
        : `Chain ${c} (${refs.get(c) ?? 0} references)`,
    );
    out.push(listHeader(fmt));
    rules.forEach((r, n) => {
      out.push(formatRule(parseRule(r), n + 1, fmt));
    });
  });
  return ok(out.length ? `${out.join('\n')}\n` : '');
}

function withCounters(rule: string): string {
  const m = / -[jg] /.exec(rule);
  return m ? `${rule.slice(0, m.index)} -c 0 0${rule.slice(m.index)}` : `${rule} -c 0 0`;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- a saved rule, taken apart ------------------------------------------------------------------------

interface Flag {
  v: string;
  inv: boolean;
}
interface Opt {
  name: string;
  values: string[];
  inv: boolean;
}
interface Ext {
  name: string;
  opts: Opt[];
}
export interface RuleParts {
  s?: Flag;
  d?: Flag;
  i?: Flag;
  o?: Flag;
  p?: Flag;
  matches: Ext[];
  target?: Ext;
  goto: boolean;
}

/** Options that take exactly one value (which may itself look like an option). */
const ONE_VALUE = new Set([
  '--comment',
  '--name',
  '--to-destination',
  '--to-source',
  '--to-ports',
  '--nfacct-name',
  '--dport',
  '--sport',
  '--mark',
  '--set-xmark',
  '--ctstate',
  '--src-type',
  '--dst-type',
  '--mode',
  '--probability',
  '--every',
  '--packet',
  '--seconds',
  '--hitcount',
  '--mask',
  '--reject-with',
]);

/** Takes an iptables-save rule line (`-A CHAIN …`, as normalizeRule prints it) apart. */
export function parseRule(line: string): RuleParts {
  const args = splitArgs(line).slice(2);
  const r: RuleParts = { matches: [], goto: false };
  let cur: Ext | undefined;
  let inv = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === '!') {
      inv = true;
      continue;
    }
    if (!cur && (a === '-s' || a === '-d' || a === '-i' || a === '-o' || a === '-p')) {
      r[a[1] as 's' | 'd' | 'i' | 'o' | 'p'] = { v: args[++k] ?? '', inv };
      inv = false;
      continue;
    }
    if (a === '-m') {
      cur = { name: args[++k] ?? '', opts: [] };
      r.matches.push(cur);
      inv = false;
      continue;
    }
    if (a === '-j' || a === '-g') {
      cur = { name: args[++k] ?? '', opts: [] };
      r.target = cur;
      r.goto = a === '-g';
      inv = false;
      continue;
    }
    const values: string[] = [];
    if (ONE_VALUE.has(a)) {
      if (k + 1 < args.length) values.push(args[++k] as string);
    } else {
      while (k + 1 < args.length && !(args[k + 1] as string).startsWith('-') && args[k + 1] !== '!')
        values.push(args[++k] as string);
    }
    cur?.opts.push({ name: a, values, inv });
    inv = false;
  }
  return r;
}

// ---- iptables -L -------------------------------------------------------------------------------------

interface ListFormat {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
  resolve?: ((ip: string) => string | undefined) | undefined;
}

const PROTO_NUM: Record<string, number> = {
  all: 0,
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
};

function padEnd(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function padStart(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/** print_header (iptables/xshared.c) in table format. */
function listHeader(f: ListFormat): string {
  let s = '';
  if (f.lineNumbers) s += `${padEnd('num', 4)} `;
  if (f.verbose)
    s += f.exact
      ? `${padStart('pkts', 8)} ${padStart('bytes', 10)} `
      : `${padStart('pkts', 5)} ${padStart('bytes', 5)} `;
  s += `${padEnd('target', 9)} `;
  s += ' prot opt';
  if (f.verbose) s += ` ${padEnd('in', 6)} ${padEnd('out', 6)} `;
  s += ` ${padEnd('source', 19)} `;
  s += ` ${padEnd('destination', 19)} `;
  return s;
}

function counter(f: ListFormat): string {
  // xtables_print_num: every counter here is 0.
  return f.exact ? `${padStart('0', 8)} ` : `${padStart('0', 5)} `;
}

/** One rule in `iptables -L` layout (print_rule_details, print_fragment, print_ifaces, print_ipv4_addresses). */
function formatRule(r: RuleParts, num: number, f: ListFormat): string {
  let s = '';
  if (f.lineNumbers) s += `${padEnd(String(num), 4)} `;
  if (f.verbose) s += counter(f) + counter(f);
  s += `${padEnd(r.target?.name ?? '', 9)} `;
  s += r.p?.inv ? '!' : ' ';
  const pname = (r.p?.v ?? 'all').toLowerCase();
  const pnum = /^\d+$/.test(pname) ? Number(pname) : (PROTO_NUM[pname] ?? 0);
  if (f.numeric) s += padEnd(String(pnum), 5);
  else {
    const name = Object.entries(PROTO_NUM).find(([, v]) => v === pnum)?.[0];
    s += padEnd(name ?? String(pnum), 5);
  }
  s += '-- ';
  if (f.verbose) {
    const any = f.numeric ? '*' : 'any';
    s += ` ${padEnd(`${r.i?.inv ? '!' : ''}${r.i?.v ?? any}`, 6)} `;
    s += `${padEnd(`${r.o?.inv ? '!' : ''}${r.o?.v ?? any}`, 6)} `;
  }
  s += `${r.s?.inv ? '!' : ' '}${padEnd(address(r.s?.v, f), 19)} `;
  s += `${r.d?.inv ? '!' : ' '}${padEnd(address(r.d?.v, f), 19)} `;
  if (r.goto) s += '[goto] ';
  for (const m of r.matches) s += printMatch(m, f);
  if (r.target) s += printTarget(r.target);
  return s;
}

/** /etc/networks on a Debian node, which getnetbyaddr(3) reads after the host lookup fails. */
const NETWORKS: Record<string, string> = { '0.0.0.0': 'default', '127.0.0.0': 'loopback', '169.254.0.0': 'link-local' };

function address(v: string | undefined, f: ListFormat): string {
  const [ip, bits] = (v ?? '0.0.0.0/0').split('/') as [string, string | undefined];
  const len = bits === undefined ? 32 : Number(bits);
  if (len === 0 && !f.numeric) return 'anywhere';
  // xtables_ipaddr_to_anyname: a host name, else a network name, else the address.
  const host = f.numeric ? ip : (f.resolve?.(ip) ?? NETWORKS[ip] ?? ip);
  return len === 32 ? host : `${host}/${len}`;
}

function opt(e: Ext, name: string): Opt | undefined {
  return e.opts.find((o) => o.name === name);
}

function has(e: Ext, name: string): boolean {
  return e.opts.some((o) => o.name === name);
}

function port(p: string, proto: string, f: ListFormat): string {
  return f.numeric ? p : (serviceName(Number(p), proto) ?? p);
}

function ports(label: string, o: Opt | undefined, proto: string, f: ListFormat): string {
  if (!o) return '';
  const [a, b] = (o.values[0] ?? '').split(':') as [string, string | undefined];
  const inv = o.inv ? '!' : '';
  if (b === undefined) return ` ${label}:${inv}${port(a, proto, f)}`;
  return ` ${label}s:${inv}${port(a, proto, f)}:${port(b, proto, f)}`;
}

function printMatch(m: Ext, f: ListFormat): string {
  switch (m.name) {
    case 'comment':
      return ` /* ${opt(m, '--comment')?.values[0] ?? ''} */`;
    case 'tcp':
    case 'udp':
    case 'sctp':
      return ` ${m.name}${ports('spt', opt(m, '--sport'), m.name, f)}${ports('dpt', opt(m, '--dport'), m.name, f)}`;
    case 'statistic': {
      const mode = opt(m, '--mode')?.values[0] ?? 'random';
      if (mode === 'random') {
        const p = opt(m, '--probability');
        return ` statistic mode random${p?.inv ? ' !' : ''} probability ${p?.values[0] ?? ''}`;
      }
      const every = opt(m, '--every');
      const packet = opt(m, '--packet');
      const pk = packet && Number(packet.values[0]) !== 0 ? ` packet ${packet.values[0]}` : '';
      return ` statistic mode nth${every?.inv ? ' !' : ''} every ${every?.values[0] ?? ''}${pk}`;
    }
    case 'recent': {
      let s = m.opts.some((o) => o.inv) ? ' !' : '';
      s += ' recent:';
      if (has(m, '--set')) s += ' SET';
      if (has(m, '--rcheck')) s += ' CHECK';
      if (has(m, '--update')) s += ' UPDATE';
      if (has(m, '--remove')) s += ' REMOVE';
      const secs = opt(m, '--seconds');
      if (secs) s += ` seconds: ${secs.values[0]}`;
      if (has(m, '--reap')) s += ' reap';
      const hits = opt(m, '--hitcount');
      if (hits) s += ` hit_count: ${hits.values[0]}`;
      if (has(m, '--rttl')) s += ' TTL-Match';
      s += ` name: ${opt(m, '--name')?.values[0] ?? 'DEFAULT'}`;
      s += has(m, '--rdest') ? ' side: dest' : ' side: source';
      s += ` mask: ${opt(m, '--mask')?.values[0] ?? '255.255.255.255'}`;
      return s;
    }
    case 'addrtype': {
      let s = ' ADDRTYPE match';
      const src = opt(m, '--src-type');
      const dst = opt(m, '--dst-type');
      if (src) s += ` src-type ${src.inv ? '!' : ''}${src.values[0]}`;
      if (dst) s += ` dst-type ${dst.inv ? '!' : ''}${dst.values[0]}`;
      if (has(m, '--limit-iface-in')) s += ' limit-in';
      if (has(m, '--limit-iface-out')) s += ' limit-out';
      return s;
    }
    case 'conntrack': {
      let s = '';
      for (const o of m.opts) s += `${o.inv ? ' !' : ''} ${o.name.replace(/^--/, '')} ${o.values.join(' ')}`;
      return s;
    }
    case 'mark': {
      const o = opt(m, '--mark');
      return ` mark match${o?.inv ? ' !' : ''} ${o?.values[0] ?? ''}`;
    }
    case 'nfacct':
      return ` nfacct-name ${opt(m, '--nfacct-name')?.values[0] ?? ''}`;
    default: {
      let s = ` ${m.name}`;
      for (const o of m.opts)
        s += `${o.inv ? ' !' : ''} ${o.name.replace(/^--/, '')}${o.values.map((v) => ` ${v}`).join('')}`;
      return s;
    }
  }
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function printTarget(t: Ext): string {
  switch (t.name) {
    case 'MARK': {
      const [a, b] = (opt(t, '--set-xmark')?.values[0] ?? '0/0xffffffff').split('/');
      const mark = Number(a) >>> 0;
      const mask = Number(b ?? '0xffffffff') >>> 0;
      if (mark === 0) return ` MARK and ${hex(~mask)}`;
      if (mark === mask) return ` MARK or ${hex(mark)}`;
      if (mask === 0) return ` MARK xor ${hex(mark)}`;
      if (mask === 0xffffffff) return ` MARK set ${hex(mark)}`;
      return ` MARK xset ${hex(mark)}/${hex(mask)}`;
    }
    case 'MASQUERADE': {
      let s = '';
      const p = opt(t, '--to-ports');
      if (p) s += ` masq ports: ${p.values[0]}`;
      if (has(t, '--random')) s += ' random';
      if (has(t, '--random-fully')) s += ' random-fully';
      return s;
    }
    case 'DNAT':
    case 'SNAT': {
      const to = opt(t, t.name === 'DNAT' ? '--to-destination' : '--to-source');
      let s = to ? ` to:${to.values[0]}` : '';
      if (has(t, '--random')) s += ' random';
      if (has(t, '--random-fully')) s += ' random-fully';
      if (has(t, '--persistent')) s += ' persistent';
      return s;
    }
    case 'REJECT':
      return ` reject-with ${opt(t, '--reject-with')?.values[0] ?? 'icmp-port-unreachable'}`;
    default: {
      let s = '';
      for (const o of t.opts) s += ` ${o.name.replace(/^--/, '')}${o.values.map((v) => ` ${v}`).join('')}`;
      return s;
    }
  }
}
