/**
 * Differential test: the simulated etcd against a real etcd binary, through the v3 JSON gateway.
 *
 * Seeded random sequences of put, deleterange, range, txn (nested, with every compare target and
 * result), compaction and streaming watches go to both servers as identical HTTP requests; the
 * HTTP status and the JSON body must be deep-equal once cluster_id, member_id and raft_term (which
 * differ between any two clusters) are removed. Keys come from a small pool, so operations collide
 * on the same keys, and include NUL, 0xff, UTF-8 and other non-ASCII bytes. The first difference
 * fails the test with the request that caused it. Set ETCD_DIFF_KEEP_GOING=1 to log every
 * difference instead of stopping at the first (the two stores may then drift apart).
 *
 * Scripted sequences come first, for what random sequences reach too rarely (see runScripted).
 * Where etcd leaves an order undefined (sorting by VERSION, CREATE, MOD or VALUE keeps pairs with
 * equal values in no particular order), those tie groups are compared as sets (canonicalRange).
 *
 * Needs /usr/bin/etcd (3.4 or later); skipped with a message when it is missing, failed on CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  b64,
  ETCD_BIN,
  firstDiff,
  post,
  type Reply,
  type Server,
  showBytes,
  startRealEtcd,
  startSimEtcd,
  stripMemberFields,
  WatchStream,
} from './etcd-harness.ts';
import { requireTool } from './real-tools.ts';

const hasEtcd = requireTool('etcd', ETCD_BIN, 'install etcd-server (Debian/Ubuntu: apt-get install etcd-server)');

const SEEDS = [1, 2, 3, 4];
const OPS_PER_SEED = 230;
const KEEP_GOING = process.env.ETCD_DIFF_KEEP_GOING === '1';

// ---- seeded randomness ------------------------------------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)] as T;
  }
}

// ---- what the requests are made of ------------------------------------------------------------------

/** Byte strings (one char per byte): shared prefixes, NUL, 0xff, UTF-8 and other high bytes. */
const KEYS = [
  'a',
  'a\x00',
  'ab',
  'abc',
  'b',
  'b\xff',
  'c',
  'foo/1',
  'foo/2',
  'foo/3/x',
  'fop',
  '\x00',
  '\x01',
  '\xff',
  '\xff\xff',
  'k\x80\x81',
  '\xc3\xa9t\xc3\xa9', // "été" in UTF-8
  '/registry/pods/default/web-1',
] as const;

const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const;

const VALUES = ['', 'v', 'v2', 'value-3', '\x00\xff', '\xde\xad\xbe\xef', '\xc3\xa9', 'k8s\x00\n\x02v1'] as const;

