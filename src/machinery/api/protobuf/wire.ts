/**
 * The protobuf wire format: varints, length-delimited fields, fixed 32/64-bit values. Positions
 * are absolute offsets into the caller's whole input, so errors can say where the bytes went wrong.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Malformed or unrepresentable protobuf, with where (byte offset) and in which message it was found. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
  constructor(
    readonly reason: string,
    /** Offset in the decoded input (for decoding), or -1. */
    readonly offset: number,
    /** The message type being decoded or encoded (`apps.DeploymentSpec`), or '' at the top. */
    readonly messageType: string,
    /** The JSON path of the value (`spec.template.spec.containers[0]`), when known. */
    readonly path = '',
    /**
     * True when the bytes may be fine but this codec does not support them (a kind without a schema,
     * a contentEncoding or contentType it does not read): an apiserver answers 415, not 400.
     */
    readonly unsupported = false,
  ) {
    super(
      `protobuf: ${reason}${messageType ? ` in ${messageType}` : ''}${path ? ` at ${path}` : ''}${offset >= 0 ? ` (byte offset ${offset})` : ''}`,
    );
  }
}

/** One field occurrence: its wire type and either a varint/fixed value or a byte range. */
export interface RawField {
  num: number;
  wire: number;
  /** Offset of the tag. */
  at: number;
  /** Varint value (as a 64-bit unsigned bigint only when it does not fit 2^53), or fixed64/32 bits. */
  value: number | bigint;
  /** For WIRE_BYTES: [start, end) of the payload. */
  start: number;
  end: number;
}

const TWO_32 = 0x100000000;

export class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    readonly messageType: string,
  ) {
    this.pos = start;
  }

  fail(reason: string, at = this.pos): never {
    throw new ProtobufError(reason, at, this.messageType);
  }

  /** A varint as a number when below 2^53, else as an unsigned 64-bit bigint. */
  varint(): number | bigint {
    const start = this.pos;
    let lo = 0;
    let shift = 0;
    // Up to 7 bytes (49 bits) accumulate exactly in a double.
    while (shift < 49) {
      if (this.pos >= this.end) this.fail('truncated varint', start);
      const b = this.buf[this.pos++] as number;
      lo += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return lo;
      shift += 7;
    }
    let big = BigInt(lo);
    let bshift = 49n;
    for (;;) {
      if (this.pos >= this.end) this.fail('truncated varint', start);
      if (this.pos - start >= 10) this.fail('varint longer than 10 bytes', start);
      const b = this.buf[this.pos++] as number;
      big |= BigInt(b & 0x7f) << bshift;
      if (b < 0x80) break;
      bshift += 7n;
    }
    big = BigInt.asUintN(64, big);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  /** A varint that must be a small non-negative number (tags, lengths). */
  smallVarint(what: string): number {
    const at = this.pos;
    const v = this.varint();
    if (typeof v !== 'number' || v > 0x7fffffff) this.fail(`${what} too large`, at);
    return v;
  }

  /** Reads every field of the message in [pos, end). */
  fields(): RawField[] {
    const out: RawField[] = [];
    while (this.pos < this.end) {
      const at = this.pos;
      const tag = this.smallVarint('field tag');
      const num = Math.floor(tag / 8);
      const wire = tag & 7;
      if (num === 0) this.fail('field number 0', at);
      switch (wire) {
        case WIRE_VARINT:
          out.push({ num, wire, at, value: this.varint(), start: 0, end: 0 });
          break;
        case WIRE_FIXED64: {
          if (this.pos + 8 > this.end) this.fail('truncated fixed64', at);
          const start = this.pos;
          this.pos += 8;
          out.push({ num, wire, at, value: 0, start, end: this.pos });
          break;
        }
        case WIRE_FIXED32: {
          if (this.pos + 4 > this.end) this.fail('truncated fixed32', at);
          const start = this.pos;
          this.pos += 4;
          out.push({ num, wire, at, value: 0, start, end: this.pos });
          break;
        }
        case WIRE_BYTES: {
          const len = this.smallVarint('length');
          const start = this.pos;
          if (start + len > this.end)
            this.fail(
              `length ${len} of field ${num} runs past the end of the message (${this.end - start} bytes left)`,
              at,
            );
          this.pos += len;
          out.push({ num, wire, at, value: len, start, end: this.pos });
          break;
        }
        case WIRE_START_GROUP: {
          // Deprecated groups: skip to the matching end group.
          const start = this.pos;
          this.skipGroup(num, at);
          out.push({ num, wire, at, value: 0, start, end: this.pos });
          break;
        }
        default:
          this.fail(`invalid wire type ${wire} for field ${num}`, at);
      }
    }
    if (this.pos !== this.end) this.fail('message overruns its length');
    return out;
  }

  private skipGroup(num: number, at: number): void {
    for (;;) {
      if (this.pos >= this.end) this.fail(`unterminated group ${num}`, at);
      const tagAt = this.pos;
      const tag = this.smallVarint('field tag');
      const wire = tag & 7;
      if (wire === WIRE_END_GROUP) {
        if (Math.floor(tag / 8) !== num) this.fail('mismatched end group', tagAt);
        return;
      }
      if (wire === WIRE_VARINT) this.varint();
      else if (wire === WIRE_FIXED64) this.pos += 8;
      else if (wire === WIRE_FIXED32) this.pos += 4;
      else if (wire === WIRE_BYTES) this.pos += this.smallVarint('length');
      else if (wire === WIRE_START_GROUP) this.skipGroup(Math.floor(tag / 8), tagAt);
      else this.fail(`invalid wire type ${wire}`, tagAt);
      if (this.pos > this.end) this.fail('truncated group', at);
    }
  }
}

/** Two's-complement reinterpretation of a decoded varint as a signed integer of `bits` bits. */
export function signed(v: number | bigint, bits: 32 | 64): number {
  if (bits === 32) {
    // Go truncates to the low 32 bits (`int32(x)`).
    const low = typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : v % TWO_32;
    return low >= 0x80000000 ? low - TWO_32 : low;
  }
  if (typeof v === 'number') return v; // below 2^53: non-negative
  return Number(BigInt.asIntN(64, v));
}

export function unsigned(v: number | bigint, bits: 32 | 64): number {
  if (bits === 32) return typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : v % TWO_32;
  return Number(v);
}

/** Little-endian IEEE 754 double at [start, start+8). */
export function readDouble(buf: Uint8Array, start: number): number {
  return new DataView(buf.buffer, buf.byteOffset + start, 8).getFloat64(0, true);
}

/** An append-only byte buffer. */
export class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** An unsigned varint; negative numbers are written as 64-bit two's complement (10 bytes), as Go does. */
  varint(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      let n = v;
      while (n >= 0x80) {
        this.byte((n % 0x80) | 0x80);
        n = Math.floor(n / 0x80);
      }
      this.byte(n);
      return;
    }
    let big = BigInt.asUintN(64, BigInt(v));
    while (big >= 0x80n) {
      this.byte(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    this.byte(Number(big));
  }

  tag(num: number, wire: number): void {
    this.varint(num * 8 + wire);
  }

  lengthDelimited(num: number, payload: Uint8Array): void {
    this.tag(num, WIRE_BYTES);
    this.varint(payload.length);
    this.bytes(payload);
  }

  double(num: number, v: number): void {
    this.tag(num, WIRE_FIXED64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.bytes(b);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
