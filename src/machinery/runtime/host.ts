/**
 * A host runs one or more components in one thread (a Web Worker, a Node worker_thread, or the
 * caller's own thread) and speaks the relay protocol: it receives a batch of envelopes, hands each
 * to its component, waits until every microtask has run (the component is idle), then returns all
 * outbound messages in one acknowledgement.
 */
import type { Address, ComponentSpec, Envelope, FromHost, Outbound, ToHost } from '../bus/protocol.ts';
import { TIMER_KIND } from '../bus/protocol.ts';
import {
  type Component,
  type Context,
  type Registry,
  type RequestOptions,
  RequestTimeout,
  RouteRefused,
} from './component.ts';
import { streamFor } from './rand.ts';

/** Anything that can carry messages: a Worker, a MessagePort, Node's parentPort. */
export interface Endpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

/** Resolves after the current macrotask, i.e. after every pending microtask has run. */
export function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => void };
  if (typeof g.setImmediate === 'function') {
    const si = g.setImmediate;
    return new Promise((r) => si(r));
  }
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(null);
  });
}

interface Pending {
  resolve: (e: Envelope) => void;
  reject: (e: Error) => void;
  timer?: number;
}

class ComponentRuntime {
  readonly ctx: Context;
  component!: Component;
  private nextId = 0;
  private nextTimer = 0;
  private pending = new Map<number, Pending>();
  private timers = new Map<number, () => void | Promise<void>>();

  constructor(
    readonly spec: ComponentSpec,
    host: Host,
    seed: number,
    incarnation: number,
  ) {
    const self = spec.address;
    const out = (o: Outbound) => host.outputs.push(o);
    const rng = streamFor(seed + incarnation * 7919, self);
    const rt = this;
    this.ctx = {
      self,
      now: () => host.now,
      send(to, kind, payload, summary) {
        out({ t: 'send', from: self, to, kind, summary: summary ?? kind, payload });
      },
      request<P>(to: Address, kind: string, payload: unknown, opts?: RequestOptions) {
        const id = ++rt.nextId;
        out({ t: 'send', from: self, to, kind, id, summary: opts?.summary ?? kind, payload });
        return new Promise<Envelope<P>>((resolve, reject) => {
          const p: Pending = { resolve: resolve as (e: Envelope) => void, reject };
          if (opts?.timeout !== undefined) {
            const after = opts.timeout;
            p.timer = this.setTimer(after, () => {
              rt.pending.delete(id);
              reject(new RequestTimeout(to, kind, after));
            });
          }
          rt.pending.set(id, p);
        });
      },
      reply(req, kind, payload, summary) {
        out({ t: 'send', from: self, to: req.from, kind, re: req.id ?? 0, summary: summary ?? kind, payload });
      },
      setTimer(delay, fn, tag) {
        const timer = ++rt.nextTimer;
        rt.timers.set(timer, fn);
        out({ t: 'timer', from: self, timer, delay: Math.max(0, delay), tag: tag ?? 'timer' });
        return timer;
      },
      clearTimer(timer) {
        if (rt.timers.delete(timer)) out({ t: 'cancel', from: self, timer });
      },
      rand: rng.next,
      randInt: rng.int,
      annotate(text, data) {
        out({ t: 'note', from: self, text, data });
      },
      persist(record, opts) {
        out({ t: 'persist', from: self, record, replace: opts?.replace ?? false });
      },
    };
  }

  /** Dispatches one envelope. Returns a promise when the handler is asynchronous. */
  dispatch(env: Envelope): void | Promise<void> {
    if (env.kind === TIMER_KIND) {
      const timer = (env.payload as { timer: number }).timer;
      const fn = this.timers.get(timer);
      if (!fn) return;
      this.timers.delete(timer);
      return fn();
    }
    if (env.re !== undefined && env.to === this.spec.address) {
      const p = this.pending.get(env.re);
      if (p) {
        this.pending.delete(env.re);
        if (p.timer !== undefined) this.ctx.clearTimer(p.timer);
        if (env.kind === '@bus.refused') p.reject(new RouteRefused((env.payload as { reason: string }).reason));
        else p.resolve(env);
        return;
      }
      if (env.kind.startsWith('@')) return;
    }
    if (env.kind.startsWith('@')) return;
    return this.component.receive(env, this.ctx);
  }
}

export class Host {
  now = 0;
  outputs: Outbound[] = [];
  private runtimes = new Map<Address, ComponentRuntime>();
  private failure: { address: Address; error: string; index: number } | undefined;
  private current: Address = '';
  private index = -1;

  constructor(
    private registry: Registry,
    private post: (m: FromHost) => void,
  ) {}

