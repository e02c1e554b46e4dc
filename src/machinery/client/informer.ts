/**
 * An informer (client-go tools/cache: Reflector + Indexer + handlers): lists a resource, then
 * watches from the list's resourceVersion, keeps a local cache, and calls handlers for every
 * add, update and delete. When the server says the resourceVersion is too old (410), it lists
 * again and reconciles the cache, as the reflector does. Guarantees, as upstream's: eventually
 * consistent with the server, in order per object, keys `namespace/name` (or `name`).
 */
import type { KObject, WatchEventWire } from '../api/types.ts';
import type { Clientset, GR } from './clientset.ts';

export interface Handlers<T extends KObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export function keyOf(obj: KObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

export class Informer<T extends KObject = KObject> {
  private store = new Map<string, T>();
  private handlers: Handlers<T>[] = [];
  private rv = '';
  private stopped = false;
  private watchHandle: { stop(): void } | undefined;
  synced = false;

  constructor(
    private client: Clientset,
    readonly gr: GR,
    private opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ) {}

  addHandlers(h: Handlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const obj of this.store.values()) h.add?.(obj);
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  getByName(namespace: string, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const out: T[] = [];
    for (const obj of this.store.values())
      if (namespace === undefined || obj.metadata?.namespace === namespace) out.push(obj);
    return out;
  }

  get size(): number {
    return this.store.size;
  }

  /** Lists, fills the cache (calling add for each object), then watches. Resolves once synced. */
  async start(): Promise<void> {
    await this.relist();
    this.synced = true;
    await this.startWatch();
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.stop();
  }

  private async relist(): Promise<void> {
    const sel: { labelSelector?: string; fieldSelector?: string } = {};
    if (this.opts.labelSelector) sel.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) sel.fieldSelector = this.opts.fieldSelector;
    const list = await this.client.list<T>(this.gr, this.opts.namespace ?? '', sel);
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      const old = this.store.get(key);
      this.store.set(key, item);
      if (!old) this.emit('add', item);
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit('update', item, old);
    }
    for (const [key, old] of [...this.store]) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.emit('delete', old);
      }
    }
    this.rv = list.resourceVersion;
  }

  private async startWatch(): Promise<void> {
    if (this.stopped) return;
    const sel: { labelSelector?: string; fieldSelector?: string; bookmarks: boolean } = { bookmarks: true };
    if (this.opts.labelSelector) sel.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) sel.fieldSelector = this.opts.fieldSelector;
    this.watchHandle = await this.client.watch(
      this.gr,
      this.opts.namespace ?? '',
      this.rv,
      (events, end) => this.onEvents(events, end),
      sel,
    );
  }

  private onEvents(events: WatchEventWire[], end: boolean): void {
    let expired = false;
    for (const e of events) {
      const obj = e.object as T;
      if (e.type === 'ERROR') {
        expired = (obj as unknown as { code?: number }).code === 410;
        continue;
      }
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.rv = rv;
      if (e.type === 'BOOKMARK') continue;
      const key = keyOf(obj);
      const old = this.store.get(key);
      if (e.type === 'DELETED') {
        this.store.delete(key);
        this.emit('delete', obj);
      } else {
        this.store.set(key, obj);
        if (old) this.emit('update', obj, old);
        else this.emit('add', obj);
      }
    }
    if (end && !this.stopped) {
      void (async () => {
        if (expired) await this.relist();
        await this.startWatch();
      })();
    }
  }

  private emit(what: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      if (what === 'add') h.add?.(obj);
      else if (what === 'update') h.update?.(old as T, obj);
      else h.delete?.(obj);
    }
  }
}
