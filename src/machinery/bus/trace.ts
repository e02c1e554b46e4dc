/**
 * The trace: every message the relay delivered, refused or lost, in sequence order, kept in a ring
 * buffer so memory stays flat however long the cluster runs. Readers ask for everything since a
 * sequence number; what has been overwritten is reported as dropped.
 */
import type { Envelope } from './protocol.ts';

export type TraceRecord = Envelope;

/** A compact, serialisable mark in the trace from which the cluster can be replayed. */
export interface Checkpoint {
  seq: number;
  at: number;
  /** How many external inputs (commands, faults) had been injected by then. */
  inputs: number;
  /** Order-sensitive digest of every record up to and including `seq`. */
  digest: number;
}

export class Trace {
  private ring: (TraceRecord | undefined)[];
  private head = 0; // index of the next write
  private count = 0;
  private lastSeq = -1;
  private listeners = new Set<(r: TraceRecord) => void>();
  /** Rolling FNV-1a over seq, at, from, to, kind: identical runs have identical digests. */
  digest = 0x811c9dc5;

  private hashes = new Map<string, number>();

  private hashOf(s: string): number {
    let h = this.hashes.get(s);
    if (h === undefined) {
      h = fnv(0x811c9dc5, s);
      if (this.hashes.size < 100_000) this.hashes.set(s, h);
    }
    return h;
  }

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error(`trace capacity must be at least 1, got ${capacity}`);
    this.ring = new Array(capacity);
  }

  append(r: TraceRecord): void {
    this.ring[this.head] = r;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.lastSeq = r.seq;
    // Mix integers directly and each distinct string's cached hash: no string building per record.
    let h = this.digest;
    h = Math.imul(h ^ r.seq, 0x01000193) >>> 0;
    h = Math.imul(h ^ r.at, 0x01000193) >>> 0;
    h = Math.imul(h ^ this.hashOf(r.from), 0x01000193) >>> 0;
    h = Math.imul(h ^ this.hashOf(r.to), 0x01000193) >>> 0;
    h = Math.imul(h ^ this.hashOf(r.kind), 0x01000193) >>> 0;
    this.digest = h;
    for (const l of this.listeners) l(r);
  }

  get size(): number {
    return this.count;
  }

  get last(): number {
    return this.lastSeq;
  }

  /** Oldest sequence still held, or -1 when empty. */
  get first(): number {
    if (this.count === 0) return -1;
    const idx = (this.head - this.count + this.capacity) % this.capacity;
    return (this.ring[idx] as TraceRecord).seq;
  }

  /** Records with seq > `since`, oldest first. */
  since(since: number, limit = Number.POSITIVE_INFINITY): TraceRecord[] {
    const out: TraceRecord[] = [];
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count && out.length < limit; i++) {
      const r = this.ring[(start + i) % this.capacity] as TraceRecord;
      if (r.seq > since) out.push(r);
    }
    return out;
  }

  subscribe(fn: (r: TraceRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export function fnv(h: number, s: string): number {
  let x = h >>> 0;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x;
}
