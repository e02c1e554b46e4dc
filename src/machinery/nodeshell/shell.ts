/**
 * The node shell: what `docker exec -it kind-worker bash` gives on a node of the simulated kind
 * cluster. Pure: everything it knows about the node comes through NodeShellEnv (CRI calls to the
 * node's containerd, kube-proxy's last restore input, the cluster's nodes), so the browser console,
 * the headless runner and the tests drive the same code.
 *
 * A command line arrives split into words; `|` between words pipes into the few filters a node
 * shell session uses with these tools (grep, head, tail, wc -l).
 */
import { DEFAULT_EPOCH } from '../api/time.ts';
import { CRICTL_SUBCOMMANDS, type CriSandbox, crictlCommand } from './crictl.ts';
import { ipCommand } from './ip.ts';
import { iptablesCommand, iptablesSaveCommand } from './iptables.ts';
import type { ShellResult } from './types.ts';

export type { ShellResult } from './types.ts';

export interface NodeShellEnv {
  /** e.g. 'kind-worker' */
  node: string;
  /** Simulated epoch ms (for CREATED columns and iptables-save's header). */
  now(): number;
  /**
   * Epoch ms of simulated time 0. CRI timestamps (a sandbox's or container's createdAt) are
   * simulated ms since then. Defaults to DEFAULT_EPOCH, the cluster's default.
   */
  epoch?: number;
  /** Sends a CRI call to this node's containerd as the `crictl@<node>` client, recorded on the bus. Resolves with the reply payload ({ok} | {error}). */
  cri(method: string, payload: unknown): Promise<unknown>;
  /** The iptables-restore input of kube-proxy's last sync on this node (what src/headless/debug.ts passes to iptablesSave), or undefined before the first sync. */
  iptablesRestoreInput(): string | undefined;
  /** The cluster's nodes, for addresses and routes: name, InternalIP, podCIDR. */
  nodes(): { name: string; ip: string; podCIDR: string }[];
  /** IPVS mode: what `ipvsadm <args>` prints on this node, or undefined (no virtual servers). */
  ipvsadm?(args: string[]): string | undefined;
  /** IPVS mode: what `ipset <args>` prints on this node, or undefined (no sets). */
  ipset?(args: string[]): string | undefined;
}

/** Every command the shell knows, for tab completion. */
export const NODE_SHELL_COMMANDS: string[] = [
  'cat',
  'clear',
  'crictl',
  'exit',
  'grep',
  'head',
  'help',
  'hostname',
  'ip',
  'ipset',
  'iptables',
  'iptables-nft',
  'iptables-nft-save',
  'iptables-save',
  'ipvsadm',
  'tail',
  'uname',
  'wc',
];

/** Subcommands after the first word, for tab completion. */
export const NODE_SHELL_SUBCOMMANDS: Record<string, string[]> = {
  crictl: CRICTL_SUBCOMMANDS,
  ip: ['addr', 'link', 'route'],
  iptables: ['-t', '-L', '-S', '-n', '-v', '--line-numbers'],
  'iptables-save': ['-t', '-c'],
};

const HELP = `This is a shell on a node of the simulated kind cluster. It has:
  iptables-save [-t TABLE] [-c]          the node's netfilter rules, as kube-proxy left them
  iptables -t TABLE -L [CHAIN] -n [-v] [--line-numbers]
  iptables -t TABLE -S [CHAIN]
  crictl ps [-a] | pods | images | logs ID   containers, pod sandboxes and images in containerd
  ip addr | ip link | ip route           the node's interfaces and routes (kindnet)
  ipvsadm -Ln | ipset list                IPVS state (kube-proxy in ipvs mode)
  hostname | uname -a | cat /etc/hostname
  ... | grep [-v] [-i] [-c] [-E] PATTERN | head [-n N] | tail [-n N] | wc -l
`;

const KERNEL = { release: '6.8.0-60-generic', version: '#63-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 15 19:04:15 UTC 2025' };

const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

function out(stdout: string): ShellResult {
  return { stdout, stderr: '', exit: 0 };
}

/** ipvsadm with no virtual servers (ipvsadm.c list_all): the version line and the two headers. */
const IPVSADM_EMPTY = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;

function files(env: NodeShellEnv): Record<string, string> {
  return {
    '/etc/hostname': `${env.node}\n`,
    '/etc/os-release': OS_RELEASE,
    '/etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n',
  };
}

