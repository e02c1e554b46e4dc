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
import { MvccStore, type StoreSnapshot } from './mvcc.ts';
import {
  type CompactionRequest,
  type DeleteRangeRequest,
  Errors,
  EtcdError,
  MAX_REQUEST_BYTES,
  type PutRequest,
  type RangeRequest,
  type TxnRequest,
  type WatchCreateRequest,
  type WatchEvent,
  type WatchResponse,
} from './types.ts';

/** etcd's watchBatchMaxRevs: a catching-up watcher gets at most this many revisions per response. */
const WATCH_BATCH_MAX_REVS = 1000;
/** Write-ahead log entries between snapshots. */
const SNAPSHOT_EVERY = 10_000;

type WalRecord = { snapshot: StoreSnapshot } | { op: 'put' | 'deleterange' | 'txn' | 'compaction'; req: unknown };

interface Watcher {
  id: number;
  client: string;
  key: string;
  end: string;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
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

/** Approximate protobuf size of a request, for etcd's --max-request-bytes check. */
export function requestBytes(req: unknown): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') n += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') n += 2;
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(req);
  return n;
}

export class Etcd implements Component {
  store = new MvccStore();
  private watchers = new Map<string, Watcher>();
  private nextWatchId = new Map<string, number>();
  private walSinceSnapshot = 0;
  private ctx!: Context;

  start(ctx: Context): void {
    this.ctx = ctx;
    this.wire();
  }

  recover(records: unknown[], ctx: Context): void {
    this.ctx = ctx;
    for (const r of records as WalRecord[]) {
      if ('snapshot' in r) this.store = MvccStore.restore(r.snapshot);
      else this.apply(r.op, r.req);
    }
    this.wire();
    ctx.annotate(`etcd recovered revision ${this.store.rev} from its write-ahead log (${records.length} records)`);
  }

  private wire(): void {
    this.store.onCommit((rev, events) => this.notify(rev, events));
  }

  private apply(op: string, req: unknown): unknown {
    switch (op) {
      case 'put':
        return this.store.put(req as PutRequest);
      case 'deleterange':
        return this.store.deleteRange(req as DeleteRangeRequest);
      case 'txn':
        return this.store.txn(req as TxnRequest);
      case 'compaction':
        return this.store.compact(req as CompactionRequest);
      default:
        throw new Error(`unknown etcd write ${op}`);
    }
  }

  receive(env: Envelope): void {
    const verb = env.kind.slice('etcd.'.length);
    try {
      switch (verb) {
        case 'range': {
          const r = this.store.range(env.payload as RangeRequest);
          this.answer(env, r, `${r.count} key(s) at rev ${r.header.revision}`);
          return;
        }
        case 'put':
        case 'deleterange':
        case 'txn':
        case 'compaction': {
          if (requestBytes(env.payload) > MAX_REQUEST_BYTES) throw Errors.requestTooLarge();
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

  // ---- watch ---------------------------------------------------------------------------------

  private response(w: Watcher, revision: number, extra: Partial<WatchResponse>): WatchResponse {
    return {
      header: this.store.header(revision),
      watch_id: w.id,
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
    const streamKey = `${env.from}/${req.stream ?? ''}`;
    const id = req.watch_id ?? this.nextWatchId.get(streamKey) ?? 0;
    this.nextWatchId.set(streamKey, Math.max(id + 1, this.nextWatchId.get(streamKey) ?? 0));
    const w: Watcher = {
      id,
      client: env.from,
      key: req.key,
      end: req.range_end ?? '',
      prevKv: req.prev_kv ?? false,
      noPut: (req.filters ?? []).includes('NOPUT'),
      noDelete: (req.filters ?? []).includes('NODELETE'),
    };
    const key = `${streamKey}#${id}`;
    this.ctx.reply(
      env,
      'etcd.watch.result',
      { ok: this.response(w, this.store.rev, { created: true }) },
      `watch ${id} created`,
    );
    const start = req.start_revision ?? 0;
    if (start > 0 && start < this.store.compactRev) {
      const r = this.response(w, 0, { canceled: true, compact_revision: this.store.compactRev });
      this.ctx.send(
        w.client,
        'etcd.watch.event',
        { stream: req.stream ?? '', response: r },
        `watch ${id} canceled: compacted`,
      );
      return;
    }
    this.watchers.set(key, w);
    (w as Watcher & { stream: string }).stream = req.stream ?? '';
    if (start > 0 && start <= this.store.rev) {
      const past = this.filter(w, this.store.eventsSince(w.key, w.end, start));
      // Split catch-up into responses of at most WATCH_BATCH_MAX_REVS revisions.
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
      if (batch.length > 0) this.emit(w, this.store.rev, batch);
    }
  }

  private cancelWatch(env: Envelope): void {
    const req = env.payload as { watch_id: number; stream?: string };
    const key = `${env.from}/${req.stream ?? ''}#${req.watch_id}`;
    const w = this.watchers.get(key);
    this.watchers.delete(key);
    const r = w
      ? this.response(w, this.store.rev, { canceled: true })
      : { ...this.response({ id: req.watch_id } as Watcher, this.store.rev, {}), canceled: true };
    this.ctx.reply(env, 'etcd.watch.cancel.result', { ok: r });
  }

  private filter(w: Watcher, events: WatchEvent[]): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const ev of events) {
      if ((ev.type === 'PUT' && w.noPut) || (ev.type === 'DELETE' && w.noDelete)) continue;
      if (!w.prevKv && ev.prev_kv) {
        const { prev_kv: _drop, ...rest } = ev;
        out.push(rest);
      } else out.push(ev);
    }
    return out;
  }

  private emit(w: Watcher, revision: number, events: WatchEvent[]): void {
    const r = this.response(w, revision, { events });
    const first = events[0];
    const what = first
      ? `${first.type} ${printable(first.kv.key)}${events.length > 1 ? ` +${events.length - 1}` : ''}`
      : '';
    this.ctx.send(
      w.client,
      'etcd.watch.event',
      { stream: (w as Watcher & { stream?: string }).stream ?? '', response: r },
      `watch ${w.id}: ${what} @${revision}`,
    );
  }

  private notify(rev: number, events: WatchEvent[]): void {
    for (const w of this.watchers.values()) {
      const mine = this.filter(
        w,
        events.filter((ev) => inWatch(w, ev.kv.key)),
      );
      if (mine.length > 0) this.emit(w, rev, mine);
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
