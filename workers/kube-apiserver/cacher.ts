/**
 * The watch cache (staging/src/k8s.io/apiserver/pkg/storage/cacher): one per storage prefix. It
 * lists the prefix from etcd once, then keeps one etcd watch open and holds every object plus a
 * bounded window of recent events. Client watches are served from here, never from etcd, so a
 * hundred watchers cost etcd nothing. A watch that starts before the window gets
 * `410 too old resource version`.
 */
import type { KObject, WatchEventWire } from '../../src/machinery/api/types.ts';
import type { KeyValue, WatchEvent } from '../etcd/types.ts';
import { tryDecode } from './storage.ts';

export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KObject;
  prev?: KObject;
  rv: number;
}

export interface CacheWatcher {
  id: string;
  client: string;
  namespace: string;
  /** Does the object pass the watch's name, label and field selectors? */
  matches(obj: KObject): boolean;
  /** Converts a stored object to the version the watcher asked for. */
  convert(obj: KObject): KObject;
  bookmarks: boolean;
  /** Events with rv ≤ this are not sent. */
  after: number;
  /**
   * Set when the field selector requires `spec.nodeName=<this>` (a kubelet's pod watch): an event
   * whose object is on another node before and after is skipped without evaluating the selector,
   * as upstream's cacher indexes such watchers by node name.
   */
  nodeName?: string;
}

function nodeNameOf(obj: KObject): string | undefined {
  return (obj.spec as { nodeName?: string } | undefined)?.nodeName;
}

/** The node a field selector pins a watch to (`spec.nodeName=x` or `==x` among its terms), if any. */
export function selectedNodeName(fieldSelector: string | undefined): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*spec\.nodeName\s*==?\s*([^=!\s][^\s]*)\s*$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}

export type Deliver = (w: CacheWatcher, events: WatchEventWire[]) => void;

export class Cacher {
  readonly objects = new Map<string, KObject>();
  rv = 0;
  private window: CacheEvent[] = [];
  private initRev = 0;
  private watchers = new Map<string, CacheWatcher>();
  ready = false;

  constructor(
    readonly prefix: string,
    readonly capacity: number,
    private deliver: Deliver,
    /** Reports a stored value that is not a Kubernetes object (written behind the API's back). */
    private warn: (message: string) => void = () => {},
  ) {}

  get watcherCount(): number {
    return this.watchers.size;
  }

  init(items: KObject[], rev: number): void {
    for (const obj of items) this.objects.set(keyOf(obj), obj);
    this.rv = rev;
    this.initRev = rev;
    this.ready = true;
  }

  /** Oldest resourceVersion a watch may start from. */
  get oldest(): number {
    if (this.window.length < this.capacity) return this.initRev;
    return (this.window[0] as CacheEvent).rv - 1;
  }

  /**
   * The object each etcd key held at its last event here, decoded at that revision: a later event's
   * prev_kv is usually that very revision, and then needs no second decode.
   */
  private decoded = new Map<string, { rev: number; obj: KObject }>();

  /**
   * The object etcd key `key` held at revision `rev`, as decoded here, if this cache decoded that
   * very revision (it must not be modified: copy it).
   */
  decodedAt(key: string, rev: number): KObject | undefined {
    const d = this.decoded.get(key);
    return d && d.rev === rev ? d.obj : undefined;
  }

  /**
   * The decoded previous value of an event: the cached object when it is that very revision of the
   * key (objects here are never modified, so it equals a fresh decode), otherwise decoded.
   */
  private previous(prevKv: KeyValue, onError: (message: string) => void): KObject | undefined {
    const cached = this.decoded.get(prevKv.key);
    if (cached && cached.rev === prevKv.mod_revision) return cached.obj;
    return tryDecode(prevKv, onError);
  }

