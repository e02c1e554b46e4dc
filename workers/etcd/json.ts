/**
 * etcd's v3 JSON gateway encoding (grpc-gateway over etcdserverpb, as `/v3/kv/*` and `/v3/watch`
 * speak it): bytes as standard base64, 64-bit integers as decimal strings, enum names, and every
 * field at its zero value left out. Decoding accepts the valid requests etcd's gateway accepts
 * (proto or lowerCamelCase names, int64 as number or string, enums by name or number, CR/LF in
 * base64) and names the field when something is wrong. It is stricter than grpc-gateway where
 * that one silently ignores mistakes: unknown fields, text after the JSON value, two members of
 * a oneof, null list elements and enum numbers outside the enum are refused (see README.md).
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
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));

/** Bytes → byte string, in slices small enough for String.fromCharCode's argument limit. */
function bytesToString(codes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < codes.length; i += 8192)
    out += String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]);
  return out;
}

/** Byte string (one char per byte) → standard base64 with padding. */
export function toBase64(s: string): string {
  const out = new Uint8Array(Math.ceil(s.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < s.length; i += 3) {
    const n = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    out[o++] = B64_CODES[(n >> 18) & 63] as number;
    out[o++] = B64_CODES[(n >> 12) & 63] as number;
    out[o++] = B64_CODES[(n >> 6) & 63] as number;
    out[o++] = B64_CODES[n & 63] as number;
  }
  const rest = s.length - i;
  if (rest > 0) {
    const n = (s.charCodeAt(i) << 16) | (rest === 2 ? s.charCodeAt(i + 1) << 8 : 0);
    out[o++] = B64_CODES[(n >> 18) & 63] as number;
    out[o++] = B64_CODES[(n >> 12) & 63] as number;
    out[o++] = rest === 2 ? (B64_CODES[(n >> 6) & 63] as number) : 61;
    out[o++] = 61;
  }
  return bytesToString(out);
}

/**
 * Standard base64 → byte string, accepting what Go's base64.StdEncoding accepts (the gateway
 * decodes bytes fields with it): the standard alphabet only, padding required, CR and LF
 * ignored, unused trailing bits not checked. Throws a GatewayError naming the field.
 */
export function fromBase64(b: string, field: string): string {
  const bad = (at: number, why: string) =>
    new GatewayError(`${field}: illegal base64 data at input byte ${at}: ${why}`);
  // CR and LF are skipped; `at` maps positions in the cleaned text back to the text as sent.
  let text = b;
  let at = (i: number) => i;
  if (/[\r\n]/.test(b)) {
    text = b.replace(/[\r\n]/g, '');
    at = (i: number) => {
      let seen = -1;
      for (let j = 0; j < b.length; j++) {
        const c = b.charCodeAt(j);
        if (c !== 10 && c !== 13 && ++seen === i) return j;
      }
      return b.length;
    };
  }
  const n = text.length;
  let pad = 0;
  while (pad < 2 && pad < n && text.charCodeAt(n - 1 - pad) === 61) pad++;
  const body = n - pad;
  const out = new Uint8Array(Math.floor((body * 6) / 8));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < body; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (B64_INDEX[c] as number) : -1;
    if (v < 0) {
      const what = c === 61 ? "'=' before the end" : `character ${JSON.stringify(text[i])}`;
      throw bad(at(i), `${what} is not in the standard base64 alphabet (A-Z a-z 0-9 + /, '=' padding)`);
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (n % 4 !== 0) throw bad(at(body - (body % 4)), 'the text must be padded with = to a multiple of 4 characters');
  return bytesToString(out.subarray(0, o));
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

// ---- JSON text ----------------------------------------------------------------------------------

/**
 * A JSON number as written. The gateway decodes int64 fields with Go's encoding/json, which
 * refuses `1.0` and `1e2` for an integer; JSON.parse would turn them into 1 and 100, so the
 * parser below keeps the literal.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

/** JSON objects come back as Maps (no prototype keys, last duplicate wins as in Go). */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

class JsonParser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): JsonValue {
    this.ws();
    if (this.i >= this.text.length) this.fail('the body is not JSON: expected a value');
    const v = this.value();
    this.ws();
    if (this.i < this.text.length) this.fail('unexpected data after the JSON value');
    return v;
  }

  private fail(what: string): never {
    const before = this.text.slice(0, this.i);
    const line = before.split('\n').length;
    const col = this.i - before.lastIndexOf('\n');
    const found =
      this.i < this.text.length ? `found ${JSON.stringify(this.text[this.i])}` : 'found the end of the body';
    throw new GatewayError(`malformed JSON at line ${line}, column ${col} (offset ${this.i}): ${what}, ${found}`);
  }

  private ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.i++;
    }
  }

  private value(): JsonValue {
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail('expected a value (object, array, string, number, true, false or null)');
  }

  private object(): Map<string, JsonValue> {
    const m = new Map<string, JsonValue>();
    this.i++;
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return m;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') this.fail('expected a string field name');
      const k = this.string();
      this.ws();
      if (this.text[this.i] !== ':') this.fail(`expected ':' after field name ${JSON.stringify(k)}`);
      this.i++;
      this.ws();
      m.set(k, this.value());
      this.ws();
      const c = this.text[this.i];
      this.i++;
      if (c === '}') return m;
      if (c !== ',') {
        this.i--;
        this.fail("expected ',' or '}' after an object member");
      }
    }
  }

  private array(): JsonValue[] {
    const a: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return a;
    }
    for (;;) {
      this.ws();
      a.push(this.value());
      this.ws();
      const c = this.text[this.i];
      this.i++;
      if (c === ']') return a;
      if (c !== ',') {
        this.i--;
        this.fail("expected ',' or ']' after an array element");
      }
    }
  }

  private string(): string {
    const t = this.text;
    this.i++;
    let out = '';
    let from = this.i;
    for (;;) {
      if (this.i >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.i);
      if (c === 34) break;
      if (c < 32) this.fail('control character in a string (escape it)');
      if (c !== 92) {
        this.i++;
        continue;
      }
      out += t.slice(from, this.i);
      const e = t[this.i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(Number.parseInt(t.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
      } else {
        this.i++;
        this.fail('invalid escape in a string');
      }
      from = this.i;
    }
    out += t.slice(from, this.i);
    this.i++;
    return out;
  }

  private number(): JsonNumber {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m || m[0] === '-') return this.fail('malformed number');
    this.i += m[0].length;
    return new JsonNumber(m[0]);
  }
}

