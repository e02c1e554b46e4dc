/**
 * Packets in flight on the canvas: every message flow the relay reports becomes a packet on its
 * edge for a moment. Kept outside React state (a small store with one subscription per edge), so
 * a burst of messages re-renders only the edges they travel.
 *
 * At human speeds each message is its own packet. When more arrive than can be followed, a packet
 * stands for several (its count is shown) and each edge keeps at most a few in flight, so the
 * page stays smooth at any rate.
 */
import type { Flow, FlowClass } from '../../cluster/protocol.ts';
import { edgeKey } from './layout.ts';

export interface Packet {
  id: number;
  /** True when it travels from the edge's `a` end to its `b` end. */
  from: string;
  cls: FlowClass;
  count: number;
  summary: string;
  born: number;
  dur: number;
}

/** Packets one edge shows at once; more are folded into the newest one's count. */
const PER_EDGE = 4;
/** Packets on the whole canvas at once. */
const TOTAL = 240;

export class PacketHub {
  private byEdge = new Map<string, Packet[]>();
  private listeners = new Map<string, Set<() => void>>();
  private next = 1;
  private total = 0;
  /** Packets delivered per class since the page loaded (for the legend). */
  readonly counts = new Map<FlowClass, number>();
  private pulses = new Map<string, number>();
  private pulseListeners = new Set<() => void>();

  subscribe(edge: string, fn: () => void): () => void {
    let set = this.listeners.get(edge);
    if (!set) {
      set = new Set();
      this.listeners.set(edge, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  get(edge: string): Packet[] | undefined {
    return this.byEdge.get(edge);
  }

  /** A component's self-messages (a kube-proxy sync) make it pulse; this is when it last did. */
  pulse(address: string): number {
    return this.pulses.get(address) ?? 0;
  }

  subscribePulses(fn: () => void): () => void {
    this.pulseListeners.add(fn);
    return () => this.pulseListeners.delete(fn);
  }

  add(flows: Flow[], drawn: Set<string>, now: number, dur: number): void {
    const touched = new Set<string>();
    let pulsed = false;
    for (const f of flows) {
      this.counts.set(f.cls, (this.counts.get(f.cls) ?? 0) + f.count);
      if (f.from === f.to) {
        this.pulses.set(f.from, now);
        pulsed = true;
        continue;
      }
      if (!drawn.has(f.from) || !drawn.has(f.to)) continue;
      const key = edgeKey(f.from, f.to);
      const list = this.byEdge.get(key) ?? [];
      const inFlight = list.filter((p) => now - p.born < p.dur * 0.5);
      if (inFlight.length >= PER_EDGE || this.total >= TOTAL) {
        // Fold into the newest packet going the same way, if it has not got far.
        const same = inFlight.findLast((p) => p.from === f.from && p.cls === f.cls);
        if (same) {
          same.count += f.count;
          touched.add(key);
          continue;
        }
        if (this.total >= TOTAL) continue;
      }
      list.push({ id: this.next++, from: f.from, cls: f.cls, count: f.count, summary: f.summary, born: now, dur });
      this.total++;
      this.byEdge.set(key, list);
      touched.add(key);
    }
    for (const k of touched) {
      const list = this.byEdge.get(k);
      if (list) this.byEdge.set(k, [...list]);
      for (const fn of this.listeners.get(k) ?? []) fn();
    }
    if (pulsed) for (const fn of this.pulseListeners) fn();
  }

  /** Drops packets that have arrived. */
  prune(now: number): void {
    for (const [k, list] of this.byEdge) {
      const keep = list.filter((p) => now - p.born < p.dur + 50);
      if (keep.length === list.length) continue;
      this.total -= list.length - keep.length;
      if (keep.length === 0) this.byEdge.delete(k);
      else this.byEdge.set(k, keep);
      for (const fn of this.listeners.get(k) ?? []) fn();
    }
  }
}