/** etcd's prefix range end: the prefix with its last byte below 0xff incremented; "\0" if none. */
function prefixEnd(p: string): string {
  for (let i = p.length - 1; i >= 0; i--) {
    const c = p.charCodeAt(i);
    if (c < 0xff) return p.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '\x00';
}

type Json = Record<string, unknown>;

/** What the test knows of the store, from real etcd's answers. */
const state = { rev: 1, compactRev: 0 };

class Gen {
  constructor(readonly rng: Rng) {}

  key(): string {
    return this.rng.pick(KEYS);
  }

  value(): string {
    const r = this.rng;
    if (r.chance(0.8)) return r.pick(VALUES);
    let s = '';
    const n = r.int(r.chance(0.1) ? 3000 : 24);
    for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(256));
    return s;
  }

  rangeEnd(key: string): string | undefined {
    const r = this.rng.next();
    if (r < 0.35) return undefined;
    if (r < 0.5) return '\x00';
    if (r < 0.75) return prefixEnd(key);
    if (r < 0.9) return this.key();
    return this.rng.pick(['foo0', '\xff\xff\xff', 'b']);
  }

  /** int64 fields as the gateway prints them (strings), sometimes as plain JSON numbers. */
  int(n: number): string | number {
    return this.rng.chance(0.2) ? n : String(n);
  }

  /** An enum by name, sometimes by number (the gateway takes both). */
  enumValue(names: readonly string[]): string | number {
    const i = this.rng.int(names.length);
    return this.rng.chance(0.15) ? i : (names[i] as string);
  }

  revision(): number | undefined {
    const r = this.rng.next();
    const { rev, compactRev } = state;
    const live = Math.max(compactRev, 1);
    if (r < 0.45) return undefined;
    if (r < 0.5) return 0;
    if (r < 0.8) return live + this.rng.int(rev - live + 1); // readable history
    if (r < 0.85) return 1 + this.rng.int(rev); // anywhere, maybe compacted
    if (r < 0.9) return rev + 1 + this.rng.int(3);
    if (r < 0.93) return -1 - this.rng.int(3);
    if (r < 0.97) return live;
    return Math.max(compactRev - 1, 1);
  }

  put(inTxn = false): Json {
    const r = this.rng;
    const o: Json = { key: b64(r.chance(inTxn ? 0.005 : 0.02) ? '' : this.key()) };
    const ignoreValue = r.chance(inTxn ? 0.05 : 0.12);
    if (!ignoreValue || r.chance(0.15)) {
      const v = this.value();
      if (v !== '' || r.chance(0.5)) o.value = b64(v);
    }
    if (ignoreValue) o.ignore_value = true;
    if (r.chance(0.3)) o.prev_kv = true;
    if (r.chance(inTxn ? 0.02 : 0.06)) o.ignore_lease = true;
    if (r.chance(inTxn ? 0.01 : 0.03)) o.lease = this.int(7_587_862_134_567_890);
    return o;
  }

  deleteRange(inTxn = false): Json {
    const r = this.rng;
    const key = r.chance(inTxn ? 0.005 : 0.02) ? '' : this.key();
    const o: Json = { key: b64(key) };
    const end = this.rangeEnd(key);
    if (end !== undefined) o.range_end = b64(end);
    if (r.chance(0.5)) o.prev_kv = true;
    return o;
  }

  range(inTxn: boolean): Json {
    const r = this.rng;
    let key = r.chance(inTxn ? 0.005 : 0.02) ? '' : this.key();
    if (!inTxn && r.chance(0.05)) key = '\x00'; // with range_end "\0": everything
    const o: Json = { key: b64(key) };
    const end = key === '\x00' ? '\x00' : this.rangeEnd(key);
    if (end !== undefined) o.range_end = b64(end);
    const rev = this.revision();
    if (rev !== undefined) o.revision = this.int(rev);
    let target: string | undefined;
    if (r.chance(0.35)) o.sort_order = this.enumValue(['NONE', 'ASCEND', 'DESCEND']);
    if (r.chance(0.35)) {
      const t = this.enumValue(SORT_TARGETS);
      o.sort_target = t;
      target = typeof t === 'number' ? SORT_TARGETS[t] : t;
    }
    // Inside a txn, no limit with a non-KEY sort: which of several equal values makes the cut is
    // not defined (see canonicalRange), and only the top level re-reads to check the cut.
    if (r.chance(0.3) && !(inTxn && target && target !== 'KEY')) o.limit = this.int(1 + r.int(5));
    if (r.chance(0.02)) o.limit = this.int(-1);
    // keys_only hides the values a VALUE sort orders by, so ties could not be told apart.
    if (r.chance(0.15) && target !== 'VALUE') o.keys_only = true;
    if (r.chance(0.1)) o.count_only = true;
    if (r.chance(0.05)) o.serializable = true;
    for (const f of ['min_mod_revision', 'max_mod_revision', 'min_create_revision', 'max_create_revision']) {
      if (r.chance(0.08)) o[f] = this.int(1 + r.int(state.rev + 1));
    }
    return o;
  }

  compare(): Json {
    const r = this.rng;
    const key = r.chance(0.01) ? '' : this.key();
    const o: Json = { key: b64(key) };
    const target = r.pick(['VERSION', 'CREATE', 'MOD', 'VALUE', 'VALUE', 'LEASE']);
    const TARGETS = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];
    if (target !== 'VERSION' || r.chance(0.5)) o.target = r.chance(0.15) ? TARGETS.indexOf(target) : target;
    const RESULTS = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
    const result = r.pick(RESULTS);
    if (result !== 'EQUAL' || r.chance(0.5)) o.result = r.chance(0.15) ? RESULTS.indexOf(result) : result;
    // Usually the field that goes with the target; sometimes another one (then etcd compares with 0).
    const field = r.chance(0.9)
      ? { VERSION: 'version', CREATE: 'create_revision', MOD: 'mod_revision', VALUE: 'value', LEASE: 'lease' }[target]
      : r.pick(['version', 'mod_revision', 'value']);
    if (field === 'value') o.value = b64(r.chance(0.5) ? r.pick(VALUES) : this.value());
    else if (field === 'version') o.version = this.int(r.int(4));
    else if (field === 'lease') o.lease = this.int(r.chance(0.8) ? 0 : 5);
    else if (field && r.chance(0.95)) o[field] = this.int(Math.max(0, state.rev - r.int(6)));
    if (r.chance(0.2)) {
      const end = this.rangeEnd(key);
      if (end !== undefined) o.range_end = b64(end);
    }
    return o;
  }

  ops(depth: number): Json[] {
    const r = this.rng;
    const n = r.int(5);
    const out: Json[] = [];
    for (let i = 0; i < n; i++) {
      const k = r.next();
      if (k < 0.005) out.push({});
      else if (k < 0.36) out.push({ request_put: this.put(true) });
      else if (k < 0.5) out.push({ request_delete_range: this.deleteRange(true) });
      else if (k < 0.88 || depth >= 2) out.push({ request_range: this.range(true) });
      else out.push({ request_txn: this.txn(depth + 1) });
    }
    return out;
  }

  txn(depth = 0): Json {
    const r = this.rng;
    const o: Json = {};
    const nc = r.int(4);
    if (nc > 0) o.compare = Array.from({ length: nc }, () => this.compare());
    const success = this.ops(depth);
    const failure = this.ops(depth);
    if (success.length || r.chance(0.3)) o.success = success;
    if (failure.length || r.chance(0.3)) o.failure = failure;
    return o;
  }

  compaction(): Json {
    const r = this.rng;
    const { rev, compactRev } = state;
    const k = r.next();
    let target: number;
    if (k < 0.6) target = Math.max(compactRev + 1, rev - r.int(15));
    else if (k < 0.75) target = compactRev;
    else if (k < 0.85) target = rev + 1 + r.int(2);
    else if (k < 0.9) target = 0;
    else target = Math.max(1, compactRev - 2);
    const o: Json = {};
    if (target !== 0 || r.chance(0.5)) o.revision = this.int(target);
    // Always physical: without it real etcd answers before its backend has dropped the compacted
    // revisions, and until then a watch starting at exactly the compaction revision still gets a
    // deletion recorded at that revision. The simulation compacts at once, as physical does.
    o.physical = true;
    return o;
  }

  watchCreate(): Json {
    const r = this.rng;
    const k = r.next();
    const o: Json = {};
    if (k < 0.35) {
      o.key = b64('\x00');
      o.range_end = b64('\x00');
    } else if (k < 0.4) {
      // An empty key with "\0": every key; alone, the key "\0".
      if (r.chance(0.5)) o.range_end = b64('\x00');
    } else {
      const key = this.key();
      o.key = b64(key);
      // Mostly ranges, so that the writes that follow have something to report.
      const end = r.chance(0.3) ? this.rangeEnd(key) : r.pick(['\x00', prefixEnd(key.slice(0, 1)), 'foo0']);
      if (end !== undefined) o.range_end = b64(end);
    }
    const s = r.next();
    const { rev, compactRev } = state;
    if (s < 0.3) {
      // from now on
    } else if (s < 0.7) o.start_revision = this.int(Math.max(1, rev - r.int(40)));
    else if (s < 0.8) o.start_revision = this.int(Math.max(1, compactRev - r.int(3)));
    else if (s < 0.93) o.start_revision = this.int(rev + 1 + r.int(3));
    else o.start_revision = this.int(r.chance(0.5) ? compactRev : -2);
    if (r.chance(0.5)) o.prev_kv = true;
    if (r.chance(0.25)) o.filters = [r.pick(['NOPUT', 'NODELETE'])];
    return { create_request: o };
  }
}

