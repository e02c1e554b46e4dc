/**
 * The MVCC key-value store behind the simulated etcd: one cluster revision; per key its
 * create_revision, mod_revision and version; a history of every revision until compaction.
 *
 * Mirrors etcd's `server/mvcc` (kvstore.go, kvstore_txn.go, key_index.go) and the request
 * semantics of `etcdserver/apply.go` (Range, Put, DeleteRange, Txn, Compaction). Keys and values
 * are byte strings (one char per byte), so JS string order is etcd's byte order.
 */
import {
  type CompactionRequest,
  type CompactionResponse,
  type Compare,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  Errors,
  type KeyValue,
  MAX_TXN_OPS,
  type PutRequest,
  type PutResponse,
  type RangeRequest,
  type RangeResponse,
  type RequestOp,
  type ResponseHeader,
  type TxnRequest,
  type TxnResponse,
  type WatchEvent,
} from './types.ts';

/** One revision of one key; kv null marks a deletion (tombstone). */
interface Rev {
  main: number;
  sub: number;
  kv: KeyValue | null;
}

/** An open write transaction: every change in it shares one main revision. */
interface WriteTxn {
  beginRev: number;
  changes: number;
  events: WatchEvent[];
}

export interface StoreSnapshot {
  rev: number;
  compactRev: number;
  keys: [string, Rev[]][];
}

export const CLUSTER_ID = '14841639068965178418';
export const MEMBER_ID = '10276657743932975437';
export const RAFT_TERM = 2;

/** `range_end` semantics: '' is one key, '\0' is every key ≥ key, otherwise [key, end). */
function inRange(k: string, key: string, end: string): boolean {
  if (end === '') return k === key;
  if (end === '\0') return k >= key;
  return k >= key && k < end;
}

export class MvccStore {
  /** The current revision. A new store is at 1, as etcd is. */
  rev = 1;
  /** Highest compacted revision, -1 before any compaction. */
  compactRev = -1;
  private index = new Map<string, Rev[]>();
  private sorted: string[] = [];
  private unsorted: string[] = [];
  private listeners = new Set<(rev: number, events: WatchEvent[]) => void>();

  header(revision = this.rev): ResponseHeader {
    return { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision, raft_term: RAFT_TERM };
  }

  /** Called after every committed write with its revision and events (the watchable store's feed). */
  onCommit(fn: (rev: number, events: WatchEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get keyCount(): number {
    return this.index.size;
  }

  // ---- index ---------------------------------------------------------------------------------

  private sortedKeys(): string[] {
    if (this.unsorted.length > 0) {
      const add = this.unsorted.sort(byteCompare);
      this.unsorted = [];
      const out: string[] = new Array(this.sorted.length + add.length);
      let i = 0;
      let j = 0;
      let o = 0;
      const a = this.sorted;
      while (i < a.length && j < add.length)
        out[o++] = (a[i] as string) < (add[j] as string) ? (a[i++] as string) : (add[j++] as string);
      while (i < a.length) out[o++] = a[i++] as string;
      while (j < add.length) out[o++] = add[j++] as string;
      this.sorted = out;
    }
    return this.sorted;
  }

  /** Keys with any history in [key, end). */
  private keysIn(key: string, end: string): string[] {
    if (end === '') return this.index.has(key) ? [key] : [];
    const keys = this.sortedKeys();
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i] as string;
      if (!inRange(k, key, end)) break;
      out.push(k);
    }
    return out;
  }

  /** The key's state at revision `at` (null if absent or deleted). */
  private kvAt(revs: Rev[], at: number): KeyValue | null {
    for (let i = revs.length - 1; i >= 0; i--) {
      const r = revs[i] as Rev;
      if (r.main <= at) return r.kv;
    }
    return null;
  }