async function runOne(argv: string[], env: NodeShellEnv): Promise<ShellResult> {
  const [cmd, ...args] = argv;
  const now = env.now();
  const resolve = (ip: string): string | undefined => {
    // /etc/hosts first (Docker writes the container's own name), then Docker's embedded DNS,
    // which answers for the other containers on the kind network as `<name>.kind`.
    if (ip === '127.0.0.1') return 'localhost';
    const n = env.nodes().find((x) => x.ip === ip);
    if (!n) return undefined;
    return n.name === env.node ? n.name : `${n.name}.kind`;
  };
  switch (cmd) {
    case undefined:
      return out('');
    case 'help':
      return out(HELP);
    case 'hostname':
      return out(`${env.node}\n`);
    case 'uname': {
      const all = args.includes('-a');
      if (all) return out(`Linux ${env.node} ${KERNEL.release} ${KERNEL.version} x86_64 GNU/Linux\n`);
      if (args.includes('-r')) return out(`${KERNEL.release}\n`);
      if (args.includes('-n')) return out(`${env.node}\n`);
      return out('Linux\n');
    }
    case 'cat': {
      const fs = files(env);
      let stdout = '';
      let stderr = '';
      for (const f of args) {
        const body = fs[f];
        if (body === undefined) stderr += `cat: ${f}: No such file or directory\n`;
        else stdout += body;
      }
      return { stdout, stderr, exit: stderr ? 1 : 0 };
    }
    case 'clear':
      return out('\x1b[H\x1b[2J\x1b[3J');
    case 'iptables-save':
    case 'iptables-nft-save':
      return iptablesSaveCommand(args, { restoreInput: env.iptablesRestoreInput(), now });
    case 'iptables':
    case 'iptables-nft':
      return iptablesCommand(args, { restoreInput: env.iptablesRestoreInput(), now, resolve });
    case 'crictl':
      return crictlCommand(args, {
        cri: (m, p) => env.cri(m, p),
        now,
        epoch: env.epoch ?? DEFAULT_EPOCH,
        pid: 100 + (now % 30000),
      });
    case 'ip': {
      let sandboxes: CriSandbox[] = [];
      if (args.some((a) => !a.startsWith('-'))) {
        const r = (await env.cri('cri.ListPodSandbox', {})) as { ok?: CriSandbox[] };
        sandboxes = r?.ok ?? [];
      }
      return ipCommand(args, { node: env.node, nodes: env.nodes(), sandboxes });
    }
    case 'ipvsadm':
      return out(env.ipvsadm?.(args) ?? IPVSADM_EMPTY);
    case 'ipset': {
      const r = env.ipset?.(args);
      if (r !== undefined) return out(r);
      if (args.length === 0)
        return {
          stdout: '',
          stderr: "ipset v7.17: No command specified.\nTry `ipset help' for more information.\n",
          exit: 2,
        };
      if (['list', '-L', '-l', 'save', '-S', '-s'].includes(args[0] as string)) return out('');
      return {
        stdout: '',
        stderr: `ipset v7.17: No command specified: unknown argument ${args[0]}\nTry \`ipset help' for more information.\n`,
        exit: 2,
      };
    }
    default:
      return { stdout: '', stderr: `bash: ${cmd}: command not found\n`, exit: 127 };
  }
}

// ---- filters after a pipe -------------------------------------------------------------------------------

function lines(s: string): string[] {
  if (s === '') return [];
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

function joinLines(l: string[]): string {
  return l.length ? `${l.join('\n')}\n` : '';
}

function countArg(args: string[], dflt: number): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n') return Number(args[i + 1]);
    if (/^-n\d+$/.test(a)) return Number(a.slice(2));
    if (/^-\d+$/.test(a)) return Number(a.slice(1));
  }
  return dflt;
}

function filter(argv: string[], input: string): ShellResult {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'grep': {
      let invert = false;
      let icase = false;
      let count = false;
      let pattern: string | undefined;
      for (const a of args) {
        if (a.startsWith('-') && pattern === undefined && a.length > 1) {
          for (const ch of a.slice(1)) {
            if (ch === 'v') invert = true;
            else if (ch === 'i') icase = true;
            else if (ch === 'c') count = true;
            else if (ch === 'E' || ch === 'F') {
              // extended and fixed patterns are close enough to JavaScript's for this shell
            } else return { stdout: '', stderr: `grep: invalid option -- '${ch}'\n`, exit: 2 };
          }
        } else if (pattern === undefined) pattern = a;
      }
      if (pattern === undefined)
        return {
          stdout: '',
          stderr: "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
          exit: 2,
        };
      let re: RegExp;
      try {
        re = new RegExp(pattern, icase ? 'i' : '');
      } catch {
        const esc = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        re = new RegExp(esc, icase ? 'i' : '');
      }
      const hit = lines(input).filter((l) => re.test(l) !== invert);
      if (count) return { stdout: `${hit.length}\n`, stderr: '', exit: hit.length ? 0 : 1 };
      return { stdout: joinLines(hit), stderr: '', exit: hit.length ? 0 : 1 };
    }
    case 'head':
      return out(joinLines(lines(input).slice(0, countArg(args, 10))));
    case 'tail': {
      const n = countArg(args, 10) ?? 10;
      const l = lines(input);
      return out(joinLines(n === 0 ? [] : l.slice(-n)));
    }
    case 'wc': {
      const l = lines(input).length;
      if (args.includes('-l')) return out(`${l}\n`);
      const words = input.split(/\s+/).filter(Boolean).length;
      return out(`${String(l).padStart(7)} ${String(words).padStart(7)} ${String(input.length).padStart(7)}\n`);
    }
    default:
      return { stdout: '', stderr: `bash: ${cmd}: command not found\n`, exit: 127 };
  }
}

/** Runs one command line (already split into words) on the node. */
export async function runNodeShell(argv: string[], env: NodeShellEnv): Promise<ShellResult> {
  const stages: string[][] = [[]];
  for (const a of argv) {
    if (a === '|') stages.push([]);
    else (stages[stages.length - 1] as string[]).push(a);
  }
  if (stages.some((s) => s.length === 0) && stages.length > 1)
    return { stdout: '', stderr: "bash: syntax error near unexpected token `|'\n", exit: 2 };
  let r = await runOne(stages[0] as string[], env);
  let stderr = r.stderr;
  for (const s of stages.slice(1)) {
    r = filter(s, r.stdout);
    stderr += r.stderr;
  }
  return { stdout: r.stdout, stderr, exit: r.exit };
}
