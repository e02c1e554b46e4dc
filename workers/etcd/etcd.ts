/**
 * The etcd component: the MVCC store behind etcd's KV, Watch and Maintenance(compact) services.
 *
 * Requests arrive as bus messages (`etcd.range`, `etcd.put`, `etcd.deleterange`, `etcd.txn`,
 * `etcd.compaction`, `etcd.watch`, `etcd.watch.cancel`); each is answered with `<kind>.result`
 * carrying `{ ok }` or `{ error: { code, message } }`. Watches stream `etcd.watch.event`.
 * Every write is appended to the write-ahead log (`ctx.persist`) in the same step that answers
 * it, so an acknowledged write survives a crash of the worker.
 */
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import {
  checkDelete,
  checkPut,
  checkRange,
  checkTxn,
  isTxnReadonly,
  MEMBER_ID,
  MvccStore,
  type StoreSnapshot,
} from './mvcc.ts';
import {
  Code,
  type CompactionRequest,
  type Compare,
  type DeleteRangeRequest,
  Errors,
  EtcdError,
  MAX_REQUEST_BYTES,
  type PutRequest,
  type RangeRequest,
  type RequestOp,
  type TxnRequest,
  type WatchCreateRequest,
  type WatchEvent,
  type WatchResponse,
} from './types.ts';

/** etcd's watchBatchMaxRevs: a catching-up watcher gets at most this many revisions per response. */
const WATCH_BATCH_MAX_REVS = 1000;
/** Write-ahead log entries between snapshots. */
const SNAPSHOT_EVERY = 10_000;

export type WalRecord =
  | { snapshot: StoreSnapshot }
  | { op: 'put' | 'deleterange' | 'txn' | 'compaction'; req: unknown };

/** Applies one logged write to a store, exactly as etcd applied it when it was logged. */
export function applyWrite(store: MvccStore, op: string, req: unknown): unknown {
  switch (op) {
    case 'put':
      return store.put(req as PutRequest);
    case 'deleterange':
      return store.deleteRange(req as DeleteRangeRequest);
    case 'txn':
      return store.txn(req as TxnRequest);
    case 'compaction':
      return store.compact(req as CompactionRequest);
    default:
      throw new Error(`unknown etcd write ${op}`);
  }
}

/**
 * Applies one write-ahead log record and returns the store to use from then on (a snapshot
 * record starts a new one). etcd's recovery and any read-only replica of the log share this.
 */
export function applyWal(store: MvccStore, record: unknown): MvccStore {
  const r = record as WalRecord;
  if ('snapshot' in r) return MvccStore.restore(r.snapshot);
  applyWrite(store, r.op, r.req);
  return store;
}

interface Watcher {
  id: number;
  client: string;
  stream: string;
  key: string;
  /** '' for one key, '\0' for every key ≥ key, otherwise the exclusive end. */
  end: string;
  /** Events below this revision are not for this watcher (watchable_store.go minRev). */
  minRev: number;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
}

/** One client's watch stream (v3rpc serverWatchStream): its watchers and the next automatic id. */
interface WatchStream {
  nextId: number;
  watchers: Map<number, Watcher>;
}

export interface EtcdReply<T> {
  ok?: T;
  error?: { code: number; message: string };
}

/** Printable form of a byte-string key for the message log. */
export function printable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: keys are bytes; control bytes are shown escaped
  return s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// ---- request sizes ---------------------------------------------------------------------------
//
// etcd refuses a request in two places. gRPC refuses any message larger than --max-request-bytes
// plus 512 KiB of overhead before etcd sees it (ResourceExhausted, "grpc: received message larger
// than max"). A request that goes through raft (put, delete, a txn that writes, compaction) is
// wrapped in an InternalRaftRequest; if that marshals to more than --max-request-bytes, etcd
// answers "etcdserver: request is too large" (etcdserver/v3_server.go processInternalRaftRequestOnce).
// The sizes below are the protobuf wire sizes of those messages (etcdserverpb/rpc.proto field
// numbers), computed from the decoded request.

/** gRPC's receive limit on the etcd server: --max-request-bytes + grpcOverheadBytes (512 KiB). */
export const MAX_GRPC_RECV_BYTES = MAX_REQUEST_BYTES + 512 * 1024;