// ---- comparing ------------------------------------------------------------------------------------

interface KV {
  key: string;
  value?: string;
  version?: string;
  create_revision?: string;
  mod_revision?: string;
}

function sortValue(kv: KV, target: string): string | number {
  switch (target) {
    case 'VERSION':
      return Number(kv.version ?? 0);
    case 'CREATE':
      return Number(kv.create_revision ?? 0);
    case 'MOD':
      return Number(kv.mod_revision ?? 0);
    default:
      return Buffer.from(kv.value ?? '', 'base64').toString('latin1');
  }
}

interface Cut {
  value: string | number;
  count: number;
  kvs: KV[];
}

/** The sort target of a range request, by name. */
function targetOf(req: Json): string {
  const t = req.sort_target;
  return typeof t === 'number' ? (SORT_TARGETS[t] as string) : ((t as string | undefined) ?? 'KEY');
}

/**
 * etcd sorts a range by VERSION, CREATE, MOD or VALUE with Go's unstable sort.Sort, so the order
 * of pairs with equal sort values is not defined. Tie groups are therefore compared as sets: each
 * run of equal values is put in key order. When a limit cut the list inside a tie group, which
 * members of that last group made it is not defined either: the group is taken out and returned
 * (its value and size must match; its members are checked against an unlimited read).
 */
