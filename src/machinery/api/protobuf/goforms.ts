/**
 * The JSON forms Go gives the values of the hand-coded types: []byte as standard base64,
 * metav1.Time / MicroTime as RFC 3339 (seconds / microseconds, UTC), metav1.Duration as
 * time.Duration.String(). No Date: times go through the civil-calendar arithmetic of ../time.ts.
 */
import { formatRFC3339, parseRFC3339 } from '../time.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map<string, number>([...B64].map((c, i) => [c, i]));

/** Standard base64 with padding (encoding/json's form of []byte). */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += B64[n >> 18] + (B64[(n >> 12) & 63] as string) + (B64[(n >> 6) & 63] as string) + (B64[n & 63] as string);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}${B64[(n >> 6) & 63]}=`;
  }
  return out;
}

/**
 * Standard base64 as Go's base64.StdEncoding decodes it: padding required, CR and LF ignored.
 * Returns a description of the problem instead of bytes when the input is not valid.
 */
export function base64Decode(text: string): Uint8Array | string {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0) return `illegal base64 data at input byte ${s.length - (s.length % 4)}`;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s[i + j] as string;
      const last = i + 4 === s.length;
      if (c === '=' && last && j >= 4 - pad) {
        n <<= 6;
        continue;
      }
      const v = B64_INDEX.get(c);
      if (v === undefined) return `illegal base64 data at input byte ${i + j}`;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

const ZERO_TIME_SECONDS = -62135596800; // 0001-01-01T00:00:00Z, Go's zero time.Time

/** Whether (seconds, nanos) is Go's zero time.Time (which metav1.Time prints as null). */
export function isZeroTime(seconds: number, nanos: number): boolean {
  return seconds === ZERO_TIME_SECONDS && nanos === 0;
}

/** metav1.Time's JSON: whole seconds, UTC (`2025-01-01T00:00:00Z`). */
export function formatTime(seconds: number): string {
  return formatRFC3339(seconds * 1000);
}

/** metav1.MicroTime's JSON: `2025-01-01T00:00:00.123456Z`. */
export function formatMicroTime(seconds: number, nanos: number): string {
  const base = formatRFC3339(seconds * 1000).slice(0, -1);
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/**
 * An RFC 3339 timestamp (as time.Parse(time.RFC3339) reads it: optional fraction, Z or an offset) as
 * Unix seconds and nanoseconds; undefined when it is not one.
 */
export function parseTime(text: string): { seconds: number; nanos: number } | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = parseRFC3339(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const nanos = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  return { seconds: Math.floor(ms / 1000), nanos };
}

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const SEC = 1000n * MS;
const MIN = 60n * SEC;
const HOUR = 60n * MIN;

/** Writes the fraction of v / 10^prec without trailing zeros (Go's fmtFrac); returns [text, v / 10^prec]. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  let u = v;
  for (let i = 0; i < prec; i++) {
    const digit = u % 10n;
    print = print || digit !== 0n;
    if (print) digits = digit.toString() + digits;
    u /= 10n;
  }
  return [print ? `.${digits}` : '', u];
}

/** time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < SEC) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < US) {
      unit = 'ns';
      prec = 0;
    } else if (u < MS) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [frac, whole] = fmtFrac(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

const UNITS: Record<string, bigint> = { ns: NS, us: US, µs: US, μs: US, ms: MS, s: SEC, m: MIN, h: HOUR };
const INT64_MAX = (1n << 63n) - 1n;

/** time.ParseDuration: `300ms`, `-1.5h`, `2h45m`; undefined when malformed or out of range. */
export function parseDuration(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m) return undefined;
    const [all, whole = '', frac = '', unitName = ''] = m;
    if (whole === '' && frac === '') return undefined;
    const unit = UNITS[unitName] as bigint;
    let v = BigInt(whole || '0') * unit;
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > INT64_MAX + (neg ? 1n : 0n)) return undefined;
    s = s.slice(all.length);
  }
  return neg ? -total : total;
}
