/**
 * JSON as Go's encoding/json writes it for kubectl (`json.MarshalIndent(obj, "", "    ")` on
 * unstructured maps): map keys sorted by byte order, `<`, `>`, `&`, U+2028 and U+2029 escaped as
 * \u003c…, floats in Go's shortest form (`1e+21`, `1e-7`).
 */

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 for Go, which writes U+FFFD; a pair passes through.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += ch + (s[i + 1] as string);
        i++;
      } else out += '\\ufffd';
    } else out += ch;
  }
  return `${out}"`;
}

/** Go's float64 JSON encoding (strconv 'f', or 'e' outside 1e-6..1e21). */
function number(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const abs = Math.abs(n);
  if (abs < 1e-6 || abs >= 1e21) {
    const [m, e] = n.toExponential().split('e') as [string, string];
    const ex = Number(e);
    const ae = Math.abs(ex);
    // Go writes e-07 and then trims it to e-7; positive exponents here are always >= 21.
    return `${m}e${ex < 0 ? '-' : '+'}${ae}`;
  }
  return String(n);
}

function byteOrder(a: string, b: string): number {
  // Go sorts map keys by their UTF-8 bytes; for BMP text UTF-16 order only differs around surrogates.
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface GoJSONOptions {
  /** Indent unit (kubectl -o json uses four spaces); omit for compact output. */
  indent?: string;
  /** Sort object keys (maps); false keeps insertion order, as for Go structs. Default true. */
  sortKeys?: boolean;
}

/** Encodes a JSON value as Go would. */
export function goJSON(value: unknown, opts: GoJSONOptions = {}): string {
  const indent = opts.indent ?? '';
  const sortKeys = opts.sortKeys ?? true;
  const enc = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return quote(v);
    if (typeof v === 'number') return number(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    const nl = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const close = indent ? `\n${indent.repeat(depth)}` : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((x) => nl + enc(x, depth + 1)).join(',')}${close}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (sortKeys) entries.sort(([a], [b]) => byteOrder(a, b));
    if (entries.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${entries.map(([k, x]) => nl + quote(k) + sep + enc(x, depth + 1)).join(',')}${close}}`;
  };
  return enc(value, 0);
}

/** kubectl -o json: four-space indentation and a trailing newline. */
export function printJSON(value: unknown, sortKeys = true): string {
  return `${goJSON(value, { indent: '    ', sortKeys })}\n`;
}
