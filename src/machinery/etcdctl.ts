/**
 * etcdctl, the v3 command-line client, as far as the console and scenarios need it: get, put,
 * del, watch, compaction and endpoint status, with the flags that matter, printing what etcdctl
 * prints (`-w simple` and `-w json`). Keys and values are text on the command line and UTF-8 on
 * the wire, as with the real tool.
 */
import { bytesToUtf8, encodeEvent, encodeResponse, utf8ToBytes, type Verb } from '../../workers/etcd/json.ts';
import type { RangeRequest, SortOrder, SortTarget, WatchCreateRequest, WatchEvent } from '../../workers/etcd/types.ts';

export type EtcdctlCommand =
  | { verb: Verb; req: unknown; format: 'simple' | 'json'; printValueOnly?: boolean; prevKv?: boolean }
  | { verb: 'watch'; req: WatchCreateRequest; format: 'simple' | 'json' };

export class UsageError extends Error {}

/** etcd's GetPrefixRangeEnd: the smallest key greater than every key with this prefix. */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '\0';
}

interface Flags {
  args: string[];
  flags: Map<string, string | true>;
}

const BOOL_FLAGS = new Set([
  'prefix',
  'keys-only',
  'count-only',
  'from-key',
  'prev-kv',
  'ignore-value',
  'ignore-lease',
  'print-value-only',
  'physical',
  'consistency',
]);

function parseFlags(argv: string[]): Flags {
  const args: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2 && a !== '-')) {
      let name = a.replace(/^--?/, '');
      let value: string | true | undefined;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      if (name === 'w') name = 'write-out';
      if (value === undefined) {
        if (BOOL_FLAGS.has(name)) value = true;
        else {
          const next = argv[i + 1];
          if (next === undefined) throw new UsageError(`flag needs an argument: --${name}`);
          value = next;
          i++;
        }
      }
      flags.set(name, value);
    } else args.push(a);
  }
  return { args, flags };
}

function intFlag(f: Flags, name: string): number | undefined {
  const v = f.flags.get(name);
  if (v === undefined) return undefined;
  if (v === true || !/^\d+$/.test(v))
    throw new UsageError(`invalid argument "${String(v)}" for "--${name}" flag: not an integer`);
  return Number(v);
}

function format(f: Flags): 'simple' | 'json' {
  const w = f.flags.get('write-out') ?? 'simple';
  if (w !== 'simple' && w !== 'json')
    throw new UsageError(`unsupported output format ${String(w)} (simple and json are supported)`);
  return w;
}

function rangeOf(f: Flags, key: string, end: string | undefined): { key: string; range_end?: string } {
  const k = utf8ToBytes(key);
  if (f.flags.get('prefix')) return { key: k, range_end: prefixEnd(k) };
  if (f.flags.get('from-key')) return { key: k, range_end: '\0' };
  if (end !== undefined) return { key: k, range_end: utf8ToBytes(end) };
  return { key: k };
}

/** Parses an etcdctl command line (without the leading `etcdctl`). */
export function parseEtcdctl(argv: string[]): EtcdctlCommand {
  const [cmd, ...rest] = argv;
  const f = parseFlags(rest);
  switch (cmd) {
    case 'get': {
      const [key, end] = f.args;
      if (key === undefined)
        throw new UsageError('get command needs one argument as key and an optional argument as range_end');
      const req: RangeRequest = { ...rangeOf(f, key, end) };
      const limit = intFlag(f, 'limit');
      const rev = intFlag(f, 'rev');
      if (limit) req.limit = limit;
      if (rev) req.revision = rev;
      if (f.flags.get('keys-only')) req.keys_only = true;
      if (f.flags.get('count-only')) req.count_only = true;
      const order = f.flags.get('order');
      const by = f.flags.get('sort-by');
      if (typeof order === 'string') {
        if (!['ASCEND', 'DESCEND'].includes(order)) throw new UsageError(`bad sort order ${order}`);
        req.sort_order = order as SortOrder;
      }
      if (typeof by === 'string') {
        if (!['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION'].includes(by))
          throw new UsageError(`bad sort target ${by}`);
        req.sort_target = (by === 'MODIFY' ? 'MOD' : by) as SortTarget;
      }
      return { verb: 'range', req, format: format(f), printValueOnly: f.flags.get('print-value-only') === true };
    }
    case 'put': {
      const [key, value] = f.args;
      if (key === undefined) throw new UsageError('put command needs 1 argument and input from stdin or 2 arguments');
      const ignoreValue = f.flags.get('ignore-value') === true;
      if (value === undefined && !ignoreValue)
        throw new UsageError('put command needs 1 argument and input from stdin or 2 arguments');
      const req: Record<string, unknown> = { key: utf8ToBytes(key) };
      if (value !== undefined) req.value = utf8ToBytes(value);
      if (f.flags.get('prev-kv')) req.prev_kv = true;
      if (ignoreValue) req.ignore_value = true;
      return { verb: 'put', req, format: format(f), prevKv: f.flags.get('prev-kv') === true };
    }
    case 'del':
    case 'delete': {
      const [key, end] = f.args;
      if (key === undefined)
        throw new UsageError('del command needs one argument as key and an optional argument as range_end');
      const req: Record<string, unknown> = { ...rangeOf(f, key, end) };
      if (f.flags.get('prev-kv')) req.prev_kv = true;
      return { verb: 'deleterange', req, format: format(f), prevKv: f.flags.get('prev-kv') === true };
    }
    case 'watch': {
      const [key, end] = f.args;
      if (key === undefined)
        throw new UsageError(
          'watch in non-interactive mode requires one or two arguments as key or prefix, with range end',
        );
      const req: WatchCreateRequest = { ...rangeOf(f, key, end) };
      const rev = intFlag(f, 'rev');
      if (rev) req.start_revision = rev;
      if (f.flags.get('prev-kv')) req.prev_kv = true;
      return { verb: 'watch', req, format: format(f) };
    }
    case 'compaction': {
      const [rev] = f.args;
      if (rev === undefined || !/^\d+$/.test(rev)) throw new UsageError('compaction command needs 1 argument');
      return { verb: 'compaction', req: { revision: Number(rev) }, format: format(f) };
    }
    default:
      throw new UsageError(`unknown command "${cmd ?? ''}" for "etcdctl"`);
  }
}

