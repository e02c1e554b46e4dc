/**
 * The console's commands, run in the relay worker: `kubectl` (the project's kubectl, sharing
 * parsing and printing with the API server, as the `kubectl` client on the bus), `etcdctl` (see
 * etcdctl-session.ts) and, on a node, what a shell there offers (`docker exec <node> <command>`,
 * or any command while a node's shell is selected).
 *
 * Commands that keep running (`kubectl get -w`, `rollout status`, `logs -f`, `etcdctl watch`)
 * answer at once with a stream number; their output follows through the watch callback until
 * they end or are interrupted (Ctrl+C).
 */
import { type ParseEntry, parse } from 'shell-quote';
import type { Relay } from '../../../machinery/bus/relay.ts';
import { kubectlIO } from '../../../machinery/cluster/kubectl-io.ts';
import { runKubectl } from '../../../machinery/kubectl/kubectl.ts';
import type { KubectlCache, KubectlIO } from '../../../machinery/kubectl/types.ts';
import type { ConsoleReply, WatchCallback } from '../protocol.ts';
import { EtcdctlSession } from './etcdctl-session.ts';

/** Runs a command on a node's shell; undefined when the node shell is not available. */
export type NodeShellRunner = (
  node: string,
  argv: string[],
) => Promise<{ stdout: string; stderr: string; exit: number } | undefined>;

/** kubectl invocations that stream until they finish or are interrupted. */
export function streams(argv: string[]): boolean {
  const words = argv.filter((a) => !a.startsWith('-'));
  const flag = (...names: string[]) => argv.some((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));
  if (words[0] === 'get' && flag('-w', '--watch', '--watch-only')) return !argv.includes('--watch=false');
  if (words[0] === 'rollout' && words[1] === 'status') return true;
  if (words[0] === 'logs' && flag('-f', '--follow')) return true;
  if (words[0] === 'wait') return true;
  if (words[0] === 'drain') return true;
  if (words[0] === 'events' && flag('-w', '--watch')) return true;
  return false;
}

function joinOutput(stdout: string, stderr: string): string {
  if (stderr === '') return stdout;
  if (stdout === '' || stdout.endsWith('\n')) return stdout + stderr;
  return `${stdout}\n${stderr}`;
}

export class ConsoleSession {
  private etcdctl: EtcdctlSession;
  private io: KubectlIO;
  private cache: KubectlCache = {};
  private nextStream = 0;
  private interrupts = new Map<number, () => void>();

  constructor(
    relay: Relay,
    private onWatch: WatchCallback,
    private shell: NodeShellRunner,
    private nodeNames: () => string[],
    /** Distinguishes this session's watches from those of sessions it replays (`console-2`). */
    tag = 'console',
  ) {
    this.etcdctl = new EtcdctlSession(relay, onWatch, () => ++this.nextStream, tag);
    this.io = kubectlIO(relay, { cache: this.cache, watchPrefix: `kubectl-${tag}` });
  }

  /** Runs one console line; `node` is the node whose shell is selected, if any. */
  async run(line: string, node?: string, stdin?: string): Promise<ConsoleReply> {
    let entries: ParseEntry[];
    try {
      entries = parse(line, (name) => `$${name}`);
    } catch (e) {
      return { t: 'output', text: `${(e as Error).message}\n`, exit: 1 };
    }
    const argv: string[] = [];
    let pipe = '';
    for (const e of entries) {
      if (typeof e === 'string') argv.push(e);
      else if ('comment' in e) break;
      else if (e.op === 'glob') argv.push(e.pattern);
      else if (e.op === '|') {
        // A node's shell runs pipelines (`iptables-save | grep web`); kubectl and etcdctl here do not.
        argv.push('|');
        pipe ||= '|';
      } else return { t: 'shell-operator', op: e.op };
    }
    const [tool, ...args] = argv;
    const onNode = node !== undefined && !['kubectl', 'k', 'etcdctl', 'docker'].includes(tool ?? '');
    if (pipe && !onNode && !(tool === 'docker' && args[0] === 'exec')) return { t: 'shell-operator', op: pipe };
    if (tool === undefined) return { t: 'empty' };
    if (tool === 'etcdctl') return this.etcdctl.run(line);
    if (tool === 'kubectl' || tool === 'k') return this.kubectl(args, stdin);
    if (tool === 'docker' && args[0] === 'exec') return this.dockerExec(args.slice(1));
    if (node !== undefined) return this.onNode(node, argv);
    return { t: 'not-found', command: tool };
  }

  /** `docker exec [-it] <node> <command...>`, as one reaches a kind node from the host. */
  private async dockerExec(args: string[]): Promise<ConsoleReply> {
    let i = 0;
    while (i < args.length && (args[i] as string).startsWith('-')) i++;
    const node = args[i];
    const rest = args.slice(i + 1);
    if (node === undefined || rest.length === 0)
      return {
        t: 'output',
        text: '"docker exec" requires at least 2 arguments.\nSee \'docker exec --help\'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container\n',
        exit: 1,
      };
    if (!this.nodeNames().includes(node))
      return { t: 'output', text: `Error response from daemon: No such container: ${node}\n`, exit: 1 };
    return this.onNode(node, rest);
  }

  private async onNode(node: string, argv: string[]): Promise<ConsoleReply> {
    const r = await this.shell(node, argv);
    if (!r) return { t: 'not-found', command: argv[0] ?? '' };
    return { t: 'output', text: joinOutput(r.stdout, r.stderr), exit: r.exit };
  }

  private async kubectl(args: string[], stdin?: string): Promise<ConsoleReply> {
    if (!streams(args)) {
      const r = await runKubectl(args, stdin === undefined ? this.io : { ...this.io, stdin });
      return { t: 'output', text: joinOutput(r.stdout, r.stderr), exit: r.exitCode };
    }
    const n = ++this.nextStream;
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => {
      interrupt = resolve;
    });
    this.interrupts.set(n, interrupt);
    const io: KubectlIO = {
      ...this.io,
      interrupt: interrupted,
      onStdout: (chunk) => this.onWatch(n, chunk, false),
      onStderr: (chunk) => this.onWatch(n, chunk, false),
    };
    void runKubectl(args, io).then(
      (r) => {
        this.interrupts.delete(n);
        this.onWatch(n, r.exitCode !== 0 && r.stderr === '' ? `exit status ${r.exitCode}\n` : '', true);
      },
      (e: unknown) => {
        this.interrupts.delete(n);
        this.onWatch(n, `${String(e)}\n`, true);
      },
    );
    return { t: 'watching', watch: n, text: '' };
  }

  /** Ctrl+C: stops a watch or a streaming kubectl. */
  cancel(n: number): void {
    const stop = this.interrupts.get(n);
    if (stop) {
      this.interrupts.delete(n);
      stop();
      return;
    }
    this.etcdctl.cancel(n);
  }
}
