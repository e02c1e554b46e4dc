/**
 * The relay throughput workload, shared by the Node and the browser benchmarks.
 *
 * W hosts. Each host runs one server (`kube-apiserver@wN`, answers every `api.ping` with an
 * `api.pong` carrying the same payload) and C clients (`kubelet@wN-cM`), each keeping K requests in
 * flight against the server of the next host, so every message crosses a thread boundary and the
 * load is symmetric. The addresses sit on a real edge (kubelet ↔ kube-apiserver, kinds `api.*`), so
 * the relay's route check runs as it does for cluster traffic.
 *
 * The same components run under two drivers:
 * - the relay: `serveHost` in each worker, the real `Relay` on the driving thread;
 * - the bare forwarder: `serveBare` in each worker (a minimal context that posts every outbound
 *   message at once) and `BareForwarder` on the driving thread (looks up the destination and
 *   re-posts; no clock, no queue, no trace, no batching).
 * The bench code itself never reads timers in components; only the drivers measure wall time.
 */
import type { Address, ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import type { Component, Context, Registry } from '../../src/machinery/runtime/component.ts';
import type { Endpoint } from '../../src/machinery/runtime/host.ts';

export interface FlowLayout {
  /** Worker threads (hosts). */
  workers: number;
  /** Client components per worker. */
  clientsPerWorker: number;
  /** Requests each client keeps in flight. */
  inflight: number;
}

export const DEFAULT_LAYOUT: FlowLayout = { workers: 2, clientsPerWorker: 4, inflight: 64 };

export function flowCount(l: FlowLayout): number {
  return l.workers * l.clientsPerWorker * l.inflight;
}

interface PingerConfig {
  server: Address;
  inflight: number;
}

/** A request body about the size of a small API GET (≈120 bytes once cloned). */
function body(client: Address, n: number) {
  return { verb: 'GET', path: `/api/v1/namespaces/default/pods/${client}-${n}`, n };
}

/** Keeps `inflight` requests going: every reply triggers the next request. */
export const pinger = (spec: ComponentSpec): Component => {
  const cfg = spec.config as PingerConfig;
  let n = 0;
  const fire = (ctx: Context): void => {
    const i = ++n;
    void ctx.request(cfg.server, 'api.ping', body(ctx.self, i)).then(() => fire(ctx));
  };
  return {
    start(ctx) {
      for (let i = 0; i < cfg.inflight; i++) fire(ctx);
    },
    receive() {},
  };
};

/** Answers every ping with a pong carrying the same payload. */
export const echo = (): Component => ({
  receive(env: Envelope, ctx: Context) {
    if (env.kind === 'api.ping') ctx.reply(env, 'api.pong', env.payload);
  },
});

export const benchRegistry: Registry = { 'bench-pinger': pinger, 'bench-echo': echo };

export function serverOf(w: number): Address {
  return `kube-apiserver@w${w}`;
}

/** The components of host `w`. */
export function hostSpecs(l: FlowLayout, w: number): ComponentSpec[] {
  const specs: ComponentSpec[] = [{ kind: 'bench-echo', address: serverOf(w) }];
  for (let c = 0; c < l.clientsPerWorker; c++) {
    const config: PingerConfig = { server: serverOf((w + 1) % l.workers), inflight: l.inflight };
    specs.push({ kind: 'bench-pinger', address: `kubelet@w${w}-c${c}`, config });
  }
  return specs;
}

// ---- the bare forwarder ---------------------------------------------------------------------

/** What a bare worker posts: the relay's `send` outbound shape, unstamped. */
export interface BareMessage {
  from: Address;
  to: Address;
  kind: string;
  id?: number;
  re?: number;
  summary: string;
  payload: unknown;
}

export type BareControl = { t: 'boot'; components: ComponentSpec[] } | { t: 'shutdown' };

/**
 * The body of a bare worker: the same components behind a minimal context. Every outbound message
 * is posted the moment it is produced; every inbound message is dispatched the moment it arrives.
 */
export function serveBare(endpoint: Endpoint, registry: Registry = benchRegistry): void {
  const components = new Map<
    Address,
    { component: Component; ctx: Context; pending: Map<number, (e: Envelope) => void> }
  >();
  const unsupported = (): never => {
    throw new Error('not available in the bare forwarder benchmark');
  };
  const make = (spec: ComponentSpec) => {
    const self = spec.address;
    const pending = new Map<number, (e: Envelope) => void>();
    let nextId = 0;
    const post = (m: BareMessage) => endpoint.postMessage(m);
    const ctx: Context = {
      self,
      now: () => 0,
      send(to, kind, payload, summary) {
        post({ from: self, to, kind, summary: summary ?? kind, payload });
      },
      request<P>(to: Address, kind: string, payload: unknown, opts?: { summary?: string }) {
        const id = ++nextId;
        post({ from: self, to, kind, id, summary: opts?.summary ?? kind, payload });
        return new Promise<Envelope<P>>((resolve) => pending.set(id, resolve as (e: Envelope) => void));
      },
      reply(req, kind, payload, summary) {
        post({ from: self, to: req.from, kind, re: req.id ?? 0, summary: summary ?? kind, payload });
      },
      setTimer: unsupported,
      clearTimer: unsupported,
      rand: unsupported,
      randInt: unsupported,
      annotate: unsupported,
      persist: unsupported,
    };
    const factory = registry[spec.kind];
    if (!factory) throw new Error(`no component kind "${spec.kind}"`);
    return { component: factory(spec), ctx, pending };
  };
  endpoint.addEventListener('message', (ev) => {
    const m = ev.data as BareMessage | BareControl;
    if ('t' in m) {
      if (m.t === 'boot') {
        for (const spec of m.components) components.set(spec.address, make(spec));
        for (const c of components.values()) c.component.start?.(c.ctx);
      } else components.clear();
      return;
    }
    const c = components.get(m.to);
    if (!c) return;
    if (m.re !== undefined) {
      const resolve = c.pending.get(m.re);
      if (resolve) {
        c.pending.delete(m.re);
        resolve(m as Envelope);
        return;
      }
    }
    void c.component.receive(m as Envelope, c.ctx);
  });
}

/**
 * The driving thread's side of the bare baseline: forwards each message to the worker hosting its
 * destination, one postMessage per message, as it arrives. While paused it holds messages (so the
 * flows survive between measurement windows) and releases them on resume.
 */
export class BareForwarder {
  forwarded = 0;
  private paused = true;
  private held: BareMessage[] = [];
  private where = new Map<Address, number>();

  constructor(
    private ports: { postMessage(m: unknown): void }[],
    layout: FlowLayout,
  ) {
    for (let w = 0; w < layout.workers; w++) for (const s of hostSpecs(layout, w)) this.where.set(s.address, w);
  }

  /** Boots every worker's components. Their first requests arrive (and are held) right after. */
  boot(layout: FlowLayout): void {
    this.ports.forEach((p, w) => {
      p.postMessage({ t: 'boot', components: hostSpecs(layout, w) } satisfies BareControl);
    });
  }

  handle = (m: BareMessage): void => {
    if (this.paused) {
      this.held.push(m);
      return;
    }
    const w = this.where.get(m.to);
    if (w === undefined) return;
    this.forwarded++;
    (this.ports[w] as { postMessage(m: unknown): void }).postMessage(m);
  };

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const m of held) this.handle(m);
  }

  /** Messages currently held while paused (every flow is parked here between windows). */
  get parked(): number {
    return this.held.length;
  }

  shutdown(): void {
    this.pause();
    for (const p of this.ports) p.postMessage({ t: 'shutdown' } satisfies BareControl);
  }
}
