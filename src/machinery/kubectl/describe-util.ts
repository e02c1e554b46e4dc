/**
 * kubectl describe's building blocks (pkg/describe/describe.go): a PrefixWriter over a tabwriter
 * with describe's settings (minwidth 0, tabwidth 8, padding 2), the multi-line label, annotation,
 * taint and toleration blocks, event tables, and Go's formatting of the values it prints.
 */
import { formatQuantity, parseQuantity, type Quantity } from '../api/quantity.ts';
import type { KObject } from '../api/types.ts';
import { humanDuration } from '../printers/duration.ts';
import { KUBECTL_DESCRIBE, TabWriter } from '../printers/tabwriter.ts';
import { formatRFC1123Z, parseTime } from '../printers/time.ts';

// biome-ignore lint/suspicious/noExplicitAny: describers read untyped JSON defensively.
export type Any = any;

export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;

/** A PrefixWriter: two spaces per level, terminal escapes, into describe's tabwriter. */
export class PrefixWriter {
  readonly tw: TabWriter | undefined;
  private raw: string[] = [];
  /** aligned=false writes straight to a buffer, as upstream does where no tabwriter is involved. */
  constructor(aligned = true) {
    this.tw = aligned ? new TabWriter(KUBECTL_DESCRIBE) : undefined;
  }
  private put(s: string): void {
    if (this.tw) this.tw.write(s);
    else this.raw.push(s);
  }
  write(level: number, text: string): void {
    this.put(escapeTerminal('  '.repeat(level) + text));
  }
  writeLine(text = ''): void {
    this.put(escapeTerminal(`${text}\n`));
  }
  flush(): void {
    this.tw?.flush();
  }
  /** Flushes and returns the text (tabbedString). */
  done(): string {
    if (!this.tw) return this.raw.join('');
    this.tw.flush();
    return this.tw.take();
  }
}

function escapeTerminal(s: string): string {
  return s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');
}

/** Runs a describer body against a fresh writer and returns its text. */
export function tabbedString(f: (w: PrefixWriter) => void): string {
  const w = new PrefixWriter();
  f(w);
  return w.done();
}

