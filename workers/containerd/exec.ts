/**
 * What runs when the kubelet asks the runtime to exec a command in a container (CRI Exec): the
 * image's own binaries, simulated. An image only has the tools its real filesystem has: busybox
 * and alpine have busybox's applets (sh, nslookup, wget, ping, …), the Debian-based images (nginx,
 * httpd, redis, postgres, mysql, python) have dash as sh, coreutils and, for nginx and python,
 * curl; distroless images (coredns, pause, the control-plane images) have no shell at all.
 *
 * Each tool prints what the real one prints: busybox nslookup (networking/nslookup.c: every search
 * domain queried at once for A and AAAA, one block per reply, exit 1 if any was not found), busybox
 * wget and ping, curl 7.88, the shells' "not found" messages. A binary that is not in the image
 * cannot be started at all: the runtime's error, not the shell's, as containerd reports it.
 *
 * The network goes through `Net`, which the runtime implements with the node's rules, the pod
 * network and CoreDNS (see netstack.ts).
 */
import { parse as shellParse } from 'shell-quote';
import {
  type Answer,
  CLUSTER_DOMAIN,
  type DnsConfig,
  type Question,
  resolvConf,
  searchCandidates,
} from '../../src/machinery/net/dns.ts';

export interface ExecTarget {
  /** Repository of the container's image (docker.io/library/busybox). */
  repo: string;
  hostname: string;
  namespace: string;
  /** The pod's IP (the node's for a host-network pod). */
  podIP: string;
  subdomain?: string;
  hostAliases?: { ip: string; hostnames: string[] }[];
  hostNetwork: boolean;
  dns: DnsConfig;
  envs: { key: string; value: string }[];
}

export type ConnectResult =
  | { kind: 'http'; status: number; reason: string; body: string; server: string }
  /** Accepted, then closed without an HTTP answer (not an HTTP server). */
  | { kind: 'closed' }
  | { kind: 'refused' }
  | { kind: 'timeout'; after: number }
  | { kind: 'unreachable' };

export type Lookup =
  | { kind: 'answers'; answers: Answer[] }
  /** The server's address was refused (ICMP port unreachable: no endpoints). */
  | { kind: 'refused' }
  | { kind: 'timeout' };

