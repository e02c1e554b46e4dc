/**
 * Measures the relay against the bare forwarder on the same flows, interleaved so that both see the
 * same machine noise: warm-up windows for each, then `reps` pairs of windows (relay, bare), each
 * reporting messages per second. Runs wherever `performance.now` and `setTimeout` exist (Node's
 * main thread, a browser page or a Web Worker).
 */
import type { Relay } from '../../src/machinery/bus/relay.ts';
import type { BareForwarder } from './flows.ts';

export interface PairOptions {
  warmupMs: number;
  windowMs: number;
  reps: number;
}

export const DEFAULT_PAIR: PairOptions = { warmupMs: 1000, windowMs: 1500, reps: 5 };

export interface PairResult {
  relay: number[];
  bare: number[];
  /** Messages per round in the relay windows. */
  relayBatch: number[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One relay window: rounds at maximum speed until the wall-clock deadline. */
export async function relayWindow(
  relay: Pick<Relay, 'stats' | 'runWhile'>,
  ms: number,
): Promise<{ rate: number; batch: number }> {
  const d0 = relay.stats.delivered;
  const r0 = relay.stats.rounds;
  const t0 = performance.now();
  const end = t0 + ms;
  await relay.runWhile(() => performance.now() >= end);
  const t1 = performance.now();
  const delivered = relay.stats.delivered - d0;
  const rounds = relay.stats.rounds - r0;
  return { rate: (delivered / (t1 - t0)) * 1000, batch: rounds > 0 ? delivered / rounds : 0 };
}

/** One bare window: forwarding on, wait, forwarding off. */
export async function bareWindow(bare: BareForwarder, ms: number): Promise<number> {
  const c0 = bare.forwarded;
  const t0 = performance.now();
  bare.resume();
  await sleep(ms);
  const n = bare.forwarded - c0;
  const t1 = performance.now();
  bare.pause();
  // Let in-flight messages land in the held queue before the next window starts.
  await sleep(50);
  return (n / (t1 - t0)) * 1000;
}

export async function measurePair(relay: Relay, bare: BareForwarder, o: PairOptions): Promise<PairResult> {
  await relayWindow(relay, o.warmupMs);
  await bareWindow(bare, o.warmupMs);
  const out: PairResult = { relay: [], bare: [], relayBatch: [] };
  for (let i = 0; i < o.reps; i++) {
    // Alternate which goes first so a slow patch of the machine does not always hit the same side.
    const first = i % 2 === 0;
    if (!first) out.bare.push(await bareWindow(bare, o.windowMs));
    const r = await relayWindow(relay, o.windowMs);
    out.relay.push(r.rate);
    out.relayBatch.push(r.batch);
    if (first) out.bare.push(await bareWindow(bare, o.windowMs));
  }
  return out;
}

/**
 * The best of several throughput samples. On a shared machine, noise only ever slows a window
 * down, so the fastest window is the closest estimate of what the code itself can do.
 */
export function best(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : Math.max(...xs);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
