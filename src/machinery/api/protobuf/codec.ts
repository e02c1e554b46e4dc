/**
 * Kubernetes protobuf ↔ the JSON object Go's encoding/json would print for the same typed value.
 *
 * Decoding follows what the real apiserver does with a protobuf body (gogo-generated Unmarshal into
 * the Go struct) followed by json.Marshal: pointer fields absent from the wire stay nil (omitted, or
 * `null` without omitempty), value fields read as zero (omitted when omitempty), value structs are
 * always printed, a zero metav1.Time prints as `null`, map keys are sorted, unknown fields are skipped
 * (and reported). Encoding mirrors gogo's Marshal: fields in number order, every non-pointer scalar
 * and struct written even when zero, pointers only when set, map entries sorted by key — so a body
 * re-encoded from its decoded JSON is byte-for-byte what kubectl sent.
 */
import {
  base64Decode,
  base64Encode,
  formatDuration,
  formatMicroTime,
  formatTime,
  isZeroTime,
  parseDuration,
  parseTime,
} from './goforms.ts';
import { type FieldSpec, messageSpec, messageTypeFor, SPECIAL_TYPES } from './registry.ts';
import {
  ProtobufError,
  type RawField,
  Reader,
  readDouble,
  signed,
  unsigned,
  WIRE_BYTES,
  WIRE_FIXED64,
  WIRE_VARINT,
  Writer,
} from './wire.ts';

export { ProtobufError } from './wire.ts';

/** The 4-byte prefix of every Kubernetes protobuf object: `k8s\x00`. */
export const K8S_PROTOBUF_MAGIC: Uint8Array = new Uint8Array([0x6b, 0x38, 0x73, 0x00]);

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** A field present on the wire that the schema does not know (upstream silently drops these). */
export interface UnknownProtobufField {
  /** JSON path of the object holding it (`spec.template.spec.containers[0]`; '' for the top). */
  path: string;
  /** Its message type (`core.Container`). */
  messageType: string;
  field: number;
  wireType: number;
  /** Byte offset of its tag in the decoded input. */
  offset: number;
}

export interface DecodedK8sObject {
  apiVersion: string;
  kind: string;
  /** The object as JSON: `{kind, apiVersion, metadata, spec, ...}`. */
  object: Record<string, unknown>;
  /** The schema message it was decoded as (`apps.Deployment`). */
  messageType: string;
  unknownFields: UnknownProtobufField[];
}

const MAX_DEPTH = 100;