export interface Net {
  /** One socket's questions to the first nameserver: one walk, one answer or none. */
  query(questions: Question[], timeoutMs: number): Promise<Lookup>;
  /** A TCP connection and one HTTP GET. */
  connect(ip: string, port: number, path: string, host: string): Promise<ConnectResult>;
  /** One ICMP echo; null when nothing answered within `timeoutMs`. */
  ping(ip: string, timeoutMs: number): Promise<{ ttl: number; rtt: number } | null>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** runc could not start the process: containerd reports it as an error, not an exit code. */
export class OciError extends Error {}

type Shell = 'ash' | 'dash' | 'bash';

interface Toolset {
  shell?: Shell;
  /** Binaries on $PATH (basename). */
  bins: Set<string>;
  /** Directories those binaries are in, for absolute paths. */
  dirs: string[];
  libc: 'glibc' | 'musl';
  path: string;
}

const BUSYBOX_APPLETS = [
  'sh',
  'ash',
  'echo',
  'cat',
  'env',
  'printenv',
  'hostname',
  'sleep',
  'true',
  'false',
  'nslookup',
  'wget',
  'ping',
];
const DEBIAN = ['sh', 'dash', 'bash', 'echo', 'cat', 'env', 'printenv', 'hostname', 'sleep', 'true', 'false'];
const PATH_DEFAULT = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The tools an image's filesystem has. */
export function toolsetOf(repo: string): Toolset {
  const base = repo.split('/').pop() ?? '';
  const busybox: Toolset = {
    shell: 'ash',
    bins: new Set(BUSYBOX_APPLETS),
    dirs: ['/bin', '/sbin', '/usr/bin'],
    libc: base === 'alpine' || base === 'agnhost' ? 'musl' : 'glibc',
    path: PATH_DEFAULT,
  };
  switch (base) {
    case 'busybox':
    case 'alpine':
    case 'agnhost':
      return busybox;
    case 'nginx':
    case 'python':
      return {
        shell: 'dash',
        bins: new Set([...DEBIAN, 'curl']),
        dirs: ['/bin', '/usr/bin'],
        libc: 'glibc',
        path: PATH_DEFAULT,
      };
    case 'httpd':
    case 'redis':
    case 'postgres':
    case 'mysql':
      return { shell: 'dash', bins: new Set(DEBIAN), dirs: ['/bin', '/usr/bin'], libc: 'glibc', path: PATH_DEFAULT };
    case 'coredns':
    case 'pause':
    case 'etcd':
    case 'kube-apiserver':
    case 'kube-controller-manager':
    case 'kube-scheduler':
    case 'kube-proxy':
    case 'kindnetd':
    case 'local-path-provisioner':
      return { bins: new Set(), dirs: [], libc: 'glibc', path: PATH_DEFAULT };
    default:
      // The teaching images are small busybox-based images.
      return busybox;
  }
}

/** The kubelet's managed /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent). */
export function hostsFile(t: ExecTarget): string {
  if (t.hostNetwork) {
    return `# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n${t.podIP}\t${t.hostname}\n`;
  }
  let s =
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  if (t.subdomain)
    s += `${t.podIP}\t${t.hostname}.${t.subdomain}.${t.namespace}.svc.${CLUSTER_DOMAIN}\t${t.hostname}\n`;
  else s += `${t.podIP}\t${t.hostname}\n`;
  if (t.hostAliases?.length) {
    s += '\n# Entries added by HostAliases.\n';
    for (const a of t.hostAliases) s += `${a.ip}\t${a.hostnames.join('\t')}\n`;
  }
  return s;
}

function envOf(t: ExecTarget, tools: Toolset): [string, string][] {
  const out: [string, string][] = [
    ['PATH', tools.path],
    ['HOSTNAME', t.hostname],
  ];
  for (const e of t.envs) {
    const i = out.findIndex(([k]) => k === e.key);
    if (i >= 0) out[i] = [e.key, e.value];
    else out.push([e.key, e.value]);
  }
  if (!out.some(([k]) => k === 'HOME')) out.push(['HOME', '/root']);
  return out;
}

class Out {
  stdout = '';
  stderr = '';
}

/** Runs `argv` in the container (CRI Exec). Throws OciError when the binary cannot be started. */
export async function execInContainer(argv: string[], t: ExecTarget, net: Net): Promise<ExecResult> {
  const tools = toolsetOf(t.repo);
  const exe = argv[0] ?? '';
  const base = exe.split('/').pop() ?? '';
  if (exe.includes('/')) {
    const dir = exe.slice(0, exe.lastIndexOf('/')) || '/';
    if (!tools.bins.has(base) || !tools.dirs.includes(dir))
      throw new OciError(
        `OCI runtime exec failed: exec failed: unable to start container process: exec: "${exe}": stat ${exe}: no such file or directory: unknown`,
      );
  } else if (!tools.bins.has(base)) {
    throw new OciError(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${exe}": executable file not found in $PATH: unknown`,
    );
  }
  const out = new Out();
  const code = await run(argv, t, tools, net, out, 0);
  return { stdout: out.stdout, stderr: out.stderr, exitCode: code };
}

async function run(argv: string[], t: ExecTarget, tools: Toolset, net: Net, out: Out, depth: number): Promise<number> {
  const cmd = (argv[0] ?? '').split('/').pop() ?? '';
  const args = argv.slice(1);
  switch (cmd) {
    case 'sh':
    case 'ash':
    case 'dash':
    case 'bash':
      return shell(cmd === 'bash' ? 'bash' : (tools.shell ?? 'ash'), args, t, tools, net, out, depth);
    case 'echo': {
      let a = args;
      let nl = true;
      if (a[0] === '-n') {
        nl = false;
        a = a.slice(1);
      }
      out.stdout += a.join(' ') + (nl ? '\n' : '');
      return 0;
    }
    case 'true':
      return 0;
    case 'false':
      return 1;
    case 'hostname':
      out.stdout += `${t.hostname}\n`;
      return 0;
    case 'env':
    case 'printenv': {
      const env = envOf(t, tools);
      if (cmd === 'printenv' && args.length) {
        let code = 0;
        for (const a of args) {
          const v = env.find(([k]) => k === a);
          if (v) out.stdout += `${v[1]}\n`;
          else code = 1;
        }
        return code;
      }
      if (cmd === 'env' && args.length) return run(args, t, tools, net, out, depth + 1);
      for (const [k, v] of env) out.stdout += `${k}=${v}\n`;
      return 0;
    }
    case 'cat':
      return cat(args, t, tools, out);
    case 'sleep':
      return sleep(args, tools, net, out);
    case 'nslookup':
      return nslookup(args, t, net, out);
    case 'wget':
      return wget(args, t, net, out);
    case 'curl':
      return curl(args, t, net, out);
    case 'ping':
      return ping(args, t, net, out);
    default:
      return notFound(tools.shell ?? 'ash', argv[0] ?? '', out);
  }
}

function notFound(shell: Shell, name: string, out: Out): number {
  if (shell === 'dash') out.stderr += `sh: 1: ${name}: not found\n`;
  else if (shell === 'bash') out.stderr += `bash: line 1: ${name}: command not found\n`;
  else out.stderr += `sh: ${name}: not found\n`;
  return 127;
}

/** `sh -c 'a; b && c || d'`: simple commands joined by ;, && and ||. */
async function shell(
  sh: Shell,
  args: string[],
  t: ExecTarget,
  tools: Toolset,
  net: Net,
  out: Out,
  depth: number,
): Promise<number> {
  if (args[0] !== '-c') {
    // No script and stdin closed (no -i): the shell reads EOF and exits.
    return 0;
  }
  const script = args[1] ?? '';
  const env = Object.fromEntries(envOf(t, tools));
  const tokens = shellParse(script, (k) => env[k] ?? '');
  let code = 0;
  let words: string[] = [];
  let skip = false;
  const flush = async () => {
    if (words.length && !skip) {
      const name = words[0] as string;
      if (name.includes('=') && /^[A-Za-z_]\w*=/.test(name)) {
        code = 0;
      } else if (!tools.bins.has(name.split('/').pop() ?? '') && name !== 'exit' && name !== 'cd') {
        code = notFound(sh, name, out);
      } else if (name === 'exit') {
        code = Number(words[1] ?? code);
        words = [];
        return 'exit';
      } else if (name === 'cd') code = 0;
      else code = await run(words, t, tools, net, out, depth + 1);
    }
    words = [];
    return '';
  };
  for (const tok of tokens) {
    if (typeof tok === 'string') {
      words.push(tok);
      continue;
    }
    const op = (tok as { op?: string }).op;
    if (op === ';' || op === '&&' || op === '||') {
      if ((await flush()) === 'exit') return code;
      skip = op === '&&' ? code !== 0 : op === '||' ? code === 0 : false;
    } else if (op === 'glob') {
      words.push((tok as { pattern: string }).pattern);
    } else {
      out.stderr += `${sh === 'dash' ? 'sh: 1: ' : 'sh: '}${op ?? 'syntax'}: not supported by this simulated shell\n`;
      return 2;
    }
  }
  await flush();
  return code;
}

function cat(args: string[], t: ExecTarget, tools: Toolset, out: Out): number {
  let code = 0;
  for (const f of args) {
    const text =
      f === '/etc/resolv.conf'
        ? resolvConf(t.dns)
        : f === '/etc/hosts'
          ? hostsFile(t)
          : f === '/etc/hostname'
            ? `${t.hostname}\n`
            : undefined;
    if (text !== undefined) out.stdout += text;
    else {
      code = 1;
      out.stderr +=
        tools.shell === 'ash'
          ? `cat: can't open '${f}': No such file or directory\n`
          : `cat: ${f}: No such file or directory\n`;
    }
  }
  return code;
}

function seconds(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(v);
  if (!m) return undefined;
  const mult: { [k: string]: number } = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
  return Number(m[1]) * (mult[m[2] ?? ''] ?? 1);
}

async function sleep(args: string[], tools: Toolset, net: Net, out: Out): Promise<number> {
  if (args[0] === 'infinity') {
    await new Promise<void>(() => {});
    return 0;
  }
  let total = 0;
  for (const a of args) {
    const s = seconds(a);
    if (s === undefined) {
      out.stderr += tools.shell === 'ash' ? `sleep: invalid number '${a}'\n` : `sleep: invalid time interval '${a}'\n`;
      return 1;
    }
    total += s;
  }
  if (args.length === 0) {
    out.stderr +=
      tools.shell === 'ash'
        ? 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: sleep [N]...\n'
        : "sleep: missing operand\nTry 'sleep --help' for more information.\n";
    return 1;
  }
  await net.sleep(total * 1000);
  return 0;
}

// ---- name resolution (libc) ----------------------------------------------------------------------

function isIP(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

/** getaddrinfo: /etc/hosts, then DNS along the search path. */
async function resolveHost(
  name: string,
  t: ExecTarget,
  net: Net,
): Promise<{ ip?: string; error?: 'notfound' | 'again' }> {
  if (isIP(name)) return { ip: name };
  if (name === 'localhost') return { ip: '127.0.0.1' };
  if (name === t.hostname) return { ip: t.podIP };
  for (const a of t.hostAliases ?? []) if (a.hostnames.includes(name)) return { ip: a.ip };
  if (t.dns.nameservers.length === 0) return { error: 'notfound' };
  for (const cand of searchCandidates(name, t.dns)) {
    // glibc asks A and AAAA together on one socket; 5 s timeout, 2 attempts.
    let r = await net.query(
      [
        { name: cand, type: 'A' },
        { name: cand, type: 'AAAA' },
      ],
      5000,
    );
    if (r.kind === 'timeout')
      r = await net.query(
        [
          { name: cand, type: 'A' },
          { name: cand, type: 'AAAA' },
        ],
        5000,
      );
    if (r.kind === 'timeout') return { error: 'again' };
    if (r.kind === 'refused') return { error: 'again' };
    const a = r.answers[0];
    const rec = a?.records.find((x) => x.type === 'A');
    if (a?.rcode === 'NOERROR' && rec) return { ip: rec.data };
    if (a && a.rcode !== 'NOERROR' && a.rcode !== 'NXDOMAIN') return { error: 'again' };
  }
  return { error: 'notfound' };
}

// ---- nslookup (busybox) --------------------------------------------------------------------------

async function nslookup(args: string[], t: ExecTarget, net: Net, out: Out): Promise<number> {
  const positional: string[] = [];
  let types: Question['type'][] = [];
  let timeout = 5;
  let retry = 2;
  for (const a of args) {
    if (a.startsWith('-') && positional.length === 0) {
      const [k, v = ''] = a.slice(1).split('=');
      if (k === 'type' || k === 'querytype' || k === 'q' || k === 'query')
        types.push(v.toUpperCase() as Question['type']);
      else if (k === 'timeout' || k === 't') timeout = Number(v) || timeout;
      else if (k === 'retry') retry = Number(v) || retry;
      else if (k === 'debug') continue;
      else return nslookupUsage(out);
      continue;
    }
    positional.push(a);
  }
  const name = positional[0];
  if (!name || positional.length > 2) return nslookupUsage(out);
  if (positional[1]) {
    out.stderr += "nslookup: a server other than the pod's nameserver is not simulated\n";
    return 1;
  }
  const server = t.dns.nameservers[0] ?? '127.0.0.1';
  // PTR for an address; otherwise A then AAAA, each over the search domains when the name has no dot.
  const qs: Question[] = [];
  const search = t.dns.searches;
  const withSearch = (type: Question['type']) => {
    if (name.includes('.') || search.length === 0) qs.push({ name, type });
    else for (const s of search) qs.push({ name: `${name}.${s}`, type });
  };
  if (isIP(name)) qs.push({ name: `${name.split('.').reverse().join('.')}.in-addr.arpa`, type: 'PTR' });
  else if (types.length) for (const ty of types) withSearch(ty);
  else {
    withSearch('A');
    withSearch('AAAA');
  }
  types = [];
  // send_queries: re-send every timeout/retry until timeout; a refused send is a read error.
  const interval = (timeout * 1000) / retry;
  let r: Lookup = { kind: 'timeout' };
  let waited = 0;
  while (waited < timeout * 1000) {
    r = await net.query(qs, interval);
    if (r.kind === 'answers') break;
    if (r.kind === 'refused') {
      out.stderr += 'nslookup: read: Connection refused\n';
      await net.sleep(interval);
    }
    waited += interval;
  }
  if (r.kind !== 'answers') {
    out.stdout += ';; connection timed out; no servers could be reached\n\n';
    return 1;
  }
  out.stdout += `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  let code = 0;
  for (const a of r.answers) {
    if (a.rcode !== 'NOERROR') {
      out.stdout += `** server can't find ${a.question.name}: ${a.rcode}\n\n`;
      code = 1;
      continue;
    }
    if (!a.aa) out.stdout += 'Non-authoritative answer:\n';
    for (const rec of a.records) {
      const owner = rec.name.replace(/\.$/, '');
      if (rec.type === 'A' || rec.type === 'AAAA') out.stdout += `Name:\t${owner}\nAddress: ${rec.data}\n`;
      else if (rec.type === 'PTR') out.stdout += `${owner}\tname = ${rec.data.replace(/\.$/, '')}\n`;
      else if (rec.type === 'CNAME') out.stdout += `${owner}\tcanonical name = ${rec.data.replace(/\.$/, '')}\n`;
    }
    out.stdout += '\n';
  }
  return code;
}