  private live(key: string): KeyValue | null {
    const revs = this.index.get(key);
    if (!revs || revs.length === 0) return null;
    return (revs[revs.length - 1] as Rev).kv;
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** Every live kv in the range at revision `at`, sorted by key. */
  private rangeKeys(key: string, end: string, at: number): KeyValue[] {
    const out: KeyValue[] = [];
    for (const k of this.keysIn(key, end)) {
      const kv = this.kvAt(this.index.get(k) as Rev[], at);
      if (kv) out.push(kv);
    }
    return out;
  }

  private checkRev(rev: number): number {
    const at = rev <= 0 ? this.rev : rev;
    if (rev > 0 && rev < this.compactRev) throw Errors.compacted();
    if (at > this.rev) throw Errors.futureRev();
    return at;
  }

  range(req: RangeRequest, txn?: WriteTxn): RangeResponse {
    if (!req.key) throw Errors.emptyKey();
    // Inside a write txn, reads see its own earlier writes (kvstore_txn.go storeTxnWrite.Range).
    const cur = txn ? txn.beginRev + (txn.changes > 0 ? 1 : 0) : this.rev;
    let at: number;
    if (txn) {
      const rev = req.revision ?? 0;
      if (rev > 0 && rev < this.compactRev) throw Errors.compacted();
      if (rev > cur) throw Errors.futureRev();
      at = rev <= 0 ? cur : rev;
    } else {
      at = this.checkRev(req.revision ?? 0);
    }
    const end = req.range_end ?? '';
    let kvs = this.rangeKeys(req.key, end, at);
    const count = kvs.length;
    const filter = (kv: KeyValue) =>
      (!req.max_mod_revision || kv.mod_revision <= req.max_mod_revision) &&
      (!req.min_mod_revision || kv.mod_revision >= req.min_mod_revision) &&
      (!req.max_create_revision || kv.create_revision <= req.max_create_revision) &&
      (!req.min_create_revision || kv.create_revision >= req.min_create_revision);
    if (req.max_mod_revision || req.min_mod_revision || req.max_create_revision || req.min_create_revision) {
      kvs = kvs.filter(filter);
    }
    let order = req.sort_order ?? 'NONE';
    const target = req.sort_target ?? 'KEY';
    if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
    if (order !== 'NONE') {
      const keyOf = (kv: KeyValue): number | string =>
        target === 'KEY'
          ? kv.key
          : target === 'VERSION'
            ? kv.version
            : target === 'CREATE'
              ? kv.create_revision
              : target === 'MOD'
                ? kv.mod_revision
                : kv.value;
      const dir = order === 'DESCEND' ? -1 : 1;
      kvs = [...kvs].sort((a, b) => {
        const x = keyOf(a);
        const y = keyOf(b);
        return x < y ? -dir : x > y ? dir : 0;
      });
    }
    let more = false;
    const limit = req.limit ?? 0;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    if (req.count_only) kvs = [];
    else if (req.keys_only) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
    return { header: this.header(at), kvs, more, count };
  }

  // ---- writes --------------------------------------------------------------------------------

  private begin(): WriteTxn {
    return { beginRev: this.rev, changes: 0, events: [] };
  }

  private end(txn: WriteTxn): number {
    if (txn.changes > 0) {
      this.rev = txn.beginRev + 1;
      for (const l of this.listeners) l(this.rev, txn.events);
    }
    return this.rev;
  }

  private write(txn: WriteTxn, key: string, kv: KeyValue | null): void {
    let revs = this.index.get(key);
    if (!revs) {
      revs = [];
      this.index.set(key, revs);
      this.unsorted.push(key);
    }
    const prev = revs.length > 0 ? (revs[revs.length - 1] as Rev).kv : null;
    revs.push({ main: txn.beginRev + 1, sub: txn.changes, kv });
    txn.changes++;
    const ev: WatchEvent = kv
      ? { type: 'PUT', kv }
      : {
          type: 'DELETE',
          kv: { key, create_revision: 0, mod_revision: txn.beginRev + 1, version: 0, value: '', lease: 0 },
        };
    if (prev) ev.prev_kv = prev;
    txn.events.push(ev);
  }

  put(req: PutRequest, txn?: WriteTxn): PutResponse {
    if (!txn) {
      checkPut(req);
      const t = this.begin();
      const resp = this.put(req, t);
      this.end(t);
      return resp;
    }
    const prev = this.live(req.key);
    let value = req.value ?? '';
    let lease = req.lease ?? 0;
    if (req.ignore_value || req.ignore_lease) {
      if (!prev) throw Errors.keyNotFound();
      if (req.ignore_value) value = prev.value;
      if (req.ignore_lease) lease = prev.lease;
    }
    if (lease !== 0) throw Errors.leaseNotFound();
    const rev = txn.beginRev + 1;
    const kv: KeyValue = {
      key: req.key,
      create_revision: prev ? prev.create_revision : rev,
      mod_revision: rev,
      version: prev ? prev.version + 1 : 1,
      value,
      lease,
    };
    this.write(txn, req.key, kv);
    const resp: PutResponse = { header: this.header(rev) };
    if (req.prev_kv && prev) resp.prev_kv = prev;
    return resp;
  }

  deleteRange(req: DeleteRangeRequest, txn?: WriteTxn): DeleteRangeResponse {
    if (!txn) {
      if (!req.key) throw Errors.emptyKey();
      const t = this.begin();
      const resp = this.deleteRange(req, t);
      this.end(t);
      return resp;
    }
    const live = this.rangeKeys(req.key, req.range_end ?? '', Number.POSITIVE_INFINITY);
    for (const kv of live) this.write(txn, kv.key, null);
    const rev = live.length > 0 || txn.changes > 0 ? txn.beginRev + 1 : txn.beginRev;
    return { header: this.header(rev), deleted: live.length, prev_kvs: req.prev_kv ? live : [] };
  }

  /**
   * etcd's Txn (apply.go): every compare, nested ones too, is evaluated against the state before
   * the txn (compareToPath); the chosen path's puts and ranges are checked before anything is
   * written (checkRequests); then the path is applied under one new revision.
   */
  txn(req: TxnRequest): TxnResponse {
    checkTxn(req);
    const path = this.compareToPath(req);
    this.checkRequests(req, path, 0);
    const t = this.begin();
    const resp = this.newTxnResp(path[0] as boolean);
    this.applyTxn(req, t, path, 0, resp);
    this.end(t);
    resp.header = this.header(t.changes > 0 ? t.beginRev + 1 : t.beginRev);
    return resp;
  }

  private compareToPath(req: TxnRequest): boolean[] {
    const ok = (req.compare ?? []).every((c) => this.applyCompare(c));
    const path = [ok];
    for (const op of (ok ? req.success : req.failure) ?? []) {
      if ('request_txn' in op) path.push(...this.compareToPath(op.request_txn));
    }
    return path;
  }

  /** Checks the chosen path against the pre-txn state. Returns how many path entries it used. */
  private checkRequests(req: TxnRequest, path: boolean[], at: number): number {
    let used = 1;
    for (const op of (path[at] ? req.success : req.failure) ?? []) {
      if ('request_put' in op) {
        const p = op.request_put;
        if ((p.ignore_value || p.ignore_lease) && !this.live(p.key)) throw Errors.keyNotFound();
        if ((p.lease ?? 0) !== 0) throw Errors.leaseNotFound();
      } else if ('request_range' in op) {
        const rev = op.request_range.revision ?? 0;
        if (rev > 0 && rev < this.compactRev) throw Errors.compacted();
        if (rev > this.rev) throw Errors.futureRev();
      } else if ('request_txn' in op) {
        used += this.checkRequests(op.request_txn, path, at + used);
      }
    }
    return used;
  }

  private newTxnResp(ok: boolean): TxnResponse {
    // Nested txn responses carry an empty header, as etcd's newTxnResp leaves it.
    return { header: { cluster_id: '', member_id: '', revision: 0, raft_term: 0 }, succeeded: ok, responses: [] };
  }

  private applyTxn(req: TxnRequest, txn: WriteTxn, path: boolean[], at: number, resp: TxnResponse): number {
    let used = 1;
    for (const op of (path[at] ? req.success : req.failure) ?? []) {
      if ('request_range' in op) resp.responses.push({ response_range: this.range(op.request_range, txn) });
      else if ('request_put' in op) resp.responses.push({ response_put: this.put(op.request_put, txn) });
      else if ('request_delete_range' in op)
        resp.responses.push({ response_delete_range: this.deleteRange(op.request_delete_range, txn) });
      else {
        const inner = this.newTxnResp(path[at + used] as boolean);
        used += this.applyTxn(op.request_txn, txn, path, at + used, inner);
        resp.responses.push({ response_txn: inner });
      }
    }
    return used;
  }

  /** etcd's applyCompare: every key in the range must satisfy it; a VALUE compare on nothing fails. */
  private applyCompare(c: Compare): boolean {
    const kvs = this.rangeKeys(c.key, c.range_end ?? '', this.rev);
    const target = c.target ?? 'VERSION';
    if (kvs.length === 0) {
      if (target === 'VALUE') return false;
      return compareKV(c, { key: c.key, create_revision: 0, mod_revision: 0, version: 0, value: '', lease: 0 });
    }
    return kvs.every((kv) => compareKV(c, kv));
  }

  compact(req: CompactionRequest): CompactionResponse {
    const rev = req.revision;
    if (rev <= this.compactRev) throw Errors.compacted();
    if (rev > this.rev) throw Errors.futureRev();
    this.compactRev = rev;
    let removed = false;
    for (const [key, revs] of this.index) {
      // Keep the newest revision at or below `rev` unless it is a deletion; drop all older.
      let keep = -1;
      for (let i = revs.length - 1; i >= 0; i--) {
        if ((revs[i] as Rev).main <= rev) {
          keep = i;
          break;
        }
      }
      if (keep < 0) continue;
      const drop = (revs[keep] as Rev).kv === null ? keep + 1 : keep;
      if (drop > 0) revs.splice(0, drop);
      if (revs.length === 0) {
        this.index.delete(key);
        removed = true;
      }
    }
    if (removed) {
      this.sorted = this.sortedKeys().filter((k) => this.index.has(k));
    }
    return { header: this.header() };
  }

  // ---- watch support -------------------------------------------------------------------------

  /** Events in [startRev, current] for keys in the range, in revision order (for a watch that starts in the past). */
  eventsSince(key: string, end: string, startRev: number): WatchEvent[] {
    const out: { main: number; sub: number; ev: WatchEvent }[] = [];
    for (const k of this.keysIn(key, end)) {
      const revs = this.index.get(k) as Rev[];
      for (let i = 0; i < revs.length; i++) {
        const r = revs[i] as Rev;
        if (r.main < startRev) continue;
        const prev = i > 0 ? (revs[i - 1] as Rev).kv : null;
        const ev: WatchEvent = r.kv
          ? { type: 'PUT', kv: r.kv }
          : {
              type: 'DELETE',
              kv: { key: k, create_revision: 0, mod_revision: r.main, version: 0, value: '', lease: 0 },
            };
        if (prev) ev.prev_kv = prev;
        out.push({ main: r.main, sub: r.sub, ev });
      }
    }
    out.sort((a, b) => a.main - b.main || a.sub - b.sub);
    return out.map((o) => o.ev);
  }

  // ---- persistence ---------------------------------------------------------------------------

  snapshot(): StoreSnapshot {
    return { rev: this.rev, compactRev: this.compactRev, keys: [...this.index.entries()] };
  }

  static restore(s: StoreSnapshot): MvccStore {
    const m = new MvccStore();
    m.rev = s.rev;
    m.compactRev = s.compactRev;
    for (const [k, revs] of s.keys) m.index.set(k, revs);
    m.unsorted = s.keys.map(([k]) => k);
    return m;
  }
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKV(c: Compare, kv: KeyValue): boolean {
  let result: number;
  switch (c.target ?? 'VERSION') {
    case 'VALUE': {
      const v = c.value ?? '';
      result = kv.value < v ? -1 : kv.value > v ? 1 : 0;
      break;
    }
    case 'CREATE':
      result = Math.sign(kv.create_revision - (c.create_revision ?? 0));
      break;
    case 'MOD':
      result = Math.sign(kv.mod_revision - (c.mod_revision ?? 0));
      break;
    case 'LEASE':
      result = Math.sign(kv.lease - (c.lease ?? 0));
      break;
    default:
      result = Math.sign(kv.version - (c.version ?? 0));
  }
  switch (c.result ?? 'EQUAL') {
    case 'EQUAL':
      return result === 0;
    case 'NOT_EQUAL':
      return result !== 0;
    case 'GREATER':
      return result > 0;
    case 'LESS':
      return result < 0;
  }
  return true;
}

// ---- request validation (etcd's v3rpc/key.go) ----------------------------------------------

export function checkRange(r: RangeRequest): void {
  if (!r.key) throw Errors.emptyKey();
}

export function checkPut(r: PutRequest): void {
  if (!r.key) throw Errors.emptyKey();
  if (r.ignore_value && (r.value ?? '').length !== 0) throw Errors.valueProvided();
  if (r.ignore_lease && (r.lease ?? 0) !== 0) throw Errors.leaseProvided();
}

export function checkDelete(r: DeleteRangeRequest): void {
  if (!r.key) throw Errors.emptyKey();
}

function checkOp(op: RequestOp): void {
  if ('request_range' in op) checkRange(op.request_range);
  else if ('request_put' in op) checkPut(op.request_put);
  else if ('request_delete_range' in op) checkDelete(op.request_delete_range);
  else if ('request_txn' in op) checkTxn(op.request_txn);
}

export function checkTxn(r: TxnRequest): void {
  const cmp = r.compare ?? [];
  const succ = r.success ?? [];
  const fail = r.failure ?? [];
  if (cmp.length > MAX_TXN_OPS || succ.length > MAX_TXN_OPS || fail.length > MAX_TXN_OPS) throw Errors.tooManyOps();
  for (const c of cmp) if (!c.key) throw Errors.emptyKey();
  for (const op of succ) checkOp(op);
  for (const op of fail) checkOp(op);
  checkIntervals(succ);
  checkIntervals(fail);
}

interface Interval {
  begin: string;
  end: string;
}

/** A delete's interval as etcd's checkIntervals builds it: a point is [k, k+"\0"). */
function intervalOf(key: string, end: string | undefined): Interval {
  return end ? { begin: key, end } : { begin: key, end: `${key}\0` };
}

function hits(dels: Interval[], k: string): boolean {
  return dels.some((d) => k >= d.begin && k < d.end);
}

/** No key may be written twice in one txn, nor written and deleted (etcd v3rpc checkIntervals). */
function checkIntervals(reqs: RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of reqs) {
    if ('request_delete_range' in op)
      dels.push(intervalOf(op.request_delete_range.key, op.request_delete_range.range_end));
  }
  const puts = new Set<string>();
  for (const op of reqs) {
    if (!('request_txn' in op)) continue;
    const then = checkIntervals(op.request_txn.success ?? []);
    const otherwise = checkIntervals(op.request_txn.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || hits(dels, k)) throw Errors.duplicateKey();
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if (puts.has(k) && !then.puts.has(k)) throw Errors.duplicateKey();
      if (hits(dels, k)) throw Errors.duplicateKey();
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of reqs) {
    if (!('request_put' in op)) continue;
    const k = op.request_put.key;
    if (puts.has(k) || hits(dels, k)) throw Errors.duplicateKey();
    puts.add(k);
  }
  return { puts, dels };
}