function varintSize(n: number): number {
  if (n < 0) return 10; // int64 two's complement: always ten bytes
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** A length-delimited field (bytes, string, embedded message) with a one-byte tag. */
const lenField = (len: number, tagBytes = 1): number => tagBytes + varintSize(len) + len;
const bytesField = (s: string | undefined): number => (s ? lenField(s.length) : 0);
const intField = (n: number | undefined): number => (n ? 1 + varintSize(n) : 0);
const boolField = (b: boolean | undefined): number => (b ? 2 : 0);
const enumField = (v: string | undefined, names: readonly string[]): number => intField(v ? names.indexOf(v) : 0);

const SORT_ORDERS = ['NONE', 'ASCEND', 'DESCEND'] as const;
const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const;
const COMPARE_RESULTS = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const;
const COMPARE_TARGETS = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'] as const;

function rangeSize(r: RangeRequest): number {
  return (
    bytesField(r.key) +
    bytesField(r.range_end) +
    intField(r.limit) +
    intField(r.revision) +
    enumField(r.sort_order, SORT_ORDERS) +
    enumField(r.sort_target, SORT_TARGETS) +
    boolField(r.serializable) +
    boolField(r.keys_only) +
    boolField(r.count_only) +
    intField(r.min_mod_revision) +
    intField(r.max_mod_revision) +
    intField(r.min_create_revision) +
    intField(r.max_create_revision)
  );
}

function putSize(r: PutRequest): number {
  return (
    bytesField(r.key) +
    bytesField(r.value) +
    intField(r.lease) +
    boolField(r.prev_kv) +
    boolField(r.ignore_value) +
    boolField(r.ignore_lease)
  );
}

function deleteSize(r: DeleteRangeRequest): number {
  return bytesField(r.key) + bytesField(r.range_end) + boolField(r.prev_kv);
}

/** A member of a oneof: written when set, even when it is zero. */
function oneofInt(n: number | undefined): number {
  return n === undefined ? 0 : 1 + varintSize(n);
}

function compareSize(c: Compare): number {
  // target_union is a oneof: a member that is set is written even when it is zero.
  return (
    enumField(c.result, COMPARE_RESULTS) +
    enumField(c.target, COMPARE_TARGETS) +
    bytesField(c.key) +
    oneofInt(c.version) +
    oneofInt(c.create_revision) +
    oneofInt(c.mod_revision) +
    (c.value === undefined ? 0 : lenField(c.value.length)) +
    oneofInt(c.lease) +
    (c.range_end ? lenField(c.range_end.length, 2) : 0) // field 64: a two-byte tag
  );
}

function opSize(op: RequestOp): number {
  if ('request_range' in op) return rangeSize(op.request_range);
  if ('request_put' in op) return putSize(op.request_put);
  if ('request_delete_range' in op) return deleteSize(op.request_delete_range);
  if ('request_txn' in op) return txnSize(op.request_txn);
  return 0;
}

function txnSize(r: TxnRequest): number {
  let n = 0;
  for (const c of r.compare ?? []) n += lenField(compareSize(c));
  for (const op of r.success ?? []) n += lenField(lenField(opSize(op)));
  for (const op of r.failure ?? []) n += lenField(lenField(opSize(op)));
  return n;
}

/** Protobuf size of the request message as the client sends it over gRPC. */
export function grpcRequestBytes(verb: string, req: unknown): number {
  switch (verb) {
    case 'range':
      return rangeSize(req as RangeRequest);
    case 'put':
      return putSize(req as PutRequest);
    case 'deleterange':
      return deleteSize(req as DeleteRangeRequest);
    case 'txn':
      return txnSize(req as TxnRequest);
    case 'compaction': {
      const c = req as CompactionRequest;
      return intField(c.revision) + boolField(c.physical);
    }
    default:
      return 0;
  }
}

/**
 * Bytes of the RequestHeader etcd adds to every raft request: field 100 (two-byte tag), its length,
 * and the request ID (tag plus varint). The ID carries the low 16 bits of the member ID in its top
 * bits (pkg/idutil), so its varint is 9 bytes for this member (10 if bit 15 of those were set).
 */
const RAFT_HEADER_BYTES = (() => {
  const low16 = Number(BigInt(MEMBER_ID) & 0xffffn);
  const idBytes = low16 >= 0x8000 ? 10 : low16 >= 0x100 ? 9 : 8;
  return 2 + 1 + 1 + idBytes;
})();

/** Size of the marshalled InternalRaftRequest carrying this request (each request field has a one-byte tag). */
export function raftRequestBytes(verb: string, req: unknown): number {
  return RAFT_HEADER_BYTES + lenField(grpcRequestBytes(verb, req));
}

/** Key-service validation (v3rpc/key.go), which runs before the raft size check. */
function validate(verb: string, req: unknown): void {
  switch (verb) {
    case 'range':
      checkRange(req as RangeRequest);
      break;
    case 'put':
      checkPut(req as PutRequest);
      break;
    case 'deleterange':
      checkDelete(req as DeleteRangeRequest);
      break;
    case 'txn':
      checkTxn(req as TxnRequest);
      break;
  }
}

export class Etcd implements Component {
  store = new MvccStore();
  private streams = new Map<string, WatchStream>();
  private walSinceSnapshot = 0;
  private ctx!: Context;

  start(ctx: Context): void {
    this.ctx = ctx;
    this.wire();
  }

  recover(records: unknown[], ctx: Context): void {
    this.ctx = ctx;
    for (const r of records) this.store = applyWal(this.store, r);
    this.wire();
    ctx.annotate(`etcd recovered revision ${this.store.rev} from its write-ahead log (${records.length} records)`);
  }

  private wire(): void {
    this.store.onCommit((rev, events) => this.notify(rev, events));
  }

  private apply(op: string, req: unknown): unknown {
    return applyWrite(this.store, op, req);
  }

  /**
   * The checks a request passes before it is applied, in etcd's order: gRPC's message size limit,
   * the key service's validation, then the raft entry size for requests that go through raft.
   */
  private admit(verb: string, req: unknown): void {
    const size = grpcRequestBytes(verb, req);
    if (size > MAX_GRPC_RECV_BYTES)
      throw new EtcdError(
        Code.ResourceExhausted,
        `grpc: received message larger than max (${size} vs. ${MAX_GRPC_RECV_BYTES})`,
      );
    validate(verb, req);
    const viaRaft = verb !== 'range' && !(verb === 'txn' && isTxnReadonly(req as TxnRequest));
    if (viaRaft && raftRequestBytes(verb, req) > MAX_REQUEST_BYTES) throw Errors.requestTooLarge();
  }

  receive(env: Envelope): void {
    const verb = env.kind.slice('etcd.'.length);
    try {
      switch (verb) {
        case 'range': {
          this.admit(verb, env.payload);
          const r = this.store.range(env.payload as RangeRequest);
          this.answer(env, r, `${r.count} key(s) at rev ${r.header.revision}`);
          return;
        }
        case 'put':
        case 'deleterange':
        case 'txn':
        case 'compaction': {
          this.admit(verb, env.payload);
          const before = this.store.rev;
          const r = this.apply(verb, env.payload);
          if (this.store.rev !== before || verb === 'compaction') this.log(verb, env.payload);
          this.answer(env, r, `rev ${this.store.rev}`);
          return;
        }
        case 'watch':
          this.createWatch(env);
          return;
        case 'watch.cancel':
          this.cancelWatch(env);
          return;
        default:
          this.ctx.reply(env, `${env.kind}.result`, {
            error: { code: 12, message: `unknown service etcdserverpb.${verb}` },
          });
      }
    } catch (e) {
      if (!(e instanceof EtcdError)) throw e;
      this.ctx.reply(env, `${env.kind}.result`, { error: { code: e.code, message: e.message } }, e.message);
    }
  }

  private answer(env: Envelope, ok: unknown, summary: string): void {
    this.ctx.reply(env, `${env.kind}.result`, { ok }, summary);
  }

  private log(op: WalRecord extends infer R ? (R extends { op: infer O } ? O : never) : never, req: unknown): void {
    this.walSinceSnapshot++;
    if (this.walSinceSnapshot >= SNAPSHOT_EVERY) {
      this.walSinceSnapshot = 0;
      this.ctx.persist({ snapshot: this.store.snapshot() } satisfies WalRecord, { replace: true });
    } else {
      this.ctx.persist({ op, req } satisfies WalRecord);
    }
  }

  // ---- watch (v3rpc/watch.go, mvcc/watchable_store.go) -----------------------------------------

  private response(id: number, revision: number, extra: Partial<WatchResponse>): WatchResponse {
    return {
      header: this.store.header(revision),
      watch_id: id,
      created: false,
      canceled: false,
      compact_revision: 0,
      cancel_reason: '',
      events: [],
      ...extra,
    };
  }

  private createWatch(env: Envelope): void {
    const req = env.payload as WatchCreateRequest & { stream?: string };
    const stream = req.stream ?? '';
    const streamKey = `${env.from}/${stream}`;
    let ws = this.streams.get(streamKey);
    if (!ws) {
      ws = { nextId: 0, watchers: new Map() };
      this.streams.set(streamKey, ws);
    }
    // watch.go recvLoop: an empty key means "\0", the smallest key; a range_end of "\0" means
    // every key from `key` on.
    const key = req.key || '\0';
    const end = req.range_end ?? '';
    const wsrev = this.store.rev;
    const refuse = (reason: string) =>
      this.ctx.reply(
        env,
        'etcd.watch.result',
        { ok: this.response(-1, wsrev, { created: true, canceled: true, cancel_reason: reason }) },
        `watch refused: ${reason}`,
      );
    // watcher.go watchStream.Watch: a range must not be empty, an explicit id must be free.
    if (end !== '' && end !== '\0' && key >= end) {
      refuse('mvcc: watcher range is empty');
      return;
    }
    let id = req.watch_id ?? 0;
    if (id === 0) {
      while (ws.watchers.has(ws.nextId)) ws.nextId++;
      id = ws.nextId++;
    } else if (ws.watchers.has(id)) {
      refuse('mvcc: duplicate watch ID provided on the WatchStream');
      return;
    }
    const start = req.start_revision || wsrev + 1;
    // watchable_store.go watch: a watcher starting after the current revision (or at 0) is synced
    // and waits for start; one starting at or below it catches up from history first.
    const synced = start > wsrev;
    const w: Watcher = {
      id,
      client: env.from,
      stream,
      key,
      end,
      minRev: synced ? Math.max(start, wsrev + 1) : start,
      prevKv: req.prev_kv ?? false,
      noPut: (req.filters ?? []).includes('NOPUT'),
      noDelete: (req.filters ?? []).includes('NODELETE'),
    };
    this.ctx.reply(
      env,
      'etcd.watch.result',
      { ok: this.response(id, wsrev, { created: true }) },
      `watch ${id} created`,
    );
    if (!synced && w.minRev < this.store.compactRev) {
      // watcher_group.go chooseAll: the start is compacted away. The response has no revision, and
      // (watch.go sendLoop) is marked canceled only when the compact revision is not 0.
      const compactRev = this.store.compactRev;
      const r = this.response(id, 0, { canceled: compactRev !== 0, compact_revision: compactRev });
      this.ctx.send(w.client, 'etcd.watch.event', { stream, response: r }, `watch ${id} canceled: compacted`);
      return;
    }
    ws.watchers.set(id, w);
    if (synced) return;
    // syncWatchers: the history from minRev, at most WATCH_BATCH_MAX_REVS revisions per response
    // (counted before filtering); a response whose events are all filtered out is not sent.
    const past = this.store.eventsSince(w.key, w.end, w.minRev);
    let batch: WatchEvent[] = [];
    let revs = 0;
    let lastRev = -1;
    for (const ev of past) {
      if (ev.kv.mod_revision !== lastRev) {
        if (revs === WATCH_BATCH_MAX_REVS) {
          this.emit(w, this.store.rev, batch);
          batch = [];
          revs = 0;
        }
        revs++;
        lastRev = ev.kv.mod_revision;
      }
      batch.push(ev);
    }
    this.emit(w, this.store.rev, batch);
  }

  private cancelWatch(env: Envelope): void {
    const req = env.payload as { watch_id: number; stream?: string };
    const ws = this.streams.get(`${env.from}/${req.stream ?? ''}`);
    ws?.watchers.delete(req.watch_id);
    if (ws && ws.watchers.size === 0) this.streams.delete(`${env.from}/${req.stream ?? ''}`);
    this.ctx.reply(env, 'etcd.watch.cancel.result', {
      ok: this.response(req.watch_id, this.store.rev, { canceled: true }),
    });
  }

  /** Applies the watcher's filters and prev_kv choice; sends nothing if no event is left. */
  private emit(w: Watcher, revision: number, events: WatchEvent[]): void {
    const mine: WatchEvent[] = [];
    for (const ev of events) {
      if ((ev.type === 'PUT' && w.noPut) || (ev.type === 'DELETE' && w.noDelete)) continue;
      if (!w.prevKv && ev.prev_kv) {
        const { prev_kv: _drop, ...rest } = ev;
        mine.push(rest);
      } else mine.push(ev);
    }
    if (mine.length === 0) return;
    const r = this.response(w.id, revision, { events: mine });
    const first = mine[0] as WatchEvent;
    const what = `${first.type} ${printable(first.kv.key)}${mine.length > 1 ? ` +${mine.length - 1}` : ''}`;
    this.ctx.send(
      w.client,
      'etcd.watch.event',
      { stream: w.stream, response: r },
      `watch ${w.id}: ${what} @${revision}`,
    );
  }

  /** watchable_store.go notify: each synced watcher gets the txn's events for its range, at or after its minRev. */
  private notify(rev: number, events: WatchEvent[]): void {
    for (const ws of this.streams.values()) {
      for (const w of ws.watchers.values()) {
        if (rev < w.minRev) continue;
        let mine: WatchEvent[] | undefined;
        for (const ev of events) if (inWatch(w, ev.kv.key)) (mine ??= []).push(ev);
        if (mine) this.emit(w, rev, mine);
      }
    }
  }
}

function inWatch(w: Watcher, k: string): boolean {
  if (w.end === '') return k === w.key;
  if (w.end === '\0') return k >= w.key;
  return k >= w.key && k < w.end;
}

export function createEtcd(_spec: ComponentSpec): Component {
  return new Etcd();
}