function canonicalRange(req: Json, resp: Json): Cut | null {
  const target = targetOf(req);
  const kvs = resp.kvs as KV[] | undefined;
  // Keys are unique, so a KEY order (the default) is total.
  if (target === 'KEY') return null;
  if (!kvs || kvs.length === 0) return null;
  const groups: KV[][] = [];
  for (const kv of kvs) {
    const last = groups[groups.length - 1];
    if (last && sortValue(last[0] as KV, target) === sortValue(kv, target)) last.push(kv);
    else groups.push([kv]);
  }
  for (const g of groups) g.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let cut: Cut | null = null;
  if (resp.more === true && groups.length > 0) {
    const g = groups.pop() as KV[];
    cut = { value: sortValue(g[0] as KV, target), count: g.length, kvs: g };
  }
  resp.kvs = groups.flat();
  return cut;
}

/** Applies canonicalRange to a response, and inside a txn to each range on the branch taken. */
function canonical(path: string, req: Json, resp: Json): Cut | null {
  if (path === '/v3/kv/range') return canonicalRange(req, resp);
  if (path === '/v3/kv/txn') canonicalTxn(req, resp);
  return null;
}

function canonicalTxn(req: Json, resp: Json): void {
  const ops = ((resp.succeeded ? req.success : req.failure) ?? []) as Json[];
  const resps = (resp.responses ?? []) as Json[];
  ops.forEach((op, i) => {
    const r = resps[i];
    if (!r) return;
    if (op.request_range && r.response_range) canonicalRange(op.request_range as Json, r.response_range as Json);
    if (op.request_txn && r.response_txn) canonicalTxn(op.request_txn as Json, r.response_txn as Json);
  });
}

/** Long texts cut for failure reports. */
function clip(s: string, max = 1500): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}

/** The request with its byte fields shown as escaped text, for failure reports. */
function readable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(readable);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      o[k] = ['key', 'range_end', 'value'].includes(k) && typeof x === 'string' ? showBytes(x) : readable(x);
    return o;
  }
  return v;
}

class Differ {
  readonly diffs: string[] = [];
  readonly stats = new Map<string, number>();
  ops = 0;

  constructor(
    readonly real: Server,
    readonly sim: Server,
    readonly label: string,
  ) {}

  fail(step: string, message: string): void {
    const text = `${this.label}, ${step}: ${message}`;
    if (!KEEP_GOING) throw new Error(text);
    this.diffs.push(text);
    console.error(text);
  }

  private count(what: string): void {
    this.stats.set(what, (this.stats.get(what) ?? 0) + 1);
  }

  /** Sends one request to both and compares; returns real etcd's reply. */
  async call(step: string, path: string, req: Json): Promise<Reply> {
    const text = JSON.stringify(req);
    const [r, s] = await Promise.all([post(this.real, path, text), post(this.sim, path, text)]);
    this.ops++;
    this.count(`${path} ${r.status}${r.status === 200 ? '' : ` ${(r.body as Json).message}`}`);
    const rb = stripMemberFields(r.body) as Json;
    const sb = stripMemberFields(s.body) as Json;
    const rCut = r.status === 200 ? canonical(path, req, rb) : null;
    const sCut = s.status === 200 ? canonical(path, req, sb) : null;
    let diff = r.status !== s.status ? 'the HTTP status' : firstDiff(rb, sb);
    if (!diff && (rCut || sCut)) {
      if (!rCut || !sCut || rCut.value !== sCut.value || rCut.count !== sCut.count)
        diff = `the tie group cut by limit (real ${JSON.stringify(rCut)}, simulated ${JSON.stringify(sCut)})`;
      else diff = await this.checkCut(path, req, rCut, sCut);
    }
    if (diff) {
      this.fail(
        step,
        [
          `POST ${path} differs at ${diff}`,
          `request: ${clip(text)}`,
          `readable: ${clip(JSON.stringify(readable(req)))}`,
          `real etcd  → ${r.status} ${clip(JSON.stringify(rb))}`,
          `simulated → ${s.status} ${clip(JSON.stringify(sb))}`,
        ].join('\n  '),
      );
    }
    if (r.status === 200) {
      const rev = Number(((r.body as Json).header as Json | undefined)?.revision ?? state.rev);
      if (rev > state.rev) state.rev = rev;
    }
    return r;
  }