function nslookupUsage(out: Out): number {
  out.stderr +=
    'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any,srv,ptr\n';
  return 1;
}

// ---- HTTP clients --------------------------------------------------------------------------------

interface Url {
  host: string;
  port: number;
  path: string;
}

function parseUrl(u: string): Url | undefined {
  const m = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)/.exec(u);
  if (!m) return undefined;
  if (m[1] === 'https') return { host: m[2] as string, port: Number(m[3] ?? 443), path: m[4] || '/' };
  return { host: m[2] as string, port: Number(m[3] ?? 80), path: m[4] || '/' };
}

async function wget(args: string[], t: ExecTarget, net: Net, out: Out): Promise<number> {
  let quiet = false;
  let output: string | undefined;
  let url: string | undefined;
  let timeout = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-q') quiet = true;
    else if (a === '-O') output = args[++i];
    else if (a.startsWith('-O')) output = a.slice(2);
    else if (a === '-qO-' || a === '-qO') {
      quiet = true;
      output = a === '-qO-' ? '-' : args[++i];
    } else if (a === '-T') timeout = Number(args[++i]);
    else if (a.startsWith('--timeout=')) timeout = Number(a.slice(10));
    else if (a === '--spider' || a === '-S' || a === '-s') continue;
    else if (a.startsWith('-')) {
      for (const c of a.slice(1)) if (c === 'q') quiet = true;
      if (a.includes('O')) output = a.endsWith('O') ? args[++i] : a.slice(a.indexOf('O') + 1);
    } else url = a;
  }
  if (!url) {
    out.stderr +=
      'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n';
    return 1;
  }
  const u = parseUrl(url);
  if (!u) {
    out.stderr += `wget: not an http or ftp url: ${url}\n`;
    return 1;
  }
  if (url.startsWith('https://')) {
    out.stderr += `wget: note: TLS certificate validation not implemented\nwget: error getting response: Connection reset by peer\n`;
    return 1;
  }
  const res = await resolveHost(u.host, t, net);
  if (!res.ip) {
    out.stderr += `wget: bad address '${u.host}'\n`;
    return 1;
  }
  if (!quiet) out.stderr += `Connecting to ${u.host}${u.port !== 80 ? `:${u.port}` : ''} (${res.ip}:${u.port})\n`;
  const r = await withTimeout(net.connect(res.ip, u.port, u.path, u.host), timeout, net);
  if (r.kind === 'refused' || r.kind === 'unreachable' || r.kind === 'timeout') {
    const why =
      r.kind === 'refused'
        ? 'Connection refused'
        : r.kind === 'unreachable'
          ? 'No route to host'
          : 'Connection timed out';
    if (r.kind === 'timeout' && timeout > 0) out.stderr += 'wget: download timed out\n';
    else out.stderr += `wget: can't connect to remote host (${res.ip}): ${why}\n`;
    return 1;
  }
  if (r.kind === 'closed') {
    out.stderr += 'wget: error getting response\n';
    return 1;
  }
  if (r.status >= 400) {
    out.stderr += `wget: server returned error: HTTP/1.1 ${r.status} ${r.reason}\n`;
    return 1;
  }
  const file = output ?? (u.path.split('/').pop() || 'index.html');
  const size = new TextEncoder().encode(r.body).length;
  if (file === '-') {
    if (!quiet) out.stderr += `writing to stdout\n${progress('-', size)}written to stdout\n`;
    out.stdout += r.body;
  } else if (!quiet) out.stderr += `saving to '${file}'\n${progress(file, size)}'${file}' saved\n`;
  return 0;
}

