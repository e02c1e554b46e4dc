/**
 * The relay's priority queue: a binary min-heap of envelopes ordered by (delivery time, sequence).
 * Equal times keep send order, so delivery is deterministic.
 */
import type { Envelope } from './protocol.ts';

function before(a: Envelope, b: Envelope): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class EnvelopeQueue {
  private heap: Envelope[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): Envelope | undefined {
    return this.heap[0];
  }

  push(e: Envelope): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Envelope;
      if (!before(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  pop(): Envelope | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(h[r] as Envelope, h[l] as Envelope)) c = r;
      const child = h[c] as Envelope;
      if (!before(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }

  /** Removes every envelope matching `drop` (used to cancel timers). O(n), rare. */
  remove(drop: (e: Envelope) => boolean): number {
    const kept = this.heap.filter((e) => !drop(e));
    const removed = this.heap.length - kept.length;
    if (removed > 0) {
      this.heap = [];
      for (const e of kept) this.push(e);
    }
    return removed;
  }

  /** A copy of the contents in delivery order (for checkpoints and inspection). */
  toSortedArray(): Envelope[] {
    return [...this.heap].sort((a, b) => (before(a, b) ? -1 : 1));
  }
}