  /**
   * Both cuts must be made of pairs from that tie group among the pairs etcd fetched before
   * sorting: the whole range, or with sort_order NONE and no revision filter only the first
   * limit+1 keys in key order (apply.go Range).
   */
  private async checkCut(path: string, req: Json, rCut: Cut, sCut: Cut): Promise<string | null> {
    const { limit, sort_order, sort_target, ...inKeyOrder } = req;
    const full = await post(this.real, path, JSON.stringify(inKeyOrder));
    let kvs = ((full.body as Json).kvs ?? []) as KV[];
    const filtered = ['min_mod_revision', 'max_mod_revision', 'min_create_revision', 'max_create_revision'].some(
      (f) => Number(req[f] ?? 0) !== 0,
    );
    if ((sort_order ?? 'NONE') === 'NONE' || sort_order === 0) {
      if (!filtered) kvs = kvs.slice(0, Number(limit) + 1);
    }
    const target = targetOf({ sort_target });
    const group = new Set(kvs.filter((kv) => sortValue(kv, target) === rCut.value).map((kv) => JSON.stringify(kv)));
    for (const kv of [...rCut.kvs, ...sCut.kvs]) {
      if (!group.has(JSON.stringify(kv))) return `the tie group cut by limit (${JSON.stringify(kv)} is not in it)`;
    }
    return null;
  }

  /** A random watch: a random create request, then a few random writes. */
  async watch(step: string, gen: Gen): Promise<void> {
    await this.watchWith(step, gen.watchCreate(), async () => {
      const writes = 3 + gen.rng.int(5);
      for (let i = 0; i < writes; i++) {
        const k = gen.rng.next();
        if (k < 0.45) await this.call(`${step}.${i}`, '/v3/kv/put', gen.put());
        else if (k < 0.65) await this.call(`${step}.${i}`, '/v3/kv/deleterange', gen.deleteRange());
        else if (k < 0.95) await this.call(`${step}.${i}`, '/v3/kv/txn', gen.txn());
        else await this.compaction(`${step}.${i}`, gen);
      }
    });
  }