/** busybox's progress meter at 100% on an 80-column line. */
function progress(name: string, size: number): string {
  return `${name.padEnd(20).slice(0, 20)} 100% |********************************|${String(size).padStart(6)}  0:00:00 ETA\n`;
}

async function withTimeout(p: Promise<ConnectResult>, seconds: number, net: Net): Promise<ConnectResult> {
  if (!seconds) return p;
  let done = false;
  return Promise.race([
    p.then((r) => {
      done = true;
      return r;
    }),
    net
      .sleep(seconds * 1000)
      .then((): ConnectResult => (done ? { kind: 'closed' } : { kind: 'timeout', after: seconds * 1000 })),
  ]);
}

async function curl(args: string[], t: ExecTarget, net: Net, out: Out): Promise<number> {
  let silent = false;
  let showErr = false;
  let fail = false;
  let url: string | undefined;
  let maxTime = 0;
  let connectTimeout = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--silent') silent = true;
    else if (a === '--show-error') showErr = true;
    else if (a === '--fail') fail = true;
    else if (a === '-m' || a === '--max-time') maxTime = Number(args[++i]);
    else if (a === '--connect-timeout') connectTimeout = Number(args[++i]);
    else if (a.startsWith('-') && !a.startsWith('--')) {
      for (const c of a.slice(1)) {
        if (c === 's') silent = true;
        else if (c === 'S') showErr = true;
        else if (c === 'f') fail = true;
      }
    } else if (!a.startsWith('-')) url = a;
  }
  const err = (code: number, msg: string) => {
    if (!silent || showErr) out.stderr += `curl: (${code}) ${msg}\n`;
    return code;
  };
  if (!url) {
    out.stderr += "curl: try 'curl --help' or 'curl --manual' for more information\n";
    return 2;
  }
  const u = parseUrl(url);
  if (!u) return err(3, `URL rejected: Malformed input to a URL function`);
  const started = net.now();
  const res = await resolveHost(u.host, t, net);
  if (!res.ip) return err(6, `Could not resolve host: ${u.host}`);
  const limit = connectTimeout || maxTime;
  const r = await withTimeout(net.connect(res.ip, u.port, u.path, u.host), limit, net);
  const ms = Math.max(0, Math.round(net.now() - started));
  if (r.kind === 'timeout' && limit)
    return err(28, `Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Timeout was reached`);
  if (r.kind === 'refused' || r.kind === 'unreachable' || r.kind === 'timeout')
    return err(7, `Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`);
  if (r.kind === 'closed') return err(52, 'Empty reply from server');
  if (fail && r.status >= 400) return err(22, `The requested URL returned error: ${r.status}`);
  const size = new TextEncoder().encode(r.body).length;
  if (!silent) {
    out.stderr += `  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100${String(size).padStart(6)}  100${String(size).padStart(6)}    0     0   ${speed(size, ms)}      0 --:--:-- --:--:-- --:--:--  ${speed(size, ms)}\n`;
  }
  out.stdout += r.body;
  return 0;
}

