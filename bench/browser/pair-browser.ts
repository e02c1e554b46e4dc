/**
 * The browser relay benchmark, runnable on the page's main thread or in a worker: the bench flows
 * in Web Workers behind the real Relay, against the bare forwarder on a second set of Web Workers.
 */
import { portLink } from '../../src/machinery/bus/links.ts';
import { Relay } from '../../src/machinery/bus/relay.ts';
import type { Endpoint } from '../../src/machinery/runtime/host.ts';
import { BareForwarder, type BareMessage, type FlowLayout, hostSpecs } from '../lib/flows.ts';
import { measurePair, type PairOptions, type PairResult } from '../lib/pair.ts';

export interface BrowserParams {
  layout: FlowLayout;
  pair: PairOptions;
}

export interface BrowserResult extends PairResult {
  /** Where the relay and the forwarder ran. */
  thread: 'page' | 'worker';
  hardwareConcurrency: number;
  userAgent: string;
}

function relayHost(name: string): Worker {
  return new Worker(new URL('./relay-host.worker.ts', import.meta.url), { type: 'module', name });
}

function bareHost(name: string): Worker {
  return new Worker(new URL('./bare-host.worker.ts', import.meta.url), { type: 'module', name });
}

export async function runBrowserPair(p: BrowserParams): Promise<BrowserResult> {
  const { layout } = p;
  const relay = new Relay({ seed: 1 });
  for (let w = 0; w < layout.workers; w++) {
    await relay.addHost(
      `bench-w${w}`,
      () => {
        const worker = relayHost(`relay-w${w}`);
        return portLink(worker as unknown as Endpoint, () => worker.terminate());
      },
      hostSpecs(layout, w),
    );
  }
  const workers = Array.from({ length: layout.workers }, (_, w) => bareHost(`bare-w${w}`));
  const bare = new BareForwarder(workers, layout);
  for (const w of workers) w.onmessage = (ev: MessageEvent<BareMessage>) => bare.handle(ev.data);
  bare.boot(layout);
  try {
    const r = await measurePair(relay, bare, p.pair);
    return {
      ...r,
      thread: typeof window === 'undefined' ? 'worker' : 'page',
      hardwareConcurrency: navigator.hardwareConcurrency,
      userAgent: navigator.userAgent,
    };
  } finally {
    bare.shutdown();
    for (const w of workers) w.terminate();
    await relay.shutdown();
  }
}
