/**
 * etcd's v3 JSON gateway encoding (grpc-gateway over etcdserverpb, as `/v3/kv/*` and `/v3/watch`
 * speak it): bytes as standard base64, 64-bit integers as decimal strings, enum names, and every
 * field at its zero value left out. Decoding accepts what etcd's gateway accepts and names the
 * field when something is wrong.
 */
import type {
  CompactionRequest,
  Compare,
  DeleteRangeRequest,
  KeyValue,
  PutRequest,
  RangeRequest,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  TxnRequest,
  WatchCreateRequest,
  WatchEvent,
  WatchResponse,
} from './types.ts';

export class GatewayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayError';
  }
}

// ---- bytes ---------------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;
B64_INDEX['-'.charCodeAt(0)] = 62;
B64_INDEX['_'.charCodeAt(0)] = 63;

/** Byte string (one char per byte) → standard base64 with padding. */
export function toBase64(s: string): string {
  let out = '';
  let i = 0;
  for (; i + 2 < s.length; i += 3) {
    const n = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = s.length - i;
  if (rest === 1) {
    const n = s.charCodeAt(i) << 16;
    out += `${B64[(n >> 18) & 63]!}${B64[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8);
    out += `${B64[(n >> 18) & 63]!}${B64[(n >> 12) & 63]!}${B64[(n >> 6) & 63]!}=`;
  }
  return out;
}

/** Base64 (standard or URL alphabet, padding optional) → byte string. Throws on bad input. */
export function fromBase64(b: string, field: string): string {
  const clean = b.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new GatewayError(`bad base64 in field "${field}": wrong length`);
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? (B64_INDEX[c] as number) : -1;
    if (v < 0)
      throw new GatewayError(
        `bad base64 in field "${field}": illegal character ${JSON.stringify(clean[i])} at offset ${i}`,
      );
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

/** UTF-8 text ↔ byte string, for tools that show keys and values as text. */
export function utf8ToBytes(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: fast path for ASCII
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  const b = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i] as number);
  return out;
}

export function bytesToUtf8(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: fast path for ASCII
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return new TextDecoder().decode(b);
}

// ---- encode --------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function int(o: Json, k: string, v: number | undefined): void {
  if (v) o[k] = String(v);
}

export function encodeHeader(h: ResponseHeader, inner = false): Json {
  const o: Json = {};
  if (!inner && h.cluster_id) o.cluster_id = h.cluster_id;
  if (!inner && h.member_id) o.member_id = h.member_id;
  int(o, 'revision', h.revision);
  if (!inner) int(o, 'raft_term', h.raft_term);
  return o;
}

export function encodeKV(kv: KeyValue): Json {
  const o: Json = { key: toBase64(kv.key) };
  int(o, 'create_revision', kv.create_revision);
  int(o, 'mod_revision', kv.mod_revision);
  int(o, 'version', kv.version);
  if (kv.value) o.value = toBase64(kv.value);
  int(o, 'lease', kv.lease);
  return o;
}

export type Verb = 'range' | 'put' | 'deleterange' | 'txn' | 'compaction';

/** Encodes a response of the given verb. `inner` is set for responses inside a txn. */
export function encodeResponse(verb: Verb, r: unknown, inner = false): Json {
  const o: Json = {};
  const resp = r as Json & { header: ResponseHeader };
  o.header = encodeHeader(resp.header, inner);
  switch (verb) {
    case 'range': {
      const rr = r as { kvs: KeyValue[]; more: boolean; count: number };
      if (rr.kvs.length) o.kvs = rr.kvs.map(encodeKV);
      if (rr.more) o.more = true;
      int(o, 'count', rr.count);
      break;
    }
    case 'put': {
      const pr = r as { prev_kv?: KeyValue };
      if (pr.prev_kv) o.prev_kv = encodeKV(pr.prev_kv);
      break;
    }
    case 'deleterange': {
      const dr = r as { deleted: number; prev_kvs: KeyValue[] };
      int(o, 'deleted', dr.deleted);
      if (dr.prev_kvs.length) o.prev_kvs = dr.prev_kvs.map(encodeKV);
      break;
    }
    case 'txn': {
      const tr = r as { succeeded: boolean; responses: ResponseOp[] };
      if (tr.succeeded) o.succeeded = true;
      if (tr.responses.length) o.responses = tr.responses.map(encodeResponseOp);
      break;
    }
    case 'compaction':
      break;
  }
  return o;
}

function encodeResponseOp(op: ResponseOp): Json {
  if ('response_range' in op) return { response_range: encodeResponse('range', op.response_range, true) };
  if ('response_put' in op) return { response_put: encodeResponse('put', op.response_put, true) };
  if ('response_delete_range' in op)
    return { response_delete_range: encodeResponse('deleterange', op.response_delete_range, true) };
  return { response_txn: encodeResponse('txn', op.response_txn, true) };
}

export function encodeEvent(ev: WatchEvent): Json {
  const o: Json = {};
  if (ev.type !== 'PUT') o.type = ev.type;
  o.kv = encodeKV(ev.kv);
  if (ev.prev_kv) o.prev_kv = encodeKV(ev.prev_kv);
  return o;
}

export function encodeWatchResponse(w: WatchResponse): Json {
  const o: Json = { header: encodeHeader(w.header) };
  int(o, 'watch_id', w.watch_id);
  if (w.created) o.created = true;
  if (w.canceled) o.canceled = true;
  int(o, 'compact_revision', w.compact_revision);
  if (w.cancel_reason) o.cancel_reason = w.cancel_reason;
  if (w.events.length) o.events = w.events.map(encodeEvent);
  return { result: o };
}

// ---- decode --------------------------------------------------------------------------------------

interface FieldSpec {
  [field: string]: 'bytes' | 'int' | 'bool' | 'enum' | 'ops' | 'compares' | 'filters';
}

const RANGE: FieldSpec = {
  key: 'bytes',
  range_end: 'bytes',
  limit: 'int',
  revision: 'int',
  sort_order: 'enum',
  sort_target: 'enum',
  serializable: 'bool',
  keys_only: 'bool',
  count_only: 'bool',
  min_mod_revision: 'int',
  max_mod_revision: 'int',
  min_create_revision: 'int',
  max_create_revision: 'int',
};
const PUT: FieldSpec = {
  key: 'bytes',
  value: 'bytes',
  lease: 'int',
  prev_kv: 'bool',
  ignore_value: 'bool',
  ignore_lease: 'bool',
};
const DELETE: FieldSpec = { key: 'bytes', range_end: 'bytes', prev_kv: 'bool' };
const TXN: FieldSpec = { compare: 'compares', success: 'ops', failure: 'ops' };
const COMPACTION: FieldSpec = { revision: 'int', physical: 'bool' };
const COMPARE: FieldSpec = {
  result: 'enum',
  target: 'enum',
  key: 'bytes',
  range_end: 'bytes',
  version: 'int',
  create_revision: 'int',
  mod_revision: 'int',
  value: 'bytes',
  lease: 'int',
};
const WATCH_CREATE: FieldSpec = {
  key: 'bytes',
  range_end: 'bytes',
  start_revision: 'int',
  progress_notify: 'bool',
  filters: 'filters',
  prev_kv: 'bool',
  watch_id: 'int',
  fragment: 'bool',
};

const ENUMS: Record<string, readonly string[]> = {
  sort_order: ['NONE', 'ASCEND', 'DESCEND'],
  sort_target: ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'],
  result: ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'],
  target: ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'],
};

function camel(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function decode<T>(raw: unknown, spec: FieldSpec, type: string, path: string): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GatewayError(`${path || 'body'}: expected a JSON object for ${type}`);
  }
  const out: Json = {};
  for (const [k0, v] of Object.entries(raw as Json)) {
    // grpc-gateway accepts both the proto name and its lowerCamelCase JSON name.
    const k = spec[k0] ? k0 : (Object.keys(spec).find((f) => camel(f) === k0) ?? k0);
    const kind = spec[k];
    const at = path ? `${path}.${k0}` : k0;
    if (!kind) throw new GatewayError(`unknown field "${k0}" in ${type}`);
    if (v === null) continue;
    switch (kind) {
      case 'bytes':
        if (typeof v !== 'string') throw new GatewayError(`${at}: expected a base64 string, got ${typeof v}`);
        out[k] = fromBase64(v, at);
        break;
      case 'int': {
        const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : typeof v === 'number' ? v : Number.NaN;
        if (!Number.isSafeInteger(n)) throw new GatewayError(`${at}: expected an integer, got ${JSON.stringify(v)}`);
        out[k] = n;
        break;
      }
      case 'bool':
        if (typeof v !== 'boolean') throw new GatewayError(`${at}: expected true or false, got ${JSON.stringify(v)}`);
        out[k] = v;
        break;
      case 'enum': {
        const names = ENUMS[k] as readonly string[];
        const name = typeof v === 'number' ? names[v] : v;
        if (typeof name !== 'string' || !names.includes(name)) {
          throw new GatewayError(`${at}: unknown value ${JSON.stringify(v)}; expected one of ${names.join(', ')}`);
        }
        out[k] = name;
        break;
      }
      case 'filters': {
        if (!Array.isArray(v)) throw new GatewayError(`${at}: expected an array`);
        out[k] = v.map((f, i) => {
          const name = typeof f === 'number' ? ['NOPUT', 'NODELETE'][f] : f;
          if (name !== 'NOPUT' && name !== 'NODELETE')
            throw new GatewayError(`${at}[${i}]: unknown filter ${JSON.stringify(f)}`);
          return name;
        });
        break;
      }
      case 'compares':
        if (!Array.isArray(v)) throw new GatewayError(`${at}: expected an array`);
        out[k] = v.map((c, i) => decode<Compare>(c, COMPARE, 'etcdserverpb.Compare', `${at}[${i}]`));
        break;
      case 'ops':
        if (!Array.isArray(v)) throw new GatewayError(`${at}: expected an array`);
        out[k] = v.map((op, i) => decodeOp(op, `${at}[${i}]`));
        break;
    }
  }
  return out as T;
}

function decodeOp(raw: unknown, path: string): RequestOp {
  if (raw === null || typeof raw !== 'object')
    throw new GatewayError(`${path}: expected a JSON object for etcdserverpb.RequestOp`);
  const entries = Object.entries(raw as Json).filter(([, v]) => v !== null);
  if (entries.length !== 1)
    throw new GatewayError(
      `${path}: a RequestOp needs exactly one of request_range, request_put, request_delete_range, request_txn`,
    );
  const [k, v] = entries[0] as [string, unknown];
  switch (k) {
    case 'request_range':
    case 'requestRange':
      return { request_range: decode<RangeRequest>(v, RANGE, 'etcdserverpb.RangeRequest', `${path}.${k}`) };
    case 'request_put':
    case 'requestPut':
      return { request_put: decode<PutRequest>(v, PUT, 'etcdserverpb.PutRequest', `${path}.${k}`) };
    case 'request_delete_range':
    case 'requestDeleteRange':
      return {
        request_delete_range: decode<DeleteRangeRequest>(v, DELETE, 'etcdserverpb.DeleteRangeRequest', `${path}.${k}`),
      };
    case 'request_txn':
    case 'requestTxn':
      return { request_txn: decode<TxnRequest>(v, TXN, 'etcdserverpb.TxnRequest', `${path}.${k}`) };
    default:
      throw new GatewayError(`unknown field "${k}" in etcdserverpb.RequestOp`);
  }
}

/** Parses JSON text, turning a syntax error into a message that says where it is. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new GatewayError(`malformed JSON in request body: ${msg}`);
  }
}

export function decodeRequest(verb: Verb, raw: unknown): unknown {
  switch (verb) {
    case 'range':
      return decode<RangeRequest>(raw, RANGE, 'etcdserverpb.RangeRequest', '');
    case 'put':
      return decode<PutRequest>(raw, PUT, 'etcdserverpb.PutRequest', '');
    case 'deleterange':
      return decode<DeleteRangeRequest>(raw, DELETE, 'etcdserverpb.DeleteRangeRequest', '');
    case 'txn':
      return decode<TxnRequest>(raw, TXN, 'etcdserverpb.TxnRequest', '');
    case 'compaction':
      return decode<CompactionRequest>(raw, COMPACTION, 'etcdserverpb.CompactionRequest', '');
  }
}

export type WatchRequest = { create_request: WatchCreateRequest } | { cancel_request: { watch_id: number } };

export function decodeWatchRequest(raw: unknown): WatchRequest {
  if (raw === null || typeof raw !== 'object')
    throw new GatewayError('body: expected a JSON object for etcdserverpb.WatchRequest');
  const o = raw as Json;
  const create = o.create_request ?? o.createRequest;
  if (create !== undefined)
    return {
      create_request: decode<WatchCreateRequest>(
        create,
        WATCH_CREATE,
        'etcdserverpb.WatchCreateRequest',
        'create_request',
      ),
    };
  const cancel = o.cancel_request ?? o.cancelRequest;
  if (cancel !== undefined)
    return {
      cancel_request: decode<{ watch_id: number }>(
        cancel,
        { watch_id: 'int' },
        'etcdserverpb.WatchCancelRequest',
        'cancel_request',
      ),
    };
  const unknown = Object.keys(o)[0];
  if (unknown) throw new GatewayError(`unknown field "${unknown}" in etcdserverpb.WatchRequest`);
  throw new GatewayError('a WatchRequest needs create_request or cancel_request');
}

/** HTTP status grpc-gateway gives a gRPC code. */
export function httpStatusFor(code: number): number {
  switch (code) {
    case 0:
      return 200;
    case 3:
    case 9:
    case 11:
      return 400;
    case 5:
      return 404;
    case 6:
    case 10:
      return 409;
    case 7:
      return 403;
    case 8:
      return 429;
    case 12:
      return 501;
    case 14:
      return 503;
    case 4:
      return 504;
    case 16:
      return 401;
    default:
      return 500;
  }
}

export function errorBody(code: number, message: string): Json {
  return { error: message, message, code };
}
