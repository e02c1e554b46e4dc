/**
 * The relay's own cost per message, with no threads and no structured clone: the same flows, but
 * each host is a synthetic link that answers a batch at once (on a microtask) with precomputed
 * outputs. What is left is the relay itself: route checks, stamping, the heap, the trace and its
 * digest, per-round bookkeeping. Its inverse is the relay's per-message budget on the driving
 * thread, the ceiling for any worker placement.
 */
import type { HostLink } from '../src/machinery/bus/links.ts';
import type { Envelope, FromHost, Outbound, ToHost } from '../src/machinery/bus/protocol.ts';
import { Relay } from '../src/machinery/bus/relay.ts';
import { type FlowLayout, hostSpecs } from './lib/flows.ts';
import { relayWindow } from './lib/pair.ts';

/** A host that runs the bench flows' logic inline: pong for every ping, a new ping for every pong. */
export function syntheticLink(layout: FlowLayout, w: number): HostLink {
  let listener: (m: FromHost) => void = () => {};
  const specs = hostSpecs(layout, w);
  const payload = { verb: 'GET', path: '/api/v1/namespaces/default/pods/p', n: 0 };
  let nextId = 0;
  const ping = (from: string, to: string): Outbound => ({
    t: 'send',
    from,
    to,
    kind: 'api.ping',
    id: ++nextId,
    summary: 'api.ping',
    payload,
  });
  const answer = (batch: Envelope[]): Outbound[] => {
    const out: Outbound[] = [];
    for (const e of batch) {
      if (e.kind === 'api.ping')
        out.push({ t: 'send', from: e.to, to: e.from, kind: 'api.pong', re: e.id ?? 0, summary: 'api.pong', payload });
      else if (e.kind === 'api.pong') out.push(ping(e.to, e.from));
    }
    return out;
  };
  return {
    post(m: ToHost) {
      queueMicrotask(() => {
        if (m.t === 'boot') {
          const outputs: Outbound[] = [];
          for (const s of specs) {
            const server = (s.config as { server?: string } | undefined)?.server;
            if (server) for (let i = 0; i < layout.inflight; i++) outputs.push(ping(s.address, server));
          }
          listener({ t: 'ready', outputs });
        } else if (m.t === 'deliver') listener({ t: 'ack', round: m.round, outputs: answer(m.batch) });
      });
    },
    onMessage(cb) {
      listener = cb;
    },
    onExit() {},
    terminate() {},
  };
}

/** `makeRelay` lets a candidate relay (same API) be measured against the current one in one process. */
type CoreRelay = Pick<Relay, 'stats' | 'runWhile' | 'addHost' | 'shutdown'>;

export async function relayCoreBench(
  layout: FlowLayout,
  reps: number,
  windowMs: number,
  makeRelay: () => CoreRelay = () => new Relay({ seed: 1 }),
): Promise<number[]> {
  const relay = makeRelay();
  for (let w = 0; w < layout.workers; w++)
    await relay.addHost(`core-w${w}`, () => syntheticLink(layout, w), hostSpecs(layout, w));
  await relayWindow(relay, 500);
  const rates: number[] = [];
  for (let i = 0; i < reps; i++) rates.push((await relayWindow(relay, windowMs)).rate);
  await relay.shutdown();
  return rates;
}
