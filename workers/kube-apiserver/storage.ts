/**
 * kube-apiserver's etcd3 storage layer (staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go):
 * objects are JSON under their `/registry/...` key; resourceVersion is the key's mod_revision;
 * create is a transaction that succeeds only if the key does not exist; updates are
 * compare-and-swap on mod_revision (GuaranteedUpdate), retried on a conflict when the caller did
 * not ask for a specific resourceVersion.
 */

import type { KObject } from '../../src/machinery/api/types.ts';
import { prefixEnd } from '../../src/machinery/etcdctl.ts';
import type { Context } from '../../src/machinery/runtime/component.ts';
import type { EtcdReply } from '../etcd/etcd.ts';
import { bytesToUtf8, utf8ToBytes } from '../etcd/json.ts';
import type { KeyValue, RangeResponse, TxnResponse } from '../etcd/types.ts';

export class StorageError extends Error {
  constructor(
    readonly code: 'NotFound' | 'Conflict' | 'Exists' | 'Compacted' | 'Internal',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface Stored {
  obj: KObject;
  rev: number;
}

/**
 * Decodes a stored object. A value that is not an object (someone wrote it with etcdctl) cannot
 * be decoded: like the real apiserver, callers log it and carry on instead of failing.
 */
export function decodeValue(kv: KeyValue): KObject {
  let obj: unknown;
  try {
    obj = JSON.parse(bytesToUtf8(kv.value));
  } catch (e) {
    throw new StorageError('Internal', `failed to decode ${bytesToUtf8(kv.key)}: ${(e as Error).message}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new StorageError('Internal', `failed to decode ${bytesToUtf8(kv.key)}: not an object`);
  }
  const o = obj as KObject;
  const md = o.metadata as unknown;
  if (md && typeof md === 'object' && !Array.isArray(md)) {
    // Freshly parsed, so it can take the field in place (same key order as a copy would have).
    (md as NonNullable<KObject['metadata']>).resourceVersion = String(kv.mod_revision);
  } else {
    o.metadata = {
      ...(md && typeof md === 'object' ? md : {}),
      resourceVersion: String(kv.mod_revision),
    };
  }
  return o;
}

/** decodeValue, or undefined (with the reason) for a value that is not a Kubernetes object. */
export function tryDecode(kv: KeyValue, onError: (message: string) => void): KObject | undefined {
  try {
    return decodeValue(kv);
  } catch (e) {
    onError((e as Error).message);
    return undefined;
  }
}

export function encodeValue(obj: KObject): string {
  // resourceVersion is never stored: it is the key's mod_revision.
  const meta = { ...(obj.metadata ?? {}) };
  delete meta.resourceVersion;
  return utf8ToBytes(JSON.stringify({ ...obj, metadata: meta }));
}

export class EtcdStorage {
  constructor(private ctx: Context) {}

  private async call<T>(verb: string, req: unknown, summary: string): Promise<T> {
    const r = await this.ctx.request<EtcdReply<T>>('etcd', `etcd.${verb}`, req, { summary });
    if (r.payload.error) {
      const m = r.payload.error.message;
      if (m.includes('compacted')) throw new StorageError('Compacted', m);
      throw new StorageError('Internal', m);
    }
    return r.payload.ok as T;
  }

  /**
   * Reads one key. `known` may supply the decoded object for the pair etcd returned (a copy of what
   * the watch cache decoded from the same key at the same revision), sparing a second decode.
   */
  async get(key: string, known?: (kv: KeyValue) => KObject | undefined): Promise<Stored | undefined> {
    const r = await this.call<RangeResponse>('range', { key }, `GET ${key}`);
    const kv = r.kvs[0];
    return kv ? { obj: known?.(kv) ?? decodeValue(kv), rev: kv.mod_revision } : undefined;
  }

  /** Lists every object under a prefix (which ends in '/'), optionally paged. */
  async list(
    prefix: string,
    opts: { limit?: number; start?: string; revision?: number } = {},
  ): Promise<{ items: Stored[]; rev: number; more: boolean; last?: string; remaining: number }> {
    const req: Record<string, unknown> = { key: opts.start ?? prefix, range_end: prefixEnd(prefix) };
    if (opts.limit) req.limit = opts.limit;
    if (opts.revision) req.revision = opts.revision;
    const r = await this.call<RangeResponse>('range', req, `LIST ${prefix}`);
    const items: Stored[] = [];
    for (const kv of r.kvs) {
      const obj = tryDecode(kv, (m) => this.ctx.annotate(`kube-apiserver: ${m}`));
      if (obj) items.push({ obj, rev: kv.mod_revision });
    }
    const last = r.kvs[r.kvs.length - 1]?.key;
    const out: { items: Stored[]; rev: number; more: boolean; last?: string; remaining: number } = {
      items,
      rev: r.header.revision,
      more: r.more,
      remaining: r.count - r.kvs.length,
    };
    if (last !== undefined) out.last = last;
    return out;
  }

  /** Creates the key if it does not exist; returns the new revision. */
  async create(key: string, obj: KObject): Promise<number> {
    const r = await this.call<TxnResponse>(
      'txn',
      {
        compare: [{ key, target: 'MOD', result: 'EQUAL', mod_revision: 0 }],
        success: [{ request_put: { key, value: encodeValue(obj) } }],
        failure: [],
      },
      `CREATE ${key}`,
    );
    if (!r.succeeded) throw new StorageError('Exists', key);
    return r.header.revision;
  }

  /**
   * GuaranteedUpdate: reads the current value, lets `update` produce the next one, and writes it
   * only if nobody wrote in between; otherwise tries again with the newer value. `update` may
   * throw to abort, or return undefined to write nothing.
   */
  async guaranteedUpdate(
    key: string,
    update: (current: Stored) => KObject | undefined | Promise<KObject | undefined>,
    opts: { cached?: Stored; ignoreNotFound?: boolean } = {},
  ): Promise<Stored> {
    let current = opts.cached ?? (await this.get(key));
    for (let attempt = 0; ; attempt++) {
      if (!current) throw new StorageError('NotFound', key);
      const next = await update(current);
      if (next === undefined) return current;
      const r = await this.call<TxnResponse>(
        'txn',
        {
          compare: [{ key, target: 'MOD', result: 'EQUAL', mod_revision: current.rev }],
          success: [{ request_put: { key, value: encodeValue(next) } }],
          failure: [{ request_range: { key } }],
        },
        `UPDATE ${key}`,
      );
      if (r.succeeded) {
        const obj = { ...next, metadata: { ...next.metadata, resourceVersion: String(r.header.revision) } };
        return { obj, rev: r.header.revision };
      }
      const fresh = (r.responses[0] as { response_range: RangeResponse }).response_range.kvs[0];
      current = fresh ? { obj: decodeValue(fresh), rev: fresh.mod_revision } : undefined;
      if (attempt > 100) throw new StorageError('Internal', `too many conflicts updating ${key}`);
    }
  }

  /** Deletes the key if it is still at `rev`; returns the deletion revision, or undefined on a conflict. */
  async deleteIf(key: string, rev: number): Promise<number | undefined> {
    const r = await this.call<TxnResponse>(
      'txn',
      {
        compare: [{ key, target: 'MOD', result: 'EQUAL', mod_revision: rev }],
        success: [{ request_delete_range: { key } }],
        failure: [],
      },
      `DELETE ${key}`,
    );
    return r.succeeded ? r.header.revision : undefined;
  }

  async put(key: string, obj: KObject): Promise<number> {
    const r = await this.call<{ header: { revision: number } }>('put', { key, value: encodeValue(obj) }, `PUT ${key}`);
    return r.header.revision;
  }

  watch(prefix: string, startRevision: number, stream: string): Promise<unknown> {
    return this.ctx.request(
      'etcd',
      'etcd.watch',
      { key: prefix, range_end: prefixEnd(prefix), start_revision: startRevision, prev_kv: true, stream },
      { summary: `WATCH ${prefix} from rev ${startRevision}` },
    );
  }
}
