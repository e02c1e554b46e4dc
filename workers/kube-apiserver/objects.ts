/** Small helpers on API objects used across kube-apiserver. */
import type { KObject, ObjectMeta } from '../../src/machinery/api/types.ts';
import { copyMessage } from '../../src/machinery/bus/copy.ts';

export function meta(obj: KObject): ObjectMeta {
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj.metadata;
}

/** A deep copy (structuredClone's result, made faster for the plain JSON trees objects are). */
export function clone<T>(v: T): T {
  return copyMessage(v);
}

/** Deep equality of JSON values (key order ignored; a member set to undefined counts as absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k of Object.keys(ao)) {
    const v = ao[k];
    if (v === undefined) continue;
    na++;
    if (!jsonEqual(v, bo[k])) return false;
  }
  let nb = 0;
  for (const k of Object.keys(bo)) if (bo[k] !== undefined) nb++;
  return na === nb;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A v4 UUID from a seeded random source. */
export function uuid(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(rand() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b];
  }
  return s;
}

/** apiserver's name generator: base (truncated to 58) + 5 chars from `bcdfghjklmnpqrstvwxz2456789`. */
export function generateName(base: string, rand: (n: number) => number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[rand(alphabet.length)];
  return `${base.length > 58 ? base.slice(0, 58) : base}${suffix}`;
}