  /** Events from etcd's watch on this prefix (one etcd revision per call). */
  onEtcd(events: WatchEvent[]): void {
    const out: CacheEvent[] = [];
    for (const ev of events) {
      const rv = ev.kv.mod_revision;
      if (ev.type === 'DELETE') {
        const prev = ev.prev_kv ? this.previous(ev.prev_kv, this.warn) : undefined;
        if (prev) {
          const obj = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rv) } };
          this.objects.delete(keyOf(prev));
          out.push({ type: 'DELETED', obj, prev, rv });
        }
        this.decoded.delete(ev.kv.key);
      } else {
        const obj = tryDecode(ev.kv, this.warn);
        const prev = ev.prev_kv ? this.previous(ev.prev_kv, () => undefined) : undefined;
        if (obj) this.decoded.set(ev.kv.key, { rev: ev.kv.mod_revision, obj });
        else this.decoded.delete(ev.kv.key);
        if (obj) {
          this.objects.set(keyOf(obj), obj);
          const e: CacheEvent = { type: prev ? 'MODIFIED' : 'ADDED', obj, rv };
          if (prev) e.prev = prev;
          out.push(e);
        }
      }
      if (rv > this.rv) this.rv = rv;
    }
    for (const e of out) {
      this.window.push(e);
      if (this.window.length > this.capacity) this.window.shift();
    }
    if (out.length > 0) this.fanOut(out);
  }

  private fanOut(events: CacheEvent[]): void {
    for (const w of this.watchers.values()) {
      const wire = this.filter(w, events);
      if (wire.length > 0) this.deliver(w, wire);
    }
  }

  /** What a watcher sees of these events, honouring selectors (objects moving in or out of them). */
  private filter(w: CacheWatcher, events: CacheEvent[]): WatchEventWire[] {
    const out: WatchEventWire[] = [];
    for (const e of events) {
      if (e.rv <= w.after) continue;
      if (
        w.nodeName !== undefined &&
        nodeNameOf(e.obj) !== w.nodeName &&
        (!e.prev || nodeNameOf(e.prev) !== w.nodeName)
      )
        continue;
      const ns = e.obj.metadata?.namespace ?? '';
      if (w.namespace && ns !== w.namespace) continue;
      const now = e.type !== 'DELETED' && w.matches(e.obj);
      const before = e.prev !== undefined && w.matches(e.prev);
      let type: WatchEventWire['type'] | undefined;
      if (e.type === 'DELETED') type = before ? 'DELETED' : undefined;
      else if (now && before) type = 'MODIFIED';
      else if (now) type = 'ADDED';
      else if (before) type = 'DELETED';
      if (type) out.push({ type, object: w.convert(e.obj) });
    }
    return out;
  }

  /**
   * Starts a watch. `from` undefined means "current state first": synthetic ADDED events for
   * every matching object, then changes. Otherwise changes after `from`, replayed from the
   * window. Returns an error message when `from` is older than the window.
   */
  watch(w: CacheWatcher, from: number | undefined): string | undefined {
    if (from === undefined) {
      const initial: WatchEventWire[] = [];
      for (const obj of this.objects.values()) {
        const ns = obj.metadata?.namespace ?? '';
        if (w.namespace && ns !== w.namespace) continue;
        if (w.matches(obj)) initial.push({ type: 'ADDED', object: w.convert(obj) });
      }
      w.after = this.rv;
      this.watchers.set(w.id, w);
      if (initial.length > 0) this.deliver(w, initial);
      return undefined;
    }
    if (from < this.oldest) return `too old resource version: ${from} (${this.oldest})`;
    w.after = from;
    this.watchers.set(w.id, w);
    const replay = this.filter(
      w,
      this.window.filter((e) => e.rv > from),
    );
    if (replay.length > 0) this.deliver(w, replay);
    return undefined;
  }

  stop(id: string): boolean {
    return this.watchers.delete(id);
  }

  stopClient(client: string): void {
    for (const [id, w] of this.watchers) if (w.client === client) this.watchers.delete(id);
  }

  /** BOOKMARK events to watchers that asked for them (apiserver sends them about once a minute). */
  bookmark(kindOf: (w: CacheWatcher) => { apiVersion: string; kind: string }): void {
    for (const w of this.watchers.values()) {
      if (!w.bookmarks) continue;
      const k = kindOf(w);
      this.deliver(w, [{ type: 'BOOKMARK', object: { ...k, metadata: { resourceVersion: String(this.rv) } } }]);
    }
  }

  list(namespace: string): KObject[] {
    const out: KObject[] = [];
    for (const obj of this.objects.values()) {
      if (!namespace || obj.metadata?.namespace === namespace) out.push(obj);
    }
    return out.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  }
}

function keyOf(obj: KObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}