/**
 * Parses a request body. An empty body is an empty message, as the gateway treats it. Unlike Go's
 * decoder, which reads the first value and ignores the rest, text after the value is refused.
 */
export function parseJson(text: string): JsonValue {
  if (text.trim() === '') return new Map();
  return new JsonParser(text).parse();
}

// ---- decode --------------------------------------------------------------------------------------

type FieldKind = 'bytes' | 'int' | 'bool' | 'enum' | 'ops' | 'compares' | 'filters';

interface FieldSpec {
  [field: string]: FieldKind;
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
/** Compare's oneof target_union: at most one of these may be given. */
const COMPARE_UNION = ['version', 'create_revision', 'mod_revision', 'value', 'lease'];
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

/** Object members of a parsed (Map) or plain JS object; null if it is not an object. */
function members(raw: unknown): [string, unknown][] | null {
  if (raw instanceof Map) return [...(raw as Map<string, unknown>)];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw instanceof JsonNumber) return null;
  return Object.entries(raw as Record<string, unknown>);
}

/** A short description of a JSON value for error messages. */
function show(v: unknown): string {
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof Map) return 'an object';
  if (Array.isArray(v)) return 'an array';
  return JSON.stringify(v) ?? String(v);
}

function kindOf(v: unknown): string {
  if (v instanceof JsonNumber || typeof v === 'number') return 'number';
  if (v instanceof Map || (v !== null && typeof v === 'object' && !Array.isArray(v))) return 'object';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * An int64 as the gateway reads it: a JSON number or a string holding one, written as an integer
 * (Go refuses 1.0 and 1e2 for int64). Only integers JavaScript holds exactly are accepted here.
 */
function decodeInt(v: unknown, at: string): number {
  let text: string;
  if (v instanceof JsonNumber) text = v.text;
  else if (typeof v === 'number') text = String(v);
  else if (typeof v === 'string') text = v.trim();
  else throw new GatewayError(`${at}: expected an integer (a JSON number or a decimal string), got ${kindOf(v)}`);
  if (!/^-?(?:0|[1-9][0-9]*)$/.test(text)) throw new GatewayError(`${at}: expected an integer, got ${show(v)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new GatewayError(`${at}: ${text} is outside the integers this etcd handles (±${Number.MAX_SAFE_INTEGER})`);
  return n === 0 ? 0 : n; // no -0
}

function decodeEnum(v: unknown, names: readonly string[], at: string): string {
  let name: string | undefined;
  if (typeof v === 'string') name = names.includes(v) ? v : undefined;
  else if (v instanceof JsonNumber || typeof v === 'number') {
    const text = v instanceof JsonNumber ? v.text : String(v);
    name = /^(?:0|[1-9][0-9]*)$/.test(text) ? names[Number(text)] : undefined;
  }
  if (name === undefined)
    throw new GatewayError(
      `${at}: unknown value ${show(v)}; expected one of ${names.join(', ')} (or its number, 0-${names.length - 1})`,
    );
  return name;
}

function decode<T>(raw: unknown, spec: FieldSpec, type: string, path: string): T {
  const entries = members(raw);
  if (!entries) throw new GatewayError(`${path || 'body'}: expected a JSON object for ${type}, got ${kindOf(raw)}`);
  const out: Record<string, unknown> = {};
  for (const [k0, v] of entries) {
    // grpc-gateway accepts both the proto name and its lowerCamelCase JSON name.
    const k = Object.hasOwn(spec, k0) ? k0 : Object.keys(spec).find((f) => camel(f) === k0);
    const at = path ? `${path}.${k0}` : k0;
    if (k === undefined) throw new GatewayError(`unknown field "${k0}" in ${type}${path ? ` at ${path}` : ''}`);
    if (v === null) continue;
    switch (spec[k] as FieldKind) {
      case 'bytes':
        if (typeof v !== 'string') throw new GatewayError(`${at}: expected a base64 string, got ${kindOf(v)}`);
        out[k] = fromBase64(v, at);
        break;
      case 'int':
        out[k] = decodeInt(v, at);
        break;
      case 'bool':
        if (typeof v !== 'boolean') throw new GatewayError(`${at}: expected true or false, got ${show(v)}`);
        out[k] = v;
        break;
      case 'enum':
        out[k] = decodeEnum(v, ENUMS[k] as readonly string[], at);
        break;
      case 'filters': {
        if (!Array.isArray(v)) throw new GatewayError(`${at}: expected an array, got ${kindOf(v)}`);
        out[k] = v.map((f, i) => decodeEnum(f, ['NOPUT', 'NODELETE'], `${at}[${i}]`));
        break;
      }
      case 'compares':
        if (!Array.isArray(v)) throw new GatewayError(`${at}: expected an array, got ${kindOf(v)}`);
        out[k] = v.map((c, i) => decodeCompare(c, `${at}[${i}]`));
        break;
      case 'ops':
        if (!Array.isArray(v)) throw new GatewayError(`${at}: expected an array, got ${kindOf(v)}`);
        out[k] = v.map((op, i) => decodeOp(op, `${at}[${i}]`));
        break;
    }
  }
  return out as T;
}

function decodeCompare(raw: unknown, path: string): Compare {
  const c = decode<Compare>(raw, COMPARE, 'etcdserverpb.Compare', path);
  // Go's decoder sets whichever member it meets last in its own (map) order, so two of them give
  // a random result in etcd; here that is refused.
  const set = COMPARE_UNION.filter((f) => (c as unknown as Record<string, unknown>)[f] !== undefined);
  if (set.length > 1)
    throw new GatewayError(`${path}: ${set.join(' and ')} are all set; a Compare carries one of them (target_union)`);
  return c;
}

const OPS: Record<string, [keyof RequestOpFields, FieldSpec, string]> = {
  request_range: ['request_range', RANGE, 'etcdserverpb.RangeRequest'],
  requestRange: ['request_range', RANGE, 'etcdserverpb.RangeRequest'],
  request_put: ['request_put', PUT, 'etcdserverpb.PutRequest'],
  requestPut: ['request_put', PUT, 'etcdserverpb.PutRequest'],
  request_delete_range: ['request_delete_range', DELETE, 'etcdserverpb.DeleteRangeRequest'],
  requestDeleteRange: ['request_delete_range', DELETE, 'etcdserverpb.DeleteRangeRequest'],
  request_txn: ['request_txn', TXN, 'etcdserverpb.TxnRequest'],
  requestTxn: ['request_txn', TXN, 'etcdserverpb.TxnRequest'],
};

interface RequestOpFields {
  request_range: RangeRequest;
  request_put: PutRequest;
  request_delete_range: DeleteRangeRequest;
  request_txn: TxnRequest;
}

function decodeOp(raw: unknown, path: string): RequestOp {
  const entries = members(raw);
  if (!entries)
    throw new GatewayError(`${path}: expected a JSON object for etcdserverpb.RequestOp, got ${kindOf(raw)}`);
  const set: [string, unknown][] = [];
  for (const [k, v] of entries) {
    if (!Object.hasOwn(OPS, k)) throw new GatewayError(`unknown field "${k}" in etcdserverpb.RequestOp at ${path}`);
    if (v !== null) set.push([k, v]);
  }
  if (set.length > 1)
    throw new GatewayError(
      `${path}: ${set.map(([k]) => k).join(' and ')} are all set; a RequestOp carries one request`,
    );
  const first = set[0];
  // An op with no request at all reaches etcd, which answers "etcdserver: key not found" (key.go checkRequestOp).
  if (!first) return {} as RequestOp;
  const [name, spec, type] = OPS[first[0]] as [keyof RequestOpFields, FieldSpec, string];
  return { [name]: decode(first[1], spec, type, `${path}.${first[0]}`) } as RequestOp;
}

export function decodeRequest(verb: Verb, raw: unknown): unknown {
  // A JSON null body is an empty message to the gateway.
  const body = raw === null ? new Map() : raw;
  switch (verb) {
    case 'range':
      return decode<RangeRequest>(body, RANGE, 'etcdserverpb.RangeRequest', '');
    case 'put':
      return decode<PutRequest>(body, PUT, 'etcdserverpb.PutRequest', '');
    case 'deleterange':
      return decode<DeleteRangeRequest>(body, DELETE, 'etcdserverpb.DeleteRangeRequest', '');
    case 'txn':
      return decode<TxnRequest>(body, TXN, 'etcdserverpb.TxnRequest', '');
    case 'compaction':
      return decode<CompactionRequest>(body, COMPACTION, 'etcdserverpb.CompactionRequest', '');
  }
}

export type WatchRequest =
  | { create_request: WatchCreateRequest }
  | { cancel_request: { watch_id: number } }
  | { progress_request: Record<string, never> };

const WATCH_REQUEST: Record<string, 'create_request' | 'cancel_request' | 'progress_request'> = {
  create_request: 'create_request',
  createRequest: 'create_request',
  cancel_request: 'cancel_request',
  cancelRequest: 'cancel_request',
  progress_request: 'progress_request',
  progressRequest: 'progress_request',
};

export function decodeWatchRequest(raw: unknown): WatchRequest {
  const entries = members(raw);
  if (!entries)
    throw new GatewayError(`body: expected a JSON object for etcdserverpb.WatchRequest, got ${kindOf(raw)}`);
  const set: [string, unknown][] = [];
  for (const [k, v] of entries) {
    if (!Object.hasOwn(WATCH_REQUEST, k)) throw new GatewayError(`unknown field "${k}" in etcdserverpb.WatchRequest`);
    if (v !== null) set.push([k, v]);
  }
  if (set.length !== 1)
    throw new GatewayError(
      set.length === 0
        ? 'a WatchRequest needs one of create_request, cancel_request, progress_request'
        : `${set.map(([k]) => k).join(' and ')} are all set; a WatchRequest carries one request`,
    );
  const [k, v] = set[0] as [string, unknown];
  switch (WATCH_REQUEST[k]) {
    case 'create_request':
      return {
        create_request: decode<WatchCreateRequest>(v, WATCH_CREATE, 'etcdserverpb.WatchCreateRequest', k),
      };
    case 'cancel_request':
      return {
        cancel_request: decode<{ watch_id: number }>(v, { watch_id: 'int' }, 'etcdserverpb.WatchCancelRequest', k),
      };
    default:
      decode(v, {}, 'etcdserverpb.WatchProgressRequest', k);
      return { progress_request: {} };
  }
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