/** etcdctl -w json prints int64 fields as bare numbers (Go's encoding/json), bytes as base64. */
export function toEtcdctlJson(gatewayJson: unknown): string {
  const ints = new Set([
    'cluster_id',
    'member_id',
    'revision',
    'raft_term',
    'create_revision',
    'mod_revision',
    'version',
    'lease',
    'count',
    'deleted',
    'watch_id',
    'compact_revision',
  ]);
  const walk = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(walk).join(',')}]`;
    if (v && typeof v === 'object') {
      return `{${Object.entries(v)
        .map(([k, x]) => `${JSON.stringify(k)}:${ints.has(k) && typeof x === 'string' ? x : walk(x)}`)
        .join(',')}}`;
    }
    return JSON.stringify(v);
  };
  return walk(gatewayJson);
}

interface KVLike {
  key: string;
  value: string;
}

function printKV(kv: KVLike, keysOnly: boolean, valueOnly: boolean): string {
  if (valueOnly) return `${bytesToUtf8(kv.value)}\n`;
  return keysOnly ? `${bytesToUtf8(kv.key)}\n\n` : `${bytesToUtf8(kv.key)}\n${bytesToUtf8(kv.value)}\n`;
}

/** What etcdctl prints for a successful response. */
export function printResult(cmd: EtcdctlCommand, resp: unknown): string {
  if (cmd.verb === 'watch') throw new Error('use printWatchEvents for watch');
  if (cmd.format === 'json') return `${toEtcdctlJson(encodeResponse(cmd.verb, resp))}\n`;
  switch (cmd.verb) {
    case 'range': {
      const r = resp as { kvs: KVLike[]; count: number };
      const req = cmd.req as RangeRequest;
      if (req.count_only) return '';
      return r.kvs.map((kv) => printKV(kv, req.keys_only === true, cmd.printValueOnly === true)).join('');
    }
    case 'put': {
      const r = resp as { prev_kv?: KVLike };
      return `OK\n${cmd.prevKv && r.prev_kv ? printKV(r.prev_kv, false, false) : ''}`;
    }
    case 'deleterange': {
      const r = resp as { deleted: number; prev_kvs: KVLike[] };
      return `${r.deleted}\n${cmd.prevKv ? r.prev_kvs.map((kv) => printKV(kv, false, false)).join('') : ''}`;
    }
    case 'compaction':
      return `compacted revision ${(cmd.req as { revision: number }).revision}\n`;
    default:
      return '';
  }
}

/** What `etcdctl watch` prints for a batch of events. */
export function printWatchEvents(events: WatchEvent[], prevKv: boolean, json: boolean): string {
  if (json) return `${toEtcdctlJson({ events: events.map(encodeEvent) })}\n`;
  let out = '';
  for (const ev of events) {
    out += `${ev.type}\n`;
    if (prevKv && ev.prev_kv) out += printKV(ev.prev_kv, false, false);
    out += printKV(ev.kv, false, false);
  }
  return out;
}

/** etcdctl's error line. */
export function printError(message: string): string {
  return `Error: ${message}\n`;
}