interface DecodeContext {
  unknown: UnknownProtobufField[];
  depth: number;
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** Whether `bytes` starts with the Kubernetes protobuf magic `k8s\x00`. */
export function isK8sProtobuf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && K8S_PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * A body carried as a byte string (one UTF-16 unit per byte, as Node's `buf.toString('latin1')`
 * makes it) back to its bytes, for transports that only carry strings. Throws on a unit above 0xff.
 */
export function bytesFromBinaryString(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new ProtobufError(`body is not a byte string (unit 0x${c.toString(16)})`, i, '');
    out[i] = c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes a Kubernetes protobuf object (`k8s\x00` + runtime.Unknown{typeMeta, raw}) into the JSON
 * object kubectl would have sent as JSON. Throws ProtobufError (with the byte offset and message type)
 * when the bytes are malformed or the kind is not in the schema.
 */
export function decodeK8sProtobuf(bytes: Uint8Array): DecodedK8sObject {
  return decodeEnvelope(bytes, { unknown: [], depth: 0 }, '');
}

function decodeEnvelope(bytes: Uint8Array, ctx: DecodeContext, path: string): DecodedK8sObject {
  if (!isK8sProtobuf(bytes)) {
    const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ProtobufError(`missing the k8s\\x00 prefix (got ${head || 'no bytes'})`, 0, '', path);
  }
  const envelope = new Reader(bytes, 4, bytes.length, 'runtime.Unknown');
  let apiVersion = '';
  let kind = '';
  let typeMetaAt = 4;
  let raw: RawField | undefined;
  let contentEncoding = '';
  let contentType = '';
  for (const f of envelope.fields()) {
    if (f.num >= 1 && f.num <= 4 && f.wire !== WIRE_BYTES)
      throw new ProtobufError(`field ${f.num} has wire type ${f.wire}, want 2`, f.at, 'runtime.Unknown', path);
    if (f.num === 1) {
      typeMetaAt = f.at;
      for (const t of new Reader(bytes, f.start, f.end, 'runtime.TypeMeta').fields()) {
        if (t.wire !== WIRE_BYTES) continue;
        if (t.num === 1) apiVersion = utf8.decode(bytes.subarray(t.start, t.end));
        else if (t.num === 2) kind = utf8.decode(bytes.subarray(t.start, t.end));
      }
    } else if (f.num === 2) raw = f;
    else if (f.num === 3) contentEncoding = utf8.decode(bytes.subarray(f.start, f.end));
    else if (f.num === 4) contentType = utf8.decode(bytes.subarray(f.start, f.end));
  }
  if (contentEncoding)
    throw new ProtobufError(
      `unsupported contentEncoding ${JSON.stringify(contentEncoding)}`,
      4,
      'runtime.Unknown',
      path,
      true,
    );
  if (!kind) throw new ProtobufError('object has no kind', typeMetaAt, 'runtime.Unknown', path);
  const start = raw?.start ?? bytes.length;
  const end = raw?.end ?? bytes.length;
  const head = { kind, apiVersion };
  if (contentType === 'application/json') {
    const parsed = parseJSON(bytes.subarray(start, end), start, 'runtime.Unknown', path);
    if (!isObject(parsed)) throw new ProtobufError('raw JSON is not an object', start, 'runtime.Unknown', path);
    return { apiVersion, kind, object: { ...head, ...parsed }, messageType: '', unknownFields: ctx.unknown };
  }
  if (contentType !== '' && contentType !== PROTOBUF_CONTENT_TYPE)
    throw new ProtobufError(`unsupported contentType ${JSON.stringify(contentType)}`, 4, 'runtime.Unknown', path, true);
  const messageType = messageTypeFor(apiVersion, kind);
  if (!messageType)
    throw new ProtobufError(
      `no protobuf schema for kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}`,
      typeMetaAt,
      'runtime.Unknown',
      path,
      true,
    );
  const body = decodeMessage(messageType, bytes, start, end, path, ctx);
  return { apiVersion, kind, object: { ...head, ...body }, messageType, unknownFields: ctx.unknown };
}

/** Decodes the bytes of one message (no envelope) of type `messageType` (`core.PodSpec`) to JSON. */
export function decodeMessageBytes(
  messageType: string,
  bytes: Uint8Array,
): { value: unknown; unknownFields: UnknownProtobufField[] } {
  const ctx: DecodeContext = { unknown: [], depth: 0 };
  return { value: decodeValue(messageType, bytes, 0, bytes.length, '', ctx), unknownFields: ctx.unknown };
}

function decodeValue(type: string, buf: Uint8Array, start: number, end: number, path: string, ctx: DecodeContext) {
  if (SPECIAL_TYPES.has(type)) return decodeSpecial(type, buf, start, end, path, ctx);
  return decodeMessage(type, buf, start, end, path, ctx);
}

function decodeMessage(
  type: string,
  buf: Uint8Array,
  start: number,
  end: number,
  path: string,
  ctx: DecodeContext,
): Record<string, unknown> {
  if (ctx.depth >= MAX_DEPTH) throw new ProtobufError('nesting too deep', start, type, path);
  ctx.depth++;
  const spec = messageSpec(type);
  const groups = new Map<number, RawField[]>();
  for (const f of new Reader(buf, start, end, type).fields()) {
    if (!spec.byNumber.has(f.num)) {
      ctx.unknown.push({ path, messageType: type, field: f.num, wireType: f.wire, offset: f.at });
      continue;
    }
    const list = groups.get(f.num);
    if (list) list.push(f);
    else groups.set(f.num, [f]);
  }
  const out: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const occurrences = groups.get(field.num) ?? [];
    if (field.inline) {
      Object.assign(out, decodeSingularMessage(field, occurrences, buf, type, path, ctx));
      continue;
    }
    const value = decodeField(field, occurrences, buf, type, join(path, field.json), ctx);
    if (value !== undefined) out[field.json] = value;
  }
  ctx.depth--;
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The value of one field, or undefined to leave it out of the JSON. */
function decodeField(
  field: FieldSpec,
  occ: RawField[],
  buf: Uint8Array,
  type: string,
  path: string,
  ctx: DecodeContext,
): unknown {
  if (field.map) {
    const entries = new Map<string, unknown>();
    for (const f of occ) {
      expectWire(f, WIRE_BYTES, type, path);
      const [key, value] = decodeMapEntry(field, f, buf, path, ctx);
      entries.set(key, value);
    }
    if (entries.size === 0) return field.always ? null : undefined;
    const obj: Record<string, unknown> = {};
    for (const key of [...entries.keys()].sort(compareGoStrings)) obj[key] = entries.get(key);
    return obj;
  }
  if (field.repeated) {
    const items: unknown[] = [];
    for (const f of occ) {
      if (field.scalar) items.push(...decodeRepeatedScalar(field, f, buf, type, path));
      else {
        expectWire(f, WIRE_BYTES, type, path);
        items.push(decodeValue(field.type, buf, f.start, f.end, `${path}[${items.length}]`, ctx));
      }
    }
    if (items.length === 0) return field.always ? null : undefined;
    return items;
  }
  if (!field.scalar) {
    if (occ.length === 0 && field.pointer) return field.always ? null : undefined;
    return decodeSingularMessage(field, occ, buf, type, path, ctx);
  }
  const last = occ[occ.length - 1];
  if (field.type === 'bytes') {
    // A []byte: nil when absent, non-nil (possibly empty) when present.
    if (!last) return field.always ? null : undefined;
    expectWire(last, WIRE_BYTES, type, path);
    if (last.end === last.start && !field.always) return undefined;
    return base64Encode(buf.subarray(last.start, last.end));
  }
  if (!last) {
    if (field.pointer) return field.always ? null : undefined;
    return field.always ? zeroScalar(field.type) : undefined;
  }
  const value = decodeScalar(field.type, last, buf, type, path);
  if (!field.pointer && !field.always && isZeroScalar(value)) return undefined;
  return value;
}

/** A singular message field: protobuf merges repeated occurrences, which equals decoding their concatenation. */
function decodeSingularMessage(
  field: FieldSpec,
  occ: RawField[],
  buf: Uint8Array,
  type: string,
  path: string,
  ctx: DecodeContext,
): unknown {
  for (const f of occ) expectWire(f, WIRE_BYTES, type, path);
  const only = occ[0];
  if (occ.length <= 1) {
    const start = only?.start ?? 0;
    return decodeValue(field.type, buf, start, only?.end ?? start, path, ctx);
  }
  const total = occ.reduce((n, f) => n + (f.end - f.start), 0);
  const merged = new Uint8Array(total);
  let at = 0;
  for (const f of occ) {
    merged.set(buf.subarray(f.start, f.end), at);
    at += f.end - f.start;
  }
  return decodeValue(field.type, merged, 0, merged.length, path, ctx);
}

function decodeMapEntry(
  field: FieldSpec,
  entry: RawField,
  buf: Uint8Array,
  path: string,
  ctx: DecodeContext,
): [string, unknown] {
  const entryType = `${field.type} map entry`;
  let key = '';
  let value: RawField | undefined;
  for (const f of new Reader(buf, entry.start, entry.end, entryType).fields()) {
    if (f.num === 1) {
      expectWire(f, WIRE_BYTES, entryType, path);
      key = utf8.decode(buf.subarray(f.start, f.end));
    } else if (f.num === 2) value = f;
    else ctx.unknown.push({ path, messageType: entryType, field: f.num, wireType: f.wire, offset: f.at });
  }
  const at = join(path, key);
  if (field.scalar) {
    if (!value) return [key, field.type === 'bytes' ? '' : zeroScalar(field.type)];
    if (field.type === 'bytes') {
      expectWire(value, WIRE_BYTES, entryType, at);
      return [key, base64Encode(buf.subarray(value.start, value.end))];
    }
    return [key, decodeScalar(field.type, value, buf, entryType, at)];
  }
  if (value) expectWire(value, WIRE_BYTES, entryType, at);
  const start = value?.start ?? 0;
  return [key, decodeValue(field.type, buf, start, value?.end ?? start, at, ctx)];
}

function expectWire(f: RawField, wire: number, type: string, path: string): void {
  if (f.wire !== wire)
    throw new ProtobufError(`field ${f.num} has wire type ${f.wire}, want ${wire}`, f.at, type, path);
}

function decodeScalar(scalar: string, f: RawField, buf: Uint8Array, type: string, path: string): unknown {
  switch (scalar) {
    case 'string':
      expectWire(f, WIRE_BYTES, type, path);
      return utf8.decode(buf.subarray(f.start, f.end));
    case 'bytes':
      expectWire(f, WIRE_BYTES, type, path);
      return base64Encode(buf.subarray(f.start, f.end));
    case 'double':
      expectWire(f, WIRE_FIXED64, type, path);
      return readDouble(buf, f.start);
    default:
      expectWire(f, WIRE_VARINT, type, path);
      return varintScalar(scalar, f.value);
  }
}

function varintScalar(scalar: string, v: number | bigint): unknown {
  switch (scalar) {
    case 'bool':
      return v !== 0 && v !== 0n;
    case 'int32':
      return signed(v, 32);
    case 'int64':
      return signed(v, 64);
    case 'uint32':
      return unsigned(v, 32);
    default:
      return unsigned(v, 64);
  }
}

/** Repeated scalars arrive one per field, or packed (many in one length-delimited field). */
function decodeRepeatedScalar(field: FieldSpec, f: RawField, buf: Uint8Array, type: string, path: string): unknown[] {
  if (field.type === 'string' || field.type === 'bytes') return [decodeScalar(field.type, f, buf, type, path)];
  if (f.wire !== WIRE_BYTES) return [decodeScalar(field.type, f, buf, type, path)];
  const out: unknown[] = [];
  const r = new Reader(buf, f.start, f.end, type);
  while (r.pos < f.end) {
    if (field.type === 'double') {
      if (r.pos + 8 > f.end) r.fail('truncated packed double');
      out.push(readDouble(buf, r.pos));
      r.pos += 8;
    } else out.push(varintScalar(field.type, r.varint()));
  }
  return out;
}

function zeroScalar(scalar: string): unknown {
  if (scalar === 'string') return '';
  if (scalar === 'bool') return false;
  if (scalar === 'bytes') return null;
  return 0;
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === false || v === 0;
}

/** Go sorts map keys by bytes (UTF-8); for the BMP this is UTF-16 order, which is close enough. */
function compareGoStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The fields of a hand-coded message, by number (last occurrence wins). */
function specialFields(
  type: string,
  buf: Uint8Array,
  start: number,
  end: number,
  path: string,
  known: Record<number, number>,
  ctx: DecodeContext,
): Map<number, RawField> {
  const out = new Map<number, RawField>();
  for (const f of new Reader(buf, start, end, type).fields()) {
    const wire = known[f.num];
    if (wire === undefined) {
      ctx.unknown.push({ path, messageType: type, field: f.num, wireType: f.wire, offset: f.at });
      continue;
    }
    expectWire(f, wire, type, path);
    out.set(f.num, f);
  }
  return out;
}

function varintOf(f: RawField | undefined): number | bigint {
  return f ? f.value : 0;
}

function decodeSpecial(
  type: string,
  buf: Uint8Array,
  start: number,
  end: number,
  path: string,
  ctx: DecodeContext,
): unknown {
  switch (type) {
    case 'meta.Time':
    case 'meta.MicroTime': {
      // metav1.Time's Unmarshal: no bytes is the zero time, which prints as null.
      if (end === start) return null;
      const f = specialFields(type, buf, start, end, path, { 1: WIRE_VARINT, 2: WIRE_VARINT }, ctx);
      const seconds = signed(varintOf(f.get(1)), 64);
      const nanos = signed(varintOf(f.get(2)), 32);
      if (isZeroTime(seconds, nanos)) return null;
      if (nanos < 0 || nanos > 999_999_999) throw new ProtobufError(`nanos ${nanos} out of range`, start, type, path);
      return type === 'meta.Time' ? formatTime(seconds) : formatMicroTime(seconds, nanos);
    }
    case 'meta.Duration': {
      const f = specialFields(type, buf, start, end, path, { 1: WIRE_VARINT }, ctx);
      return formatDuration(BigInt.asIntN(64, BigInt(varintOf(f.get(1)))));
    }
    case 'intstr.IntOrString': {
      const f = specialFields(type, buf, start, end, path, { 1: WIRE_VARINT, 2: WIRE_VARINT, 3: WIRE_BYTES }, ctx);
      const kind = signed(varintOf(f.get(1)), 64);
      if (kind === 0) return signed(varintOf(f.get(2)), 32);
      if (kind === 1) {
        const s = f.get(3);
        return s ? utf8.decode(buf.subarray(s.start, s.end)) : '';
      }
      throw new ProtobufError(`IntOrString type ${kind} is neither 0 (int) nor 1 (string)`, start, type, path);
    }
    case 'resource.Quantity': {
      const f = specialFields(type, buf, start, end, path, { 1: WIRE_BYTES }, ctx);
      const s = f.get(1);
      const text = s ? utf8.decode(buf.subarray(s.start, s.end)) : '';
      return text === '' ? '0' : text;
    }
    case 'meta.FieldsV1':
    case 'runtime.RawExtension': {
      const f = specialFields(type, buf, start, end, path, { 1: WIRE_BYTES }, ctx);
      const raw = f.get(1);
      if (!raw || raw.end === raw.start) return null;
      const bytes = buf.subarray(raw.start, raw.end);
      if (type === 'runtime.RawExtension' && isK8sProtobuf(bytes)) {
        if (ctx.depth >= MAX_DEPTH) throw new ProtobufError('nesting too deep', raw.start, type, path);
        const inner: DecodeContext = { unknown: [], depth: ctx.depth + 1 };
        const nested = decodeEnvelope(bytes, inner, path);
        for (const u of inner.unknown) ctx.unknown.push({ ...u, offset: u.offset + raw.start });
        return nested.object;
      }
      return parseJSON(bytes, raw.start, type, path);
    }
    default:
      throw new ProtobufError(`no codec for ${type}`, start, type, path);
  }
}

function parseJSON(bytes: Uint8Array, offset: number, type: string, path: string): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch (e) {
    throw new ProtobufError(`raw bytes are not JSON: ${(e as Error).message}`, offset, type, path);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes a JSON object as Kubernetes protobuf (`k8s\x00` + runtime.Unknown), as Go's protobuf
 * serializer would after reading the JSON into the typed struct. `apiVersion`/`kind` in `object`
 * are ignored (the arguments say what it is). Throws ProtobufError when the kind is not in the
 * schema or a value has the wrong JSON type for its field.
 */
export function encodeK8sProtobuf(apiVersion: string, kind: string, object: Record<string, unknown>): Uint8Array {
  const messageType = messageTypeFor(apiVersion, kind);
  if (!messageType)
    throw new ProtobufError(
      `no protobuf schema for kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}`,
      -1,
      '',
      '',
      true,
    );
  const typeMeta = new Writer();
  typeMeta.lengthDelimited(1, utf8Encoder.encode(apiVersion));
  typeMeta.lengthDelimited(2, utf8Encoder.encode(kind));
  const w = new Writer();
  w.bytes(K8S_PROTOBUF_MAGIC);
  w.lengthDelimited(1, typeMeta.finish());
  w.lengthDelimited(2, encodeMessage(messageType, object, ''));
  w.lengthDelimited(3, new Uint8Array(0));
  w.lengthDelimited(4, new Uint8Array(0));
  return w.finish();
}

/** Encodes one message (no envelope) of type `messageType` from its JSON form. */
export function encodeMessageBytes(messageType: string, value: unknown): Uint8Array {
  return encodeValue(messageType, value, '');
}

function typeError(want: string, got: unknown, type: string, path: string): ProtobufError {
  const what = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
  return new ProtobufError(`expected ${want}, got ${what}`, -1, type, path);
}

function encodeMessage(type: string, value: unknown, path: string): Uint8Array {
  if (value !== undefined && value !== null && !isObject(value)) throw typeError('object', value, type, path);
  const obj = (value ?? {}) as Record<string, unknown>;
  const spec = messageSpec(type);
  const w = new Writer();
  for (const field of spec.byNumberOrder) {
    if (field.inline) {
      w.lengthDelimited(field.num, encodeMessage(field.type, obj, path));
      continue;
    }
    encodeField(w, field, obj[field.json], type, join(path, field.json));
  }
  return w.finish();
}

function encodeValue(type: string, value: unknown, path: string): Uint8Array {
  if (SPECIAL_TYPES.has(type)) return encodeSpecial(type, value, path);
  return encodeMessage(type, value, path);
}

function encodeField(w: Writer, field: FieldSpec, value: unknown, type: string, path: string): void {
  if (field.map) {
    if (value === undefined || value === null) return;
    if (!isObject(value)) throw typeError('object', value, type, path);
    for (const key of Object.keys(value).sort(compareGoStrings)) {
      const v = value[key];
      const at = join(path, key);
      const entry = new Writer();
      entry.lengthDelimited(1, utf8Encoder.encode(key));
      if (field.scalar) {
        if (field.type === 'bytes') {
          if (v !== null && v !== undefined) entry.lengthDelimited(2, bytesOf(v, type, at));
        } else writeScalar(entry, 2, field.type, v ?? zeroScalar(field.type), type, at);
      } else entry.lengthDelimited(2, encodeValue(field.type, v ?? null, at));
      w.lengthDelimited(field.num, entry.finish());
    }
    return;
  }
  if (field.repeated) {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) throw typeError('array', value, type, path);
    value.forEach((item, i) => {
      const at = `${path}[${i}]`;
      if (field.scalar) writeScalar(w, field.num, field.type, item ?? zeroScalar(field.type) ?? '', type, at);
      else w.lengthDelimited(field.num, encodeValue(field.type, item ?? null, at));
    });
    return;
  }
  if (!field.scalar) {
    if (field.pointer && (value === undefined || value === null)) return;
    w.lengthDelimited(field.num, encodeValue(field.type, value ?? null, path));
    return;
  }
  if (field.type === 'bytes') {
    if (value !== undefined && value !== null) w.lengthDelimited(field.num, bytesOf(value, type, path));
    return;
  }
  if (value === undefined || value === null) {
    if (field.pointer) return;
    writeScalar(w, field.num, field.type, zeroScalar(field.type), type, path);
    return;
  }
  writeScalar(w, field.num, field.type, value, type, path);
}

function bytesOf(value: unknown, type: string, path: string): Uint8Array {
  if (typeof value !== 'string') throw typeError('base64 string', value, type, path);
  const bytes = base64Decode(value);
  if (typeof bytes === 'string') throw new ProtobufError(bytes, -1, type, path);
  return bytes;
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

function writeScalar(w: Writer, num: number, scalar: string, value: unknown, type: string, path: string): void {
  switch (scalar) {
    case 'string':
      if (typeof value !== 'string') throw typeError('string', value, type, path);
      w.lengthDelimited(num, utf8Encoder.encode(value));
      return;
    case 'bytes':
      w.lengthDelimited(num, bytesOf(value, type, path));
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw typeError('boolean', value, type, path);
      w.tag(num, WIRE_VARINT);
      w.varint(value ? 1 : 0);
      return;
    case 'double':
      if (typeof value !== 'number') throw typeError('number', value, type, path);
      w.double(num, value);
      return;
    default: {
      const range = INT_RANGES[scalar] as [number, number];
      if (typeof value === 'bigint') {
        w.tag(num, WIRE_VARINT);
        w.varint(value);
        return;
      }
      if (typeof value !== 'number') throw typeError(scalar, value, type, path);
      if (!Number.isInteger(value) || value < range[0] || value > range[1])
        throw new ProtobufError(`${value} is not a valid ${scalar}`, -1, type, path);
      w.tag(num, WIRE_VARINT);
      w.varint(value);
    }
  }
}

function encodeSpecial(type: string, value: unknown, path: string): Uint8Array {
  const w = new Writer();
  switch (type) {
    case 'meta.Time':
    case 'meta.MicroTime': {
      if (value === null || value === undefined) return w.finish(); // the zero time: no bytes
      if (typeof value !== 'string') throw typeError('RFC 3339 time string', value, type, path);
      const t = parseTime(value);
      if (!t) throw new ProtobufError(`${JSON.stringify(value)} is not an RFC 3339 time`, -1, type, path);
      if (isZeroTime(t.seconds, t.nanos)) return w.finish();
      // metav1.Time's proto form drops the nanoseconds; MicroTime keeps them.
      w.tag(1, WIRE_VARINT);
      w.varint(t.seconds);
      w.tag(2, WIRE_VARINT);
      w.varint(type === 'meta.Time' ? 0 : t.nanos);
      return w.finish();
    }
    case 'meta.Duration': {
      let ns = 0n;
      if (value !== null && value !== undefined) {
        if (typeof value !== 'string') throw typeError('duration string', value, type, path);
        const parsed = parseDuration(value);
        if (parsed === undefined) throw new ProtobufError(`invalid duration ${JSON.stringify(value)}`, -1, type, path);
        ns = parsed;
      }
      w.tag(1, WIRE_VARINT);
      w.varint(ns);
      return w.finish();
    }
    case 'intstr.IntOrString': {
      let kind = 0;
      let int = 0;
      let str = '';
      if (typeof value === 'string') {
        kind = 1;
        str = value;
      } else if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff)
          throw new ProtobufError(`${value} is not a valid int32`, -1, type, path);
        int = value;
      } else if (value !== null && value !== undefined) throw typeError('integer or string', value, type, path);
      w.tag(1, WIRE_VARINT);
      w.varint(kind);
      w.tag(2, WIRE_VARINT);
      w.varint(int);
      w.lengthDelimited(3, utf8Encoder.encode(str));
      return w.finish();
    }
    case 'resource.Quantity': {
      let text = '0';
      if (typeof value === 'string') text = value;
      else if (typeof value === 'number') text = String(value);
      else if (value !== null && value !== undefined) throw typeError('quantity string', value, type, path);
      w.lengthDelimited(1, utf8Encoder.encode(text));
      return w.finish();
    }
    case 'meta.FieldsV1':
    case 'runtime.RawExtension':
      if (value !== null && value !== undefined) w.lengthDelimited(1, utf8Encoder.encode(JSON.stringify(value)));
      return w.finish();
    default:
      throw new ProtobufError(`no codec for ${type}`, -1, type, path);
  }
}