  /**
   * Opens the same watch on both, lets both deliver what they send on creation (history, or a
   * compaction notice), runs `writes`, lets both deliver the events, and compares every message
   * the two streams sent. "Delivered" means: both streams hold as many messages and neither got
   * one for a while. Real etcd catches watchers up from a sync loop every 100 ms, and on a busy
   * machine either side can lag, so the wait ends on equal counts, not on a fixed time (when the
   * counts never agree, it gives up after 10 s and the comparison reports the difference).
   */
  async watchWith(step: string, create: Json, writes: () => Promise<void>): Promise<void> {
    const body = JSON.stringify(create);
    const rs = new WatchStream(this.real, body);
    const ss = new WatchStream(this.sim, body);
    const settle = async () => {
      const start = Date.now();
      for (;;) {
        const n = rs.lines.length;
        if (n > 0 && n === ss.lines.length && rs.quietFor() >= 150 && ss.quietFor() >= 150) return;
        if (Date.now() - start > 10_000) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await settle();
      await writes();
      await settle();
    } finally {
      await Promise.all([rs.close(), ss.close()]);
    }
    this.ops++;
    this.count(`/v3/watch ${rs.status} (${rs.lines.length} messages)`);
    const rl = stripMemberFields(rs.lines) as unknown[];
    const sl = stripMemberFields(ss.lines) as unknown[];
    const diff = rs.status !== ss.status ? 'the HTTP status' : firstDiff(rl, sl);
    if (diff)
      this.fail(
        step,
        [
          `POST /v3/watch stream differs at ${diff}`,
          `request: ${body}`,
          `readable: ${JSON.stringify(readable(create))}`,
          `real etcd  → ${rs.status}\n    ${rl.map((l) => clip(JSON.stringify(l))).join('\n    ')}`,
          `simulated → ${ss.status}\n    ${sl.map((l) => clip(JSON.stringify(l))).join('\n    ')}`,
        ].join('\n  '),
      );
  }

  async compaction(step: string, gen: Gen): Promise<void> {
    await this.compact(step, gen.compaction());
  }

  async compact(step: string, req: Json): Promise<void> {
    const r = await this.call(step, '/v3/kv/compaction', req);
    if (r.status === 200) state.compactRev = Number(req.revision ?? 0);
  }
}

async function runSeed(real: Server, sim: Server, seed: number): Promise<Differ> {
  const gen = new Gen(new Rng(seed));
  const d = new Differ(real, sim, `seed ${seed}`);
  for (let i = 0; i < OPS_PER_SEED; i++) {
    const step = `step ${i}`;
    const k = gen.rng.next();
    if (k < 0.3) await d.call(step, '/v3/kv/put', gen.put());
    else if (k < 0.4) await d.call(step, '/v3/kv/deleterange', gen.deleteRange());
    else if (k < 0.65) await d.call(step, '/v3/kv/range', gen.range(false));
    else if (k < 0.93) await d.call(step, '/v3/kv/txn', gen.txn());
    else if (k < 0.955) await d.compaction(step, gen);
    else await d.watch(step, gen);
  }
  return d;
}

const put = (key: string, value = 'v'): Json => ({ request_put: { key: b64(key), value: b64(value) } });
const del = (key: string, end?: string): Json => ({
  request_delete_range: { key: b64(key), ...(end === undefined ? {} : { range_end: b64(end) }), prev_kv: true },
});
const rangeOp = (key: string, extra: Json = {}): Json => ({ request_range: { key: b64(key), ...extra } });
const nested = (success: Json[], failure: Json[] = []): Json => ({ request_txn: { success, failure } });
const EDGE_END = 'edge0'; // prefix end of "edge/"

/**
 * Sequences the random walk reaches too rarely, each step compared like the random ones: what a
 * prev_kv watcher sees when one txn puts and then deletes a key; a tombstone exactly at the
 * compaction revision; the put/delete overlap rules of nested txns; the op budget of nested txns;
 * which check wins when several fail; watch creation edge cases; and the request size limits.
 */
async function runScripted(d: Differ): Promise<void> {
  const c = (step: string, path: string, req: Json) => d.call(step, path, req);
  const txn = (success: Json[], failure: Json[] = [], compare: Json[] = []): Json => ({ compare, success, failure });

  // A first compaction at revision 0 is allowed; then a watch from a negative revision is below
  // it and gets a compaction notice with compact_revision 0, which etcd does not mark canceled.
  await d.compact('zero.compact', { revision: '0', physical: true });
  await d.watchWith(
    'zero.watch',
    { create_request: { key: b64('edge/'), range_end: b64(EDGE_END), start_revision: '-4' } },
    async () => {
      await c('zero.put', '/v3/kv/put', { key: b64('edge/0'), value: b64('0') });
    },
  );

  // A put, then a delete of the same key in one txn (allowed when the delete is in a later nested txn).
  await c('put-delete.0', '/v3/kv/put', { key: b64('edge/a'), value: b64('old') });
  const from = state.rev;
  const all = { key: b64('edge/'), range_end: b64(EDGE_END) };
  await d.watchWith('put-delete.live', { create_request: { ...all, prev_kv: true } }, async () => {
    await c('put-delete.1', '/v3/kv/txn', txn([nested([put('edge/a', 'new')]), nested([del('edge/a')])]));
    await c('put-delete.2', '/v3/kv/txn', txn([nested([put('edge/b', 'x')]), nested([del('edge/', EDGE_END)])]));
  });
  await d.watchWith(
    'put-delete.replay',
    { create_request: { ...all, prev_kv: true, start_revision: String(from) } },
    async () => {},
  );
  await c('put-delete.3', '/v3/kv/range', { ...all, revision: String(state.rev - 1) });

  // A tombstone at exactly the compaction revision is compacted away with the key's history.
  await c('tomb.0', '/v3/kv/put', { key: b64('edge/t'), value: b64('1') });
  await c('tomb.1', '/v3/kv/put', { key: b64('edge/u'), value: b64('1') });
  await c('tomb.2', '/v3/kv/deleterange', { key: b64('edge/t') });
  const tomb = state.rev;
  await c('tomb.3', '/v3/kv/put', { key: b64('edge/u'), value: b64('2') });
  await d.compact('tomb.4', { revision: String(tomb), physical: true });
  for (const [i, start] of [tomb, tomb - 1, tomb + 1].entries())
    await d.watchWith(
      `tomb.watch${i}`,
      { create_request: { ...all, prev_kv: true, start_revision: String(start) } },
      async () => {},
    );
  await c('tomb.5', '/v3/kv/range', { ...all, revision: String(tomb) });
  await c('tomb.6', '/v3/kv/range', { ...all, revision: String(tomb - 1) });
  await c('tomb.7', '/v3/kv/compaction', { revision: String(tomb) });
  await d.compact('tomb.8', { revision: String(tomb + 1) }); // not physical: answered the same way

  // checkIntervals: which put/delete overlaps a txn may contain.
  const overlaps: [string, Json][] = [
    ['put-then-delete nested', txn([nested([put('edge/x')]), nested([del('edge/x')])])],
    ['delete-then-put nested', txn([nested([del('edge/x')]), nested([put('edge/x')])])],
    ['put on both branches', txn([nested([put('edge/x')], [put('edge/x')])])],
    ['put twice', txn([put('edge/x'), put('edge/x')])],
    ['put outer and nested', txn([put('edge/x'), nested([put('edge/x')])])],
    ['from-key delete and put', txn([del('edge/', '\x00'), put('edge/x')])],
    ['range delete and put', txn([del('edge/', EDGE_END), put('edge/x')])],
    ['inverted delete and put', txn([del('edge/z', 'edge/a'), put('edge/x')])],
    ['nested delete, outer put', txn([nested([], [del('edge/', EDGE_END)]), put('edge/x')])],
    ['failure branch dup', txn([], [put('edge/x'), put('edge/x')])],
    ['puts in two nested', txn([nested([put('edge/x')]), nested([put('edge/x')])])],
  ];
  for (const [name, req] of overlaps) await c(`intervals: ${name}`, '/v3/kv/txn', req);

  // key.go checkTxnRequest: at most 128 ops per list; a nested txn gets what its parent leaves
  // (99 ranges and the txn op are 100, so 28).
  const ranges = (n: number) => Array.from({ length: n }, () => rangeOp('edge/none'));
  const compares = (n: number) => Array.from({ length: n }, () => ({ key: b64('edge/none'), target: 'VERSION' }));
  await c('budget.128', '/v3/kv/txn', txn(ranges(128)));
  await c('budget.129', '/v3/kv/txn', txn(ranges(129)));
  await c('budget.129 compares', '/v3/kv/txn', { compare: compares(129) });
  await c('budget.nested fits', '/v3/kv/txn', txn([...ranges(99), { request_txn: { compare: compares(28) } }]));
  await c('budget.nested over', '/v3/kv/txn', txn([...ranges(99), { request_txn: { compare: compares(29) } }]));

  // Which error wins.
  const future = String(state.rev + 5);
  await c(
    'order.put before range',
    '/v3/kv/txn',
    txn([rangeOp('edge/a', { revision: future }), { request_put: { key: b64('edge/missing'), ignore_value: true } }]),
  );
  await c('order.range only', '/v3/kv/txn', txn([rangeOp('edge/a', { revision: future })]));
  await c('order.empty key before dup', '/v3/kv/txn', txn([nested([put('edge/x'), put('edge/x')]), rangeOp('')]));
  await c('order.compare key first', '/v3/kv/txn', { compare: [{ key: '' }], success: [{}] });
  await c('order.empty op', '/v3/kv/txn', txn([{}]));
  await c('order.null op member', '/v3/kv/txn', txn([{ request_range: null }]));
  await c('order.negative revision in txn', '/v3/kv/txn', txn([rangeOp('edge/a', { revision: '-1' })]));
  await c('order.negative revision in txn, -2', '/v3/kv/txn', txn([rangeOp('edge/a', { revision: '-2' })]));
  await c('order.negative revision', '/v3/kv/range', { key: b64('edge/a'), revision: '-1' });
  await c('order.lease before ignore_value', '/v3/kv/put', {
    key: b64('edge/missing'),
    ignore_value: true,
    lease: '5',
  });
  await c(
    'order.lease in txn',
    '/v3/kv/txn',
    txn([{ request_put: { key: b64('edge/missing'), ignore_value: true, lease: '5' } }]),
  );
  await c('order.compaction 0', '/v3/kv/compaction', {});
  await c('order.compaction negative', '/v3/kv/compaction', { revision: '-3' });

  // Watch creation edge cases.
  const cur = state.rev;
  const watches: [string, Json][] = [
    ['empty range', { key: b64('b'), range_end: b64('a') }],
    ['key equals range_end', { key: b64('b'), range_end: b64('b') }],
    ['empty key', {}],
    ['empty key from-key', { range_end: b64('\x00') }],
    ['future start', { ...all, start_revision: String(cur + 2) }],
    ['negative start', { ...all, start_revision: '-4' }],
    ['start at compaction', { ...all, start_revision: String(tomb), prev_kv: true }],
    ['NODELETE', { ...all, filters: ['NODELETE'], prev_kv: true }],
    ['NOPUT and NODELETE', { ...all, filters: ['NOPUT', 'NODELETE'] }],
    ['explicit watch_id', { ...all, watch_id: '7' }],
    ['progress_notify and fragment', { ...all, progress_notify: true, fragment: true, prev_kv: true }],
    ['filters by number', { ...all, filters: [1] }],
  ];
  for (const [name, create] of watches)
    await d.watchWith(`watch: ${name}`, { create_request: create }, async () => {
      await c(`watch: ${name}.put`, '/v3/kv/put', { key: b64('edge/w'), value: b64('1') });
      await c(`watch: ${name}.put2`, '/v3/kv/put', { key: b64('edge/w'), value: b64('2') });
      await c(`watch: ${name}.txn`, '/v3/kv/txn', txn([put('edge/w', '3'), put('edge/v', '1')]));
      await c(`watch: ${name}.del`, '/v3/kv/deleterange', { key: b64('edge/'), range_end: b64(EDGE_END) });
      await c(`watch: ${name}.nul`, '/v3/kv/put', { key: b64('\x00'), value: b64(name) }); // the empty key's "\0"
    });

  // A watcher catching up on more than 1000 revisions gets them 1000 revisions at a time. The puts
  // are all alike, so they can go in parallel: in any order they make the same history.
  const firstBatch = state.rev + 1;
  const same = JSON.stringify({ key: b64('edge/batch'), value: b64('same') });
  // One server after the other: on two cores they would only slow each other down.
  for (const server of [d.real, d.sim]) {
    let next = 0;
    const worker = async () => {
      while (next < 1001) {
        next++;
        const r = await post(server, '/v3/kv/put', same);
        if (r.status !== 200) throw new Error(`batch put failed on ${server.name}: ${JSON.stringify(r.body)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }
  await c('batch.count', '/v3/kv/range', { key: b64('edge/batch') });
  await c('batch.delete', '/v3/kv/deleterange', { key: b64('edge/batch') });
  const batchWatch = { key: b64('edge/batch'), start_revision: String(firstBatch) };
  await d.watchWith('batch.watch', { create_request: { ...batchWatch, prev_kv: true } }, async () => {});
  await d.watchWith('batch.filtered', { create_request: { ...batchWatch, filters: ['NOPUT'] } }, async () => {});

  // Size limits: gRPC refuses messages over 2 MiB; raft refuses entries over 1.5 MiB (the refusals
  // of puts and txns are in etcd-gateway-input.test.ts). A margin keeps these off the exact border,
  // which moves by a byte with real etcd's member ID.
  const MiB = 1024 * 1024;
  const big = (n: number) => b64('x'.repeat(n));
  await c('size.put under', '/v3/kv/put', { key: b64('edge/big'), value: big(1.5 * MiB - 60) });
  await c('size.read-only txn', '/v3/kv/txn', {
    compare: [{ key: b64('edge/big'), target: 'VALUE', value: big(1.6 * MiB) }],
  });
  await c('size.range key', '/v3/kv/range', { key: big(1.6 * MiB) });
  await c('size.range grpc', '/v3/kv/range', { key: big(2.1 * MiB) });
  await c('size.delete', '/v3/kv/deleterange', { key: big(1.6 * MiB) });
}

describe.skipIf(!hasEtcd)('simulated etcd against real etcd (differential)', () => {
  let real: Server | undefined;
  let sim: Server | undefined;

  beforeAll(async () => {
    const started = await Promise.allSettled([startRealEtcd(), startSimEtcd()]);
    const [r, s] = started;
    if (r.status === 'fulfilled') real = r.value;
    if (s.status === 'fulfilled') sim = s.value;
    for (const x of started) if (x.status === 'rejected') throw x.reason;
  });

  afterAll(async () => {
    await Promise.all([real?.stop(), sim?.stop()]);
  });

  it('scripted edge cases answer identically', async () => {
    const t0 = Date.now();
    const d = new Differ(real as Server, sim as Server, 'scripted');
    await runScripted(d);
    console.log(`scripted: ${d.ops} compared requests in ${Date.now() - t0} ms`);
    expect(d.diffs).toEqual([]);
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: ${OPS_PER_SEED} random operations answer identically`, async () => {
      const t0 = Date.now();
      const d = await runSeed(real as Server, sim as Server, seed);
      const summary = [...d.stats.entries()]
        .sort()
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
      console.log(`seed ${seed}: ${d.ops} compared requests in ${Date.now() - t0} ms (${summary})`);
      expect(d.diffs).toEqual([]);
    });
  }
});