export function obj(v: unknown): Any {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
export function arr(v: unknown): Any[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** Go's time.RFC1123Z of a metav1.Time (the zero time for a missing one). */
export function fmtTime(ts: unknown): string {
  const t = parseTime(ts);
  return t === undefined ? 'Mon, 01 Jan 0001 00:00:00 +0000' : formatRFC1123Z(t);
}

/** translateTimestampSince with describe's clock. */
export function since(ts: unknown, now: number): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

/** Go's %v for a pointer-or-value that may be absent. */
export function goV(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (typeof v === 'object') {
    return `map[${Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${goV((v as Record<string, unknown>)[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** intstr's String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v);
}

export function printLabelsMultilineWithIndent(
  w: PrefixWriter,
  initialIndent: string,
  title: string,
  innerIndent: string,
  labels: Record<string, string> | undefined,
  skip: Set<string> = new Set(),
): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {})
    .filter((k) => !skip.has(k))
    .sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(LEVEL_0, initialIndent + innerIndent);
    w.write(LEVEL_0, `${k}=${(labels as Record<string, string>)[k]}\n`);
  });
}

export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined): void {
  printLabelsMultilineWithIndent(w, '', title, '\t', labels);
}

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

export function printAnnotationsMultiline(
  w: PrefixWriter,
  title: string,
  annotations: Record<string, string> | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const indent = '\t';
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, indent);
    const value = (annotations as Record<string, string>)[key]?.replace(/\n$/, '') ?? '';
    if (byteLen(value) + byteLen(key) + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(LEVEL_0, `${indent}  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else w.write(LEVEL_0, `${key}: ${value}\n`);
  });
}

function byteLen(s: string): number {
  let n = 0;
  for (const c of s) {
    const cp = c.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

function shorten(s: string, max: number): string {
  return byteLen(s) > max ? `${s.slice(0, max)}...` : s;
}

/** Taint.ToString(): `key=value:Effect`, `key:Effect`. */
export function taintString(t: Any): string {
  const value = str(t.value);
  const effect = str(t.effect);
  const base = value ? `${str(t.key)}=${value}` : str(t.key);
  return effect ? `${base}:${effect}` : base;
}

export function printTaintsMultiline(w: PrefixWriter, title: string, taints: Any[]): void {
  w.write(LEVEL_0, `${title}:\t`);
  if (taints.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = [...taints].sort((a, b) => {
    const ka = `${str(a.effect)},${str(a.key)}`;
    const kb = `${str(b.effect)},${str(b.key)}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t');
    w.write(LEVEL_0, `${taintString(t)}\n`);
  });
}

export function printTolerationsMultilineWithIndent(
  w: PrefixWriter,
  initialIndent: string,
  title: string,
  innerIndent: string,
  tolerations: Any[],
): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  if (tolerations.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = [...tolerations].sort((a, b) => (str(a.key) < str(b.key) ? -1 : str(a.key) > str(b.key) ? 1 : 0));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(LEVEL_0, initialIndent + innerIndent);
    let s = str(t.key);
    if (str(t.value)) s += `=${str(t.value)}`;
    if (str(t.effect)) s += `:${str(t.effect)}`;
    if (t.operator === 'Exists' && !str(t.value)) s += str(t.key) || str(t.effect) ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') s += ` for ${t.tolerationSeconds}s`;
    w.write(LEVEL_0, `${s}\n`);
  });
}

/** DescribeEvents: the event table, oldest first. */
export function describeEvents(events: KObject[] | undefined, w: PrefixWriter, now: number): void {
  if (!events) return;
  if (events.length === 0) {
    w.write(LEVEL_0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = [...events].sort(
    (a, b) => (parseTime((a as Any).lastTimestamp) ?? 0) - (parseTime((b as Any).lastTimestamp) ?? 0),
  );
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const ev of sorted as Any[]) {
    let first = since(ev.eventTime, now);
    if (parseTime(ev.eventTime) === undefined) first = since(ev.firstTimestamp, now);
    let interval: string;
    if (ev.series) interval = `${since(ev.series.lastObservedTime, now)} (x${num(ev.series.count)} over ${first})`;
    else if (num(ev.count) > 1) interval = `${since(ev.lastTimestamp, now)} (x${num(ev.count)} over ${first})`;
    else interval = first;
    const source = str(obj(ev.source).component) || str(ev.reportingComponent);
    let message = str(ev.message).trim();
    const fieldPath = str(obj(ev.involvedObject).fieldPath);
    if (fieldPath) message = `${fieldPath}: ${message}`;
    w.write(LEVEL_1, `${str(ev.type)}\t${str(ev.reason)}\t${interval}\t${source}\t${message}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Quantities

const ZERO: Quantity = { unscaled: 0n, scale: 0, format: 'DecimalSI' };

export function q(v: unknown): Quantity {
  if (typeof v === 'number') return parseQuantity(String(v));
  if (typeof v !== 'string' || v === '') return ZERO;
  try {
    return parseQuantity(v);
  } catch {
    return ZERO;
  }
}

export function qAdd(a: Quantity, b: Quantity): Quantity {
  if (a.unscaled === 0n) return b;
  if (b.unscaled === 0n) return a;
  const scale = Math.min(a.scale, b.scale);
  const ua = a.unscaled * 10n ** BigInt(a.scale - scale);
  const ub = b.unscaled * 10n ** BigInt(b.scale - scale);
  return { unscaled: ua + ub, scale, format: a.format };
}

export function qMax(a: Quantity, b: Quantity): Quantity {
  return qValue(a, -9) >= qValue(b, -9) ? a : b;
}

/** The value at a scale (e.g. -3 for MilliValue), rounded up as Quantity.ScaledValue does. */
export function qValue(a: Quantity, scale: number): bigint {
  const d = a.scale - scale;
  if (d >= 0) return a.unscaled * 10n ** BigInt(d);
  const div = 10n ** BigInt(-d);
  const r = a.unscaled / div;
  return a.unscaled % div === 0n ? r : a.unscaled > 0n ? r + 1n : r;
}

export function qString(a: Quantity): string {
  return formatQuantity(a);
}
