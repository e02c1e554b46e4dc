/**
 * Relay throughput in Node: the bench flows in worker_threads behind the real Relay, against the
 * bare forwarder on a second, identical set of worker_threads. Both sets stay up for the whole run;
 * the one not being measured is idle (the relay is between rounds, the forwarder holds messages).
 */
import { Worker } from 'node:worker_threads';
import type { HostLink } from '../src/machinery/bus/links.ts';
import type { FromHost } from '../src/machinery/bus/protocol.ts';
import { Relay } from '../src/machinery/bus/relay.ts';
import { BareForwarder, type BareMessage, type FlowLayout, hostSpecs } from './lib/flows.ts';
import { measurePair, type PairOptions, type PairResult } from './lib/pair.ts';

const entry = new URL('./node-host.mjs', import.meta.url);

function spawn(name: string, mode: 'relay' | 'bare'): Worker {
  return new Worker(entry, { name, workerData: { mode } });
}

/** Like src/headless/threads.ts's threadLink, with the bench entry. */
function benchLink(name: string): HostLink & { worker: Worker } {
  const w = spawn(name, 'relay');
  let listener: (m: FromHost) => void = () => {};
  let exit: (reason: string) => void = () => {};
  let terminated = false;
  w.on('message', (m: FromHost) => listener(m));
  w.on('error', (e) => {
    if (!terminated) exit(`worker error: ${e.message}`);
  });
  w.on('exit', (code) => {
    if (!terminated) exit(`worker exited with code ${code}`);
  });
  return {
    worker: w,
    post: (m) => w.postMessage(m),
    onMessage(cb) {
      listener = cb;
    },
    onExit(cb) {
      exit = cb;
    },
    terminate() {
      terminated = true;
      void w.terminate();
    },
  };
}

export async function bootRelay(layout: FlowLayout, relay = new Relay({ seed: 1 })): Promise<Relay> {
  for (let w = 0; w < layout.workers; w++)
    await relay.addHost(`bench-w${w}`, () => benchLink(`relay-w${w}`), hostSpecs(layout, w));
  return relay;
}

export async function bootBare(layout: FlowLayout): Promise<{ bare: BareForwarder; workers: Worker[] }> {
  const workers = Array.from({ length: layout.workers }, (_, w) => spawn(`bare-w${w}`, 'bare'));
  // Wait until every thread has loaded its modules, so the first window does not pay for it.
  await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
  const bare = new BareForwarder(workers, layout);
  for (const w of workers) w.on('message', (m: BareMessage) => bare.handle(m));
  bare.boot(layout);
  return { bare, workers };
}

export async function nodeRelayBench(layout: FlowLayout, o: PairOptions): Promise<PairResult> {
  const relay = await bootRelay(layout);
  const { bare, workers } = await bootBare(layout);
  try {
    return await measurePair(relay, bare, o);
  } finally {
    bare.shutdown();
    await relay.shutdown();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
