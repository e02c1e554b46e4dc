/**
 * The MVCC key-value store behind the simulated etcd: one cluster revision; per key its
 * create_revision, mod_revision and version; a history of every revision until compaction.
 *
 * Mirrors etcd's `server/mvcc` (kvstore.go, kvstore_txn.go, key_index.go, watchable_store.go) and
 * the request semantics of `etcdserver/apply.go` (Range, Put, DeleteRange, Txn, Compaction) and
 * `etcdserver/api/v3rpc/key.go` (request validation). Keys and values are byte strings (one char
 * per byte), so JS string order is etcd's byte order.
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
  type SortTarget,
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

/** The newest revision in `revs` with main ≤ at, or -1 (revs are in revision order). */
function revIndexAt(revs: Rev[], at: number): number {
  const n = revs.length;
  if (n === 0) return -1;
  if ((revs[n - 1] as Rev).main <= at) return n - 1;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((revs[mid] as Rev).main <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export class MvccStore {
  /** The current revision. A new store is at 1, as etcd is. */
  rev = 1;
  /** Highest compacted revision, -1 before any compaction (kvstore.go compactMainRev). */
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
    const i = revIndexAt(revs, at);
    return i < 0 ? null : (revs[i] as Rev).kv;
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

  /**
   * apply.go Range over kvstore_txn.go rangeKeys. The header carries the revision of the read view
   * (the current revision, or inside a write txn the txn's own revision), never the requested
   * one: a read at a past revision still reports where the store is now.
   */
  range(req: RangeRequest, txn?: WriteTxn): RangeResponse {
    if (!req.key) throw Errors.emptyKey();
    // Inside a write txn, reads see its own earlier writes (kvstore_txn.go storeTxnWrite.Range).
    const cur = txn ? txn.beginRev + (txn.changes > 0 ? 1 : 0) : this.rev;
    const rev = req.revision ?? 0;
    if (rev > cur) throw Errors.futureRev();
    const at = rev <= 0 ? cur : rev;
    if (at < this.compactRev) throw Errors.compacted();
    let kvs = this.rangeKeys(req.key, req.range_end ?? '', at);
    const count = kvs.length;
    // count_only never fetches the pairs, so there is nothing to filter, sort or cut: `more` stays false.
    if (req.count_only) return { header: this.header(cur), kvs: [], more: false, count };
    const maxMod = req.max_mod_revision ?? 0;
    const minMod = req.min_mod_revision ?? 0;
    const maxCreate = req.max_create_revision ?? 0;
    const minCreate = req.min_create_revision ?? 0;
    const limit = req.limit ?? 0;
    let order = req.sort_order ?? 'NONE';
    // apply.go fetches everything only for an explicit sort order or a revision filter; otherwise
    // it fetches limit+1 pairs in key order. So a sort_target with sort_order NONE and a limit
    // sorts just those first limit+1 keys, not the whole range.
    const fetchAll = order !== 'NONE' || maxMod || minMod || maxCreate || minCreate;
    if (!fetchAll && limit > 0 && kvs.length > limit + 1) kvs = kvs.slice(0, limit + 1);
    if (maxMod || minMod || maxCreate || minCreate) {
      kvs = kvs.filter(
        (kv) =>
          (!maxMod || kv.mod_revision <= maxMod) &&
          (!minMod || kv.mod_revision >= minMod) &&
          (!maxCreate || kv.create_revision <= maxCreate) &&
          (!minCreate || kv.create_revision >= minCreate),
      );
    }
    const target = req.sort_target ?? 'KEY';
    // The index yields keys in ascending order, so only a non-KEY target needs a default order.
    if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
    if (order !== 'NONE') kvs = sortKVs(kvs, target, order === 'DESCEND');
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    if (req.keys_only) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
    // count is what the index held in the range, before the revision filters and the limit.
    return { header: this.header(cur), kvs, more, count };
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
    const main = txn.beginRev + 1;
    // A watcher's prev_kv is the key at main-1 (v3rpc watch.go reads it at ModRevision-1), so a
    // delete that follows a put of the same key in one txn reports the value from before the txn.
    let p = revs.length - 1;
    while (p >= 0 && (revs[p] as Rev).main === main) p--;
    const prev = p >= 0 ? (revs[p] as Rev).kv : null;
    revs.push({ main, sub: txn.changes, kv });
    txn.changes++;
    const ev: WatchEvent = kv
      ? { type: 'PUT', kv }
      : { type: 'DELETE', kv: { key, create_revision: 0, mod_revision: main, version: 0, value: '', lease: 0 } };
    // A create (create_revision == mod_revision) never carries prev_kv.
    if (prev && !(kv && kv.create_revision === main)) ev.prev_kv = prev;
    txn.events.push(ev);
  }

  put(req: PutRequest, txn?: WriteTxn): PutResponse {
    if (!txn) {
      checkPut(req);
      // Outside a txn the lease is looked up before anything else (apply.go Put with txn == nil).
      if ((req.lease ?? 0) !== 0) throw Errors.leaseNotFound();
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
      checkDelete(req);
      const t = this.begin();
      const resp = this.deleteRange(req, t);
      this.end(t);
      return resp;
    }
    const live = this.rangeKeys(req.key, req.range_end ?? '', Number.POSITIVE_INFINITY);
    for (const kv of live) this.write(txn, kv.key, null);
    // kvstore_txn.go DeleteRange: the txn's revision once it has changed anything, else the current one.
    const rev = live.length > 0 || txn.changes > 0 ? txn.beginRev + 1 : txn.beginRev;
    return { header: this.header(rev), deleted: live.length, prev_kvs: req.prev_kv ? live : [] };
  }

  /**
   * etcd's Txn (key.go, then apply.go): the request is validated (checkTxnRequest, then
   * checkIntervals on both branches); every compare, nested ones too, is evaluated against the
   * state before the txn (compareToPath); the chosen path's puts, then its ranges, are checked
   * before anything is written (checkRequests); then the path is applied under one new revision.
   */
  txn(req: TxnRequest): TxnResponse {
    checkTxn(req);
    const path = this.compareToPath(req);
    if (!isTxnReadonly(req)) this.checkRequests(req, path, 0, (op) => this.checkPutOp(op));
    this.checkRequests(req, path, 0, (op) => this.checkRangeOp(op));
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

  /** Runs `check` over the chosen path against the pre-txn state. Returns how many path entries it used. */
  private checkRequests(req: TxnRequest, path: boolean[], at: number, check: (op: RequestOp) => void): number {
    let used = 1;
    for (const op of (path[at] ? req.success : req.failure) ?? []) {
      if ('request_txn' in op) used += this.checkRequests(op.request_txn, path, at + used, check);
      else check(op);
    }
    return used;
  }

  /** apply.go checkPut: ignore_value/ignore_lease need the key to exist; a lease must exist. */
  private checkPutOp(op: RequestOp): void {
    if (!('request_put' in op)) return;
    const p = op.request_put;
    if ((p.ignore_value || p.ignore_lease) && !this.live(p.key)) throw Errors.keyNotFound();
    if ((p.lease ?? 0) !== 0) throw Errors.leaseNotFound();
  }

  /**
   * apply.go checkRange: a revision of 0 is always fine; otherwise it may not be ahead of the
   * store nor below the compacted revision. A negative revision is "below" too, so it fails as
   * compacted here, although a plain Range treats it as the current revision.
   */
  private checkRangeOp(op: RequestOp): void {
    if (!('request_range' in op)) return;
    const rev = op.request_range.revision ?? 0;
    if (rev === 0) return;
    if (rev > this.rev) throw Errors.futureRev();
    if (rev < this.compactRev) throw Errors.compacted();
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

  /**
   * kvstore.go Compact: a revision at or below the last compaction fails as compacted (so does a
   * negative one), one ahead of the store as a future revision; 0 is allowed once. For each key,
   * key_index.go keeps the newest revision at or below `rev` unless it is a deletion, and drops
   * everything older; a key left with no revisions leaves the index.
   */
  compact(req: CompactionRequest): CompactionResponse {
    const rev = req.revision ?? 0;
    if (rev <= this.compactRev) throw Errors.compacted();
    if (rev > this.rev) throw Errors.futureRev();
    this.compactRev = rev;
    let removed = false;
    for (const [key, revs] of this.index) {
      const keep = revIndexAt(revs, rev);
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

  /**
   * Events in [startRev, current] for keys in the range, in revision order (for a watch that
   * starts in the past; watchable_store.go syncWatchers and kvsToEvents). Each event carries the
   * key as it was at mod_revision-1 as prev_kv, unless that revision is compacted, the key did not
   * exist then, or the event is a create (what v3rpc watch.go adds for prev_kv watchers).
   */
  eventsSince(key: string, end: string, startRev: number): WatchEvent[] {
    const out: { main: number; sub: number; ev: WatchEvent }[] = [];
    for (const k of this.keysIn(key, end)) {
      const revs = this.index.get(k) as Rev[];
      for (let i = 0; i < revs.length; i++) {
        const r = revs[i] as Rev;
        if (r.main < startRev) continue;
        const ev: WatchEvent = r.kv
          ? { type: 'PUT', kv: r.kv }
          : {
              type: 'DELETE',
              kv: { key: k, create_revision: 0, mod_revision: r.main, version: 0, value: '', lease: 0 },
            };
        const isCreate = r.kv !== null && r.kv.create_revision === r.main;
        if (!isCreate && r.main - 1 >= this.compactRev) {
          let p = i - 1;
          while (p >= 0 && (revs[p] as Rev).main === r.main) p--;
          const prev = p >= 0 ? (revs[p] as Rev).kv : null;
          if (prev) ev.prev_kv = prev;
        }
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

/**
 * Sorts by the target (apply.go kvSortBy*). Keys are unique, so a KEY sort is total; for the other
 * targets etcd uses Go's unstable sort.Sort, so the order among equal values is unspecified. Here
 * ties keep key order, which is one of the orders etcd may produce.
 */
function sortKVs(kvs: KeyValue[], target: SortTarget, descend: boolean): KeyValue[] {
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
  const dir = descend ? -1 : 1;
  return [...kvs].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x < y ? -dir : x > y ? dir : 0;
  });
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

/** apply.go isTxnReadonly: only ranges on either branch (a nested txn counts as a write). */
export function isTxnReadonly(r: TxnRequest): boolean {
  for (const op of r.success ?? []) if (!('request_range' in op)) return false;
  for (const op of r.failure ?? []) if (!('request_range' in op)) return false;
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

/** key.go checkRequestOp. An op with none of its four requests set is "key not found". */
function checkOp(op: RequestOp, maxTxnOps: number): void {
  if ('request_range' in op && op.request_range) checkRange(op.request_range);
  else if ('request_put' in op && op.request_put) checkPut(op.request_put);
  else if ('request_delete_range' in op && op.request_delete_range) checkDelete(op.request_delete_range);
  else if ('request_txn' in op && op.request_txn) checkTxnRequest(op.request_txn, maxTxnOps);
  else throw Errors.keyNotFound();
}

/**
 * key.go checkTxnRequest: the widest of compare/success/failure may not exceed the op budget, and
 * a nested txn gets what its parent left (budget minus the parent's widest list).
 */
function checkTxnRequest(r: TxnRequest, maxTxnOps: number): void {
  const cmp = r.compare ?? [];
  const succ = r.success ?? [];
  const fail = r.failure ?? [];
  const opc = Math.max(cmp.length, succ.length, fail.length);
  if (opc > maxTxnOps) throw Errors.tooManyOps();
  for (const c of cmp) if (!c.key) throw Errors.emptyKey();
  for (const op of succ) checkOp(op, maxTxnOps - opc);
  for (const op of fail) checkOp(op, maxTxnOps - opc);
}

/** Everything key.go's Txn checks before the request reaches raft. */
export function checkTxn(r: TxnRequest): void {
  checkTxnRequest(r, MAX_TXN_OPS);
  // Overlaps are checked after the whole request, to avoid quadratic work on bad requests.
  if (mayOverlap(r.success)) checkIntervals(r.success ?? []);
  if (mayOverlap(r.failure)) checkIntervals(r.failure ?? []);
}

/** One op that is not a nested txn cannot overlap itself (most txns: a put, or a range). */
function mayOverlap(reqs: RequestOp[] | undefined): boolean {
  if (!reqs || reqs.length === 0) return false;
  return reqs.length > 1 || 'request_txn' in (reqs[0] as RequestOp);
}

interface Interval {
  begin: string;
  end: string;
}

/**
 * A delete's interval as key.go checkIntervals builds it: a point is [k, k+"\0"); a range_end
 * of "\0" makes the interval [k, "\0"), which is empty, so a from-key delete never conflicts.
 */
function intervalOf(key: string, end: string | undefined): Interval {
  return end ? { begin: key, end } : { begin: key, end: `${key}\0` };
}

function hits(dels: Interval[], k: string): boolean {
  return dels.some((d) => k >= d.begin && k < d.end);
}

/**
 * No key may be put twice in one txn, nor put and deleted (key.go checkIntervals). Nested txns
 * are checked first; a key put on both branches of one nested txn is fine. Deletes of a nested
 * txn join the set only after its puts were checked, so a put in one nested txn followed by a
 * delete of the same key in a later nested txn passes, as it does in etcd.
 */
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