/** curl's speed column: bytes per second, 5 wide, with k/M suffixes. */
function speed(bytes: number, ms: number): string {
  const bps = Math.round((bytes / Math.max(ms, 1)) * 1000);
  if (bps < 100000) return String(bps).padStart(5);
  if (bps < 10_000_000) return `${Math.round(bps / 1024)}k`.padStart(5);
  return `${Math.round(bps / 1024 / 1024)}M`.padStart(5);
}

// ---- ping (busybox) ------------------------------------------------------------------------------

async function ping(args: string[], t: ExecTarget, net: Net, out: Out): Promise<number> {
  let count = 0;
  let wait = 10;
  let quiet = false;
  let host: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c') count = Number(args[++i]);
    else if (a.startsWith('-c')) count = Number(a.slice(2));
    else if (a === '-W') wait = Number(args[++i]);
    else if (a === '-q') quiet = true;
    else if (a === '-w') i++;
    else if (!a.startsWith('-')) host = a;
  }
  if (!host) {
    out.stderr += 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n';
    return 1;
  }
  const res = await resolveHost(host, t, net);
  if (!res.ip) {
    out.stderr += `ping: bad address '${host}'\n`;
    return 1;
  }
  const ip = res.ip;
  // Without -c busybox pings until interrupted; nothing can interrupt an exec here, so it stops
  // after ten packets as if Ctrl-C had been pressed then.
  const n = count > 0 ? count : 10;
  out.stdout += `PING ${host} (${ip}): 56 data bytes\n`;
  let received = 0;
  const times: number[] = [];
  for (let seq = 0; seq < n; seq++) {
    const last = seq === n - 1;
    const started = net.now();
    // Between packets, replies are awaited for up to the 1 s interval; after the last, up to -W.
    const r = await net.ping(ip, last ? (received > 0 ? 2 * Math.max(...times, 1) + 1000 : wait * 1000) : 1000);
    if (r) {
      received++;
      times.push(r.rtt);
      if (!quiet) out.stdout += `64 bytes from ${ip}: seq=${seq} ttl=${r.ttl} time=${r.rtt.toFixed(3)} ms\n`;
    }
    if (!last) {
      const spent = net.now() - started;
      if (spent < 1000) await net.sleep(1000 - spent);
    }
  }
  out.stdout += `\n--- ${host} ping statistics ---\n${n} packets transmitted, ${received} packets received, ${Math.floor(((n - received) * 100) / n)}% packet loss\n`;
  if (received > 0) {
    const min = Math.min(...times);
    const max = Math.max(...times);
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    out.stdout += `round-trip min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms\n`;
  }
  return received === 0 ? 1 : 0;
}