  handle(m: ToHost): void {
    switch (m.t) {
      case 'boot':
        this.boot(m.seed, m.components, m.durable, m.now);
        return;
      case 'deliver':
        void this.deliver(m.round, m.now, m.batch);
        return;
      case 'stop':
        this.runtimes.delete(m.address);
        return;
      case 'start':
        this.startOne(m.address, m.durable);
        return;
      case 'shutdown':
        this.runtimes.clear();
        return;
    }
  }

  private specs = new Map<Address, ComponentSpec>();
  private seed = 0;
  private incarnations = new Map<Address, number>();

  private startOne(address: Address, durable: unknown[] | undefined): void {
    const spec = this.specs.get(address);
    if (!spec) return;
    const factory = this.registry[spec.kind];
    const n = (this.incarnations.get(address) ?? 0) + 1;
    this.incarnations.set(address, n);
    const rt = new ComponentRuntime(spec, this, this.seed, n);
    this.outputs = [];
    try {
      rt.component = (factory as NonNullable<typeof factory>)(spec);
      this.runtimes.set(address, rt);
      this.current = address;
      if (durable && rt.component.recover) rt.component.recover(durable, rt.ctx);
      else rt.component.start?.(rt.ctx);
    } catch (e) {
      this.post({ t: 'fatal', error: errorText(e) });
      return;
    }
    const outputs = this.outputs;
    this.outputs = [];
    this.post({ t: 'started', address, outputs });
  }

  private boot(seed: number, specs: ComponentSpec[], durable: Record<Address, unknown[]>, now: number): void {
    this.now = now;
    this.seed = seed;
    for (const s of specs) this.specs.set(s.address, s);
    this.outputs = [];
    try {
      for (const spec of specs) {
        const factory = this.registry[spec.kind];
        if (!factory) throw new Error(`no component kind "${spec.kind}" in this worker`);
        const records = durable[spec.address];
        const rt = new ComponentRuntime(spec, this, seed, records ? 1 : 0);
        rt.component = factory(spec);
        this.runtimes.set(spec.address, rt);
        this.current = spec.address;
        if (records && rt.component.recover) rt.component.recover(records, rt.ctx);
        else rt.component.start?.(rt.ctx);
      }
    } catch (e) {
      this.post({ t: 'fatal', error: errorText(e) });
      return;
    }
    // Outputs produced while starting (first timers, registrations) go with the ready message.
    const outputs = this.outputs;
    this.outputs = [];
    this.post({ t: 'ready', outputs });
  }

  private fail(e: unknown): void {
    if (!this.failure) this.failure = { address: this.current, error: errorText(e), index: this.index };
  }

  private async deliver(round: number, now: number, batch: Envelope[]): Promise<void> {
    this.now = now;
    for (let i = 0; i < batch.length && !this.failure; i++) {
      const env = batch[i] as Envelope;
      const rt = this.runtimes.get(env.to);
      if (!rt) continue;
      this.current = env.to;
      this.index = i;
      try {
        const p = rt.dispatch(env);
        if (p && typeof (p as Promise<void>).then === 'function') {
          const addr = env.to;
          const idx = i;
          (p as Promise<void>).then(undefined, (e: unknown) => {
            if (!this.failure) this.failure = { address: addr, error: errorText(e), index: idx };
          });
        }
      } catch (e) {
        this.fail(e);
      }
    }
    await macrotask();
    const outputs = this.outputs;
    this.outputs = [];
    const ack: FromHost = { t: 'ack', round, outputs };
    if (this.failure) ack.crash = this.failure;
    this.post(ack);
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Serves a host over an endpoint: the body of every worker entry. */
export function serveHost(endpoint: Endpoint, registry: Registry): void {
  const host = new Host(registry, (m) => endpoint.postMessage(m));
  endpoint.addEventListener('message', (ev) => host.handle(ev.data as ToHost));
}

/** What a worker's global scope offers the port handshake (a Web Worker's `self`). */
export interface PortScope {
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void, options?: { once?: boolean }): void;
}

/**
 * A browser worker entry's whole job: the page sends one message carrying this worker's end of a
 * MessageChannel whose other end belongs to the relay; from then on the host speaks the relay
 * protocol over that port (boot, deliver, ack), never over the worker's own channel.
 */
export function serveOnFirstPort(scope: PortScope, registry: Registry): void {
  scope.addEventListener(
    'message',
    (ev) => {
      const { t, port } = (ev.data ?? {}) as { t?: string; port?: Endpoint & { start(): void } };
      if (t !== 'wheelhouse.port' || !port) return;
      serveHost(port, registry);
      port.start();
    },
    { once: true },
  );
}
