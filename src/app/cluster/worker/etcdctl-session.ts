/**
 * The console's etcdctl, running in the relay worker as the `etcdctl` client on the bus: every
 * command becomes an `etcd.*` request the relay records and delivers like any other message, so it
 * shows in the message log. Parsing and printing are etcdctl's own (src/machinery/etcdctl.ts).
 *
 * A watch keeps running after its command returns (as `etcdctl watch` would in a second
 * terminal); its events are pushed to the page under the watch's number until it is stopped.
 */
import { type ParseEntry, parse } from 'shell-quote';
import type { EtcdReply } from '../../../../workers/etcd/etcd.ts';
import { bytesToUtf8 } from '../../../../workers/etcd/json.ts';
import type { WatchResponse } from '../../../../workers/etcd/types.ts';
import type { Client, Relay } from '../../../machinery/bus/relay.ts';
import {
  type EtcdctlCommand,
  parseEtcdctl,
  prefixEnd,
  printError,
  printResult,
  printWatchEvents,
  UsageError,
} from '../../../machinery/etcdctl.ts';
import type { ConsoleReply, WatchCallback } from '../protocol.ts';

interface ActiveWatch {
  stream: string;
  /** etcd's watch id on that stream, known once etcd has answered the create request. */
  watchId: number;
  prevKv: boolean;
  json: boolean;
}

/** How a key reads in the log: UTF-8 text, control bytes escaped. */
function shown(bytes: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: keys are bytes; control bytes are shown escaped
  return bytesToUtf8(bytes).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** One line for the message log: the operation and the key or range it touches. */
export function summarizeEtcd(cmd: EtcdctlCommand): string {
  const r = cmd.req as { key?: string; range_end?: string; revision?: number; keys_only?: boolean };
  if (cmd.verb === 'compaction') return `COMPACT to rev ${r.revision ?? 0}`;
  const op = { range: 'RANGE', put: 'PUT', deleterange: 'DELETE', txn: 'TXN', watch: 'WATCH' }[cmd.verb];
  const key = shown(r.key ?? '');
  let range = '';
  if (r.range_end === '\0') range = ' (from key)';
  else if (r.range_end !== undefined && r.range_end === prefixEnd(r.key ?? '')) range = ' (prefix)';
  else if (r.range_end !== undefined) range = ` .. ${shown(r.range_end)}`;
  return `${op} ${key}${range}${r.keys_only ? ' keys-only' : ''}`;
}

export class EtcdctlSession {
  private client: Client;
  private watches = new Map<number, ActiveWatch>();
  private nextWatch = 0;

  constructor(
    relay: Relay,
    private onWatch: WatchCallback,
    /** Numbers watches; a console that also streams other commands shares one sequence. */
    private number: () => number = () => ++this.nextWatch,
    /** Names this session's watch streams (a replayed session's streams stay open in etcd). */
    private streamPrefix = 'console',
  ) {
    this.client = relay.client('etcdctl');
    this.client.onMessage((env) => {
      if (env.kind !== 'etcd.watch.event') return;
      const p = env.payload as { stream: string; response: WatchResponse };
      for (const [n, w] of this.watches) {
        if (w.stream !== p.stream) continue;
        const r = p.response;
        if (r.events.length > 0) this.onWatch(n, printWatchEvents(r.events, w.prevKv, w.json), false);
        if (r.canceled) {
          this.watches.delete(n);
          const why = r.compact_revision
            ? 'etcdserver: mvcc: required revision has been compacted'
            : r.cancel_reason || 'canceled';
          this.onWatch(n, `watch was canceled (${why})\n`, true);
        }
      }
    });
  }

  /** Runs one console line. */
  async run(line: string): Promise<ConsoleReply> {
    let entries: ParseEntry[];
    try {
      // Variables stay as typed: there is no environment to expand them from.
      entries = parse(line, (name) => `$${name}`);
    } catch (e) {
      return { t: 'output', text: printError((e as Error).message), exit: 1 };
    }
    const argv: string[] = [];
    for (const e of entries) {
      if (typeof e === 'string') argv.push(e);
      else if ('comment' in e) break;
      else if (e.op === 'glob') argv.push(e.pattern);
      else return { t: 'shell-operator', op: e.op };
    }
    const [tool, ...args] = argv;
    if (tool === undefined) return { t: 'empty' };
    if (tool !== 'etcdctl') return { t: 'not-found', command: tool };

    let cmd: EtcdctlCommand;
    try {
      cmd = parseEtcdctl(args);
    } catch (e) {
      if (e instanceof UsageError) return { t: 'output', text: printError(e.message), exit: 1 };
      throw e;
    }
    if (cmd.verb === 'watch') return this.watch(cmd);

    try {
      const reply = await this.client.request<EtcdReply<unknown>>(
        'etcd',
        `etcd.${cmd.verb}`,
        cmd.req,
        summarizeEtcd(cmd),
      );
      const p = reply.payload;
      if (p.error) return { t: 'output', text: printError(p.error.message), exit: 1 };
      return { t: 'output', text: printResult(cmd, p.ok), exit: 0 };
    } catch (e) {
      // The relay refused the route or the request was lost with a crashed worker.
      return { t: 'output', text: printError((e as Error).message), exit: 1 };
    }
  }

  private async watch(cmd: Extract<EtcdctlCommand, { verb: 'watch' }>): Promise<ConsoleReply> {
    const n = this.number();
    const stream = `${this.streamPrefix}-${n}`;
    // Registered before the request: catch-up events can arrive in the same round as the reply.
    const w: ActiveWatch = { stream, watchId: 0, prevKv: cmd.req.prev_kv === true, json: cmd.format === 'json' };
    this.watches.set(n, w);
    try {
      const reply = await this.client.request<EtcdReply<WatchResponse>>(
        'etcd',
        'etcd.watch',
        { ...cmd.req, stream },
        summarizeEtcd(cmd),
      );
      const p = reply.payload;
      if (p.error || !p.ok) {
        this.watches.delete(n);
        return { t: 'output', text: printError(p.error?.message ?? 'watch failed'), exit: 1 };
      }
      w.watchId = p.ok.watch_id;
      return { t: 'watching', watch: n, text: '' };
    } catch (e) {
      this.watches.delete(n);
      return { t: 'output', text: printError((e as Error).message), exit: 1 };
    }
  }

  /** Stops a watch, as Ctrl+C on `etcdctl watch` closes its stream. */
  cancel(n: number): void {
    const w = this.watches.get(n);
    if (!w) return;
    this.watches.delete(n);
    this.client
      .request('etcd', 'etcd.watch.cancel', { watch_id: w.watchId, stream: w.stream }, `CANCEL watch ${w.watchId}`)
      .catch(() => undefined);
    this.onWatch(n, '', true);
  }
}
