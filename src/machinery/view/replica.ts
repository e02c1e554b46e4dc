/**
 * A read-only copy of etcd, kept by replaying etcd's write-ahead log as the relay receives it.
 *
 * The page must show the cluster's objects (pods on their nodes, an object's YAML, etcd's keys and
 * revisions) without adding a single message to the trace: anything the picture learns by asking
 * the API would itself be drawn. etcd already logs every write it applies (`ctx.persist`) on the
 * relay's side, so a second MvccStore fed the same records holds exactly what etcd holds, at the
 * same revisions, with the same history.
 */
import { applyWal } from '../../../workers/etcd/etcd.ts';
import { bytesToUtf8 } from '../../../workers/etcd/json.ts';
import { MvccStore } from '../../../workers/etcd/mvcc.ts';
import type { KeyValue } from '../../../workers/etcd/types.ts';
import type { KObject } from '../api/types.ts';
import type { Relay } from '../bus/relay.ts';

export class EtcdReplica {
  store = new MvccStore();
  private decoded = new Map<string, { rev: number; obj: KObject | undefined }>();
  private stop: () => void;

  constructor(relay: Relay, address = 'etcd') {
    for (const r of relay.durableOf(address)) this.store = applyWal(this.store, r);
    this.stop = relay.onPersist((from, record) => {
      if (from === address) this.store = applyWal(this.store, record);
    });
  }

  get revision(): number {
    return this.store.rev;
  }

  /** Every key under a prefix, at the current revision. */
  range(prefix: string, keysOnly = false): KeyValue[] {
    return this.store.range({ key: prefix, range_end: prefixEnd(prefix), keys_only: keysOnly }).kvs;
  }

  /** One key's value, as stored, or undefined. */
  get(key: string, revision = 0): KeyValue | undefined {
    return this.store.range({ key, revision }).kvs[0];
  }

  /** Kubernetes objects under a prefix, decoded once per revision of each key. */
  objects(prefix: string): KObject[] {
    const out: KObject[] = [];
    for (const kv of this.range(prefix)) {
      const o = this.decode(kv);
      if (o) out.push(o);
    }
    return out;
  }

  /** One stored object, decoded (cached by the key's mod revision). */
  decode(kv: KeyValue): KObject | undefined {
    const hit = this.decoded.get(kv.key);
    if (hit && hit.rev === kv.mod_revision) return hit.obj;
    let obj: KObject | undefined;
    try {
      const v = JSON.parse(bytesToUtf8(kv.value)) as unknown;
      obj = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as KObject) : undefined;
    } catch {
      obj = undefined;
    }
    this.decoded.set(kv.key, { rev: kv.mod_revision, obj });
    return obj;
  }

  /** Forgets decoded objects whose keys are gone (call now and then; cheap). */
  prune(): void {
    if (this.decoded.size < 2 * (this.store.range({ key: '\0', range_end: '\0', count_only: true }).count ?? 0) + 100)
      return;
    const live = new Set(this.range('/', true).map((kv) => kv.key));
    for (const k of this.decoded.keys()) if (!live.has(k)) this.decoded.delete(k);
  }

  dispose(): void {
    this.stop();
  }
}

/** The end of a prefix range, as etcdctl computes it (the last byte incremented). */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '\0';
}
