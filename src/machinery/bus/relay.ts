/**
 * The relay: the bus, and the cluster's clock.
 *
 * A discrete-event scheduler. Every message a component sends comes here; the relay checks its
 * route against the real architecture, stamps it with simulated time plus link latency and a
 * sequence number, and keeps it in a queue ordered by (time, sequence). A round takes every message
 * due at the earliest time, records each in the trace, hands each worker its share at once (so
 * workers run in parallel), and waits until every worker reports it is idle before time moves on.
 * Outputs are accepted in a fixed order, so the same seed and inputs give the same trace, byte for
 * byte, whichever thread finished first.
 */
import type { Registry } from '../runtime/component.ts';
import type { HostLink } from './links.ts';
import { inProcessLink } from './links.ts';
import {
  type Address,
  BUS,
  type ComponentSpec,
  type Envelope,
  type FromHost,
  type Outbound,
  TIMER_KIND,
} from './protocol.ts';
import { EnvelopeQueue } from './queue.ts';
import { checkRoute, EDGES } from './routes.ts';
import { type Checkpoint, Trace } from './trace.ts';

export type LatencyFn = (from: Address, to: Address, kind: string) => number;

/** Default link latencies in simulated ms: loopback on the control plane 1 ms, across nodes 2 ms. */
export const defaultLatency: LatencyFn = (from, to) => {
  if (from === to) return 0;
  const remote = from.includes('@') !== to.includes('@');
  return remote ? 2 : 1;
};

export type SpeedMode = { mode: 'max' } | { mode: 'realtime'; factor: number } | { mode: 'paused' };

export interface RelayOptions {
  seed: number;
  traceCapacity?: number;
  latency?: LatencyFn;
  edges?: typeof EDGES;
  /** A checkpoint every this many trace records. */
  checkpointEvery?: number;
  maxCheckpoints?: number;
  /** Real-time clock for real-time mode (wall ms). Injected so tests can fake it. */
  wallClock?: () => number;
}

/**
 * An external input (a command from the console, a gateway request, a fault, a single step),
 * kept for replay. Inputs are applied between rounds only, so `round` (rounds delivered before
 * it) and `at` (the clock then) say exactly where it fell: replaying the same inputs at the same
 * rounds on a cluster booted with the same seed gives the same trace.
 */
export interface Input {
  at: number;
  round: number;
  from: Address;
  to: Address;
  kind: string;
  summary: string;
  payload: unknown;
  /** The request's correlation id, when it was a request. */
  id?: number;
  /** Not a message: a fault (stop or start a component, kill a host) or a single step. */
  control?: { op: 'stop' | 'start' | 'kill'; target: string } | { op: 'step' };
}

interface HostEntry {
  name: string;
  spawn: () => HostLink;
  specs: ComponentSpec[];
  link: HostLink;
  restarts: number;
  dead: boolean;
  onReady?: { resolve: (outputs: Outbound[]) => void; reject: (e: Error) => void };
  onStarted?: (outputs: Outbound[]) => void;
  onAck?: (m: Extract<FromHost, { t: 'ack' }>) => void;
}

/** A participant living in the relay's own thread: the console's kubectl, a gateway, a test. */
export class Client {
  private nextId = 0;
  private pending = new Map<number, { resolve: (e: Envelope) => void; reject: (e: Error) => void }>();
  private listeners = new Set<(e: Envelope) => void>();

  constructor(
    readonly address: Address,
    private relay: Relay,
  ) {}

  /** After a replay: new requests must not reuse the ids the replayed ones had. */
  skipIds(past: number): void {
    if (past > this.nextId) this.nextId = past;
  }

  /** Sends a request and resolves with the reply envelope. */
  request<P = unknown>(to: Address, kind: string, payload: unknown, summary?: string): Promise<Envelope<P>> {
    const id = ++this.nextId;
    const p = new Promise<Envelope<P>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (e: Envelope) => void, reject });
    });
    this.relay.inject({ t: 'send', from: this.address, to, kind, id, summary: summary ?? kind, payload });
    return p;
  }

  send(to: Address, kind: string, payload: unknown, summary?: string): void {
    this.relay.inject({ t: 'send', from: this.address, to, kind, summary: summary ?? kind, payload });
  }

  /** Messages that are not replies to a pending request (watch events, streams). */
  onMessage(fn: (e: Envelope) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** @internal called by the relay during a round. */
  deliver(env: Envelope): void {
    if (env.re !== undefined) {
      const p = this.pending.get(env.re);
      if (p) {
        this.pending.delete(env.re);
        if (env.kind === BUS.refused) p.reject(new Error((env.payload as { reason: string }).reason));
        else p.resolve(env);
        return;
      }
    }
    for (const l of this.listeners) l(env);
  }
}

export class Relay {
  /** Simulated time, ms since boot. */
  now = 0;
  readonly trace: Trace;
  readonly inputs: Input[] = [];
  readonly checkpoints: Checkpoint[] = [];
  readonly stats = { delivered: 0, refused: 0, rounds: 0, crashes: 0 };
  private seq = 0;
  private round = 0;
  private queue = new EnvelopeQueue();
  private hosts: HostEntry[] = [];
  private where = new Map<Address, HostEntry>();
  private clients = new Map<Address, Client>();
  private durable = new Map<Address, unknown[]>();
  private persistListeners = new Set<(from: Address, record: unknown, replace: boolean) => void>();
  private cancelled = new Set<string>();
  /** Components that are stopped (a kubelet that was stopped, a node powered off). */
  private stopped = new Set<Address>();
  private latency: LatencyFn;
  private edges: typeof EDGES;
  private checkpointEvery: number;
  private maxCheckpoints: number;
  private lastCheckpoint = -1;
  private exclusive: Promise<unknown> = Promise.resolve();
  // free-running
  private speed: SpeedMode = { mode: 'paused' };
  private running = false;
  private wake: (() => void) | undefined;
  private wallBase = 0;
  private simBase = 0;
  private wallClock: () => number;
  private closed = false;

  constructor(readonly options: RelayOptions) {
    this.trace = new Trace(options.traceCapacity ?? 100_000);
    this.latency = options.latency ?? defaultLatency;
    this.edges = options.edges ?? EDGES;
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.maxCheckpoints = options.maxCheckpoints ?? 1000;
    this.wallClock = options.wallClock ?? (() => performance.now());
  }

  /** A component's durable records so far (etcd's write-ahead log), oldest first. */
  durableOf(address: Address): readonly unknown[] {
    return this.durable.get(address) ?? [];
  }

  /**
   * Follows durable records as they are written (`replace` when a record starts a new log, as a
   * snapshot does). Observers outside the cluster (the page's view of etcd) read state this way
   * without sending a single message.
   */
  onPersist(fn: (from: Address, record: unknown, replace: boolean) => void): () => void {
    this.persistListeners.add(fn);
    return () => this.persistListeners.delete(fn);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Addresses of every component, by host. */
  get topology(): { host: string; addresses: Address[]; restarts: number }[] {
    return this.hosts.map((h) => ({ host: h.name, addresses: h.specs.map((s) => s.address), restarts: h.restarts }));
  }

  /** Adds a host (a worker running one or more components) and boots it. */
  async addHost(name: string, spawn: () => HostLink, specs: ComponentSpec[]): Promise<void> {
    const entry: HostEntry = { name, spawn, specs, link: spawn(), restarts: 0, dead: false };
    for (const s of specs) {
      if (this.where.has(s.address) || this.clients.has(s.address)) throw new Error(`address ${s.address} is taken`);
      this.where.set(s.address, entry);
    }
    this.hosts.push(entry);
    await this.boot(entry);
  }

  /**
   * Adds several hosts at once: every worker starts booting at the same time (a browser's or
   * Node's workers load their code in parallel), and their first outputs are accepted in the
   * order given, exactly as if they had been added one after another.
   */
  async addHosts(list: { name: string; spawn: () => HostLink; specs: ComponentSpec[] }[]): Promise<void> {
    const entries = list.map(({ name, spawn, specs }) => {
      const entry: HostEntry = { name, spawn, specs, link: spawn(), restarts: 0, dead: false };
      for (const s of specs) {
        if (this.where.has(s.address) || this.clients.has(s.address)) throw new Error(`address ${s.address} is taken`);
        this.where.set(s.address, entry);
      }
      this.hosts.push(entry);
      return entry;
    });
    const outputs = await Promise.all(entries.map((e) => this.bootOutputs(e)));
    for (let i = 0; i < entries.length; i++) this.finishBoot(entries[i] as HostEntry, outputs[i] ?? []);
  }

  /** Convenience: a host in this thread. */
  addLocalHost(name: string, registry: Registry, specs: ComponentSpec[]): Promise<void> {
    return this.addHost(name, () => inProcessLink(registry), specs);
  }

  client(address: Address): Client {
    let c = this.clients.get(address);
    if (!c) {
      if (this.where.has(address)) throw new Error(`address ${address} is a component`);
      c = new Client(address, this);
      this.clients.set(address, c);
    }
    return c;
  }

  private wire(entry: HostEntry): void {
    entry.link.onMessage((m) => {
      if (m.t === 'ready') entry.onReady?.resolve(m.outputs);
      else if (m.t === 'started') entry.onStarted?.(m.outputs);
      else if (m.t === 'fatal') entry.onReady?.reject(new Error(m.error));
      else if (m.t === 'ack') entry.onAck?.(m);
    });
    entry.link.onExit((reason) => {
      entry.dead = true;
      if (entry.onAck)
        entry.onAck({ t: 'ack', round: -1, outputs: [], crash: { address: entry.name, error: reason, index: -1 } });
    });
  }

  private async boot(entry: HostEntry): Promise<void> {
    this.finishBoot(entry, await this.bootOutputs(entry));
  }

  /** Starts a host's components; resolves with what they sent while starting (not yet accepted). */
  private bootOutputs(entry: HostEntry): Promise<Outbound[]> {
    this.wire(entry);
    const durable: Record<Address, unknown[]> = {};
    for (const s of entry.specs) {
      const d = this.durable.get(s.address);
      if (d && entry.restarts > 0) durable[s.address] = d;
    }
    return new Promise<Outbound[]>((resolve, reject) => {
      entry.onReady = { resolve, reject };
      entry.link.post({ t: 'boot', seed: this.options.seed, components: entry.specs, durable, now: this.now });
    });
  }

  private finishBoot(entry: HostEntry, outputs: Outbound[]): void {
    entry.onReady = undefined;
    entry.dead = false;
    for (const o of outputs) this.accept(o);
  }

  isStopped(address: Address): boolean {
    return this.stopped.has(address);
  }

  /**
   * Stops one component, as stopping its process would: its memory and timers are gone, and a
   * message sent to it finds nobody listening (a request gets "connection refused").
   */
  stopComponent(address: Address): Promise<void> {
    const entry = this.where.get(address);
    if (!entry) return Promise.reject(new Error(`no component ${address}`));
    return this.serial(async () => {
      if (this.stopped.has(address)) return;
      this.control({ op: 'stop', target: address });
      this.stopped.add(address);
      entry.link.post({ t: 'stop', address });
      this.record(BUS.stopped, address, address, `${address} stopped`, {});
    });
  }

  /** Starts a stopped component as a new process (recovering from its durable records, if any). */
  startComponent(address: Address): Promise<void> {
    const entry = this.where.get(address);
    if (!entry) return Promise.reject(new Error(`no component ${address}`));
    return this.serial(async () => {
      if (!this.stopped.has(address)) return;
      this.control({ op: 'start', target: address });
      this.stopped.delete(address);
      const outputs = await new Promise<Outbound[]>((resolve) => {
        entry.onStarted = resolve;
        const durable = this.durable.get(address);
        entry.link.post(durable ? { t: 'start', address, durable } : { t: 'start', address });
      });
      entry.onStarted = undefined;
      this.record(BUS.started, address, address, `${address} started`, {});
      for (const o of outputs) this.accept(o);
    });
  }

  /**
   * Kills a host's worker, as `kill -9` would kill the process: its components lose their memory,
   * the relay notices the exit, records the crash and starts a fresh worker that recovers from its
   * durable records.
   */
  kill(hostName: string): Promise<void> {
    const entry = this.hosts.find((h) => h.name === hostName);
    if (!entry) return Promise.reject(new Error(`no host ${hostName}`));
    return this.serial(async () => {
      this.control({ op: 'kill', target: hostName });
      if (entry.link.kill) {
        entry.link.kill();
        // The exit is reported asynchronously; wait for it, then restart.
        while (!entry.dead) await new Promise<void>((r) => setTimeout(r, 5));
        await this.restart(entry, 'killed', entry.name);
      } else {
        entry.dead = true;
        await this.restart(entry, 'killed', entry.name);
      }
    });
  }

  private async restart(entry: HostEntry, error: string, address: Address): Promise<void> {
    this.stats.crashes++;
    this.record(BUS.crashed, address, address, `${address} crashed: ${error}`, { error });
    entry.link.terminate();
    entry.restarts++;
    entry.link = entry.spawn();
    await this.boot(entry);
    this.record(BUS.restarted, address, address, `${entry.name} restarted (${entry.restarts})`, {
      restarts: entry.restarts,
    });
  }

  /** Writes a bus-internal record to the trace (refusals, crashes, notes). */
  private record(kind: string, from: Address, to: Address, summary: string, payload: unknown): void {
    const seq = ++this.seq;
    this.trace.append({ seq, sent: this.now, at: this.now, from, to, kind, summary, payload });
  }

  /** An input from outside the cluster (a client in this thread): kept for replay, then accepted. */
  inject(o: Extract<Outbound, { t: 'send' }>): void {
    // An input that arrives while a round is out with the workers waits for the round to end, so
    // every input falls between two rounds and a replay can put it back in the same place.
    if (this.inRound) {
      this.deferred.push(o);
      return;
    }
    this.syncWallTime();
    const input: Input = {
      at: this.now,
      round: this.round,
      from: o.from,
      to: o.to,
      kind: o.kind,
      summary: o.summary,
      payload: o.payload,
    };
    if (o.id !== undefined) input.id = o.id;
    this.inputs.push(input);
    this.accept(o);
    this.wake?.();
  }

  private inRound = false;
  private deferred: Extract<Outbound, { t: 'send' }>[] = [];

  private flushDeferred(): void {
    this.inRound = false;
    const later = this.deferred.splice(0);
    for (const o of later) this.inject(o);
  }

  private control(c: NonNullable<Input['control']>): void {
    this.inputs.push({
      at: this.now,
      round: this.round,
      from: '',
      to: '',
      kind: `@input.${c.op}`,
      summary: '',
      payload: null,
      control: c,
    });
  }

  /**
   * Replays recorded inputs on this (freshly booted) relay at maximum speed, each at the round
   * and time it originally fell, until simulated time `until` (inputs after it are not applied).
   * Clients get their request ids moved past the replayed ones.
   */
  async replay(inputs: readonly Input[], until = Number.POSITIVE_INFINITY): Promise<void> {
    let i = 0;
    const apply = async (input: Input): Promise<void> => {
      if (input.at > this.now) this.now = input.at;
      const c = input.control;
      if (!c) {
        const o: Extract<Outbound, { t: 'send' }> = {
          t: 'send',
          from: input.from,
          to: input.to,
          kind: input.kind,
          summary: input.summary,
          payload: input.payload,
        };
        if (input.id !== undefined) {
          o.id = input.id;
          this.client(input.from).skipIds(input.id);
        }
        this.inject(o);
      } else if (c.op === 'stop') await this.stopComponent(c.target);
      else if (c.op === 'start') await this.startComponent(c.target);
      else if (c.op === 'kill') await this.kill(c.target);
      else if (c.op === 'step') await this.step();
    };
    for (;;) {
      const next = inputs[i];
      if (next && next.at <= until && next.round <= this.round) {
        i++;
        await apply(next);
        continue;
      }
      // Deliver rounds up to the next input's time (an input never falls before a due message).
      const limit = next && next.at <= until ? Math.min(next.at, until) : until;
      const more = await this.serial(() => this.deliverRound(limit, false));
      if (more) continue;
      if (!next || next.at > until) break;
      // Nothing due before the next input: the clock ran idle up to it.
      i++;
      await apply(next);
    }
    if (until !== Number.POSITIVE_INFINITY && until > this.now) this.now = until;
  }

  /** checkRoute, memoised by from, then to, then kind: the answer depends only on those. */
  private routes = new Map<Address, Map<Address, Map<string, ReturnType<typeof checkRoute>>>>();
  private routeCount = 0;

  private route(from: Address, to: Address, kind: string): ReturnType<typeof checkRoute> {
    let byTo = this.routes.get(from);
    if (!byTo) this.routes.set(from, (byTo = new Map()));
    let byKind = byTo.get(to);
    if (!byKind) byTo.set(to, (byKind = new Map()));
    let r = byKind.get(kind);
    if (!r) {
      r = checkRoute(from, to, kind, this.edges);
      if (this.routeCount < 50_000) {
        byKind.set(kind, r);
        this.routeCount++;
      }
    }
    return r;
  }

  /** Takes one outbound item from a host or client. */
  private accept(o: Outbound): void {
    switch (o.t) {
      case 'send': {
        const route = this.route(o.from, o.to, o.kind);
        if (!route.ok) {
          this.stats.refused++;
          this.record(BUS.refused, o.from, o.to, `refused ${o.kind}: ${route.reason}`, {
            kind: o.kind,
            reason: route.reason,
          });
          if (o.id !== undefined) {
            this.enqueue({
              seq: ++this.seq,
              sent: this.now,
              at: this.now,
              from: o.to,
              to: o.from,
              kind: BUS.refused,
              re: o.id,
              summary: route.reason,
              payload: { reason: route.reason },
            });
          }
          return;
        }
        const env: Envelope = {
          seq: ++this.seq,
          sent: this.now,
          at: this.now + this.latency(o.from, o.to, o.kind),
          from: o.from,
          to: o.to,
          kind: o.kind,
          summary: o.summary,
          payload: o.payload,
        };
        if (o.id !== undefined) env.id = o.id;
        if (o.re !== undefined) env.re = o.re;
        this.enqueue(env);
        return;
      }
      case 'timer':
        this.enqueue({
          seq: ++this.seq,
          sent: this.now,
          at: this.now + o.delay,
          from: o.from,
          to: o.from,
          kind: TIMER_KIND,
          summary: o.tag,
          payload: { timer: o.timer },
        });
        return;
      case 'cancel':
        this.cancelled.add(`${o.from}#${o.timer}`);
        return;
      case 'persist': {
        const log = o.replace ? [] : (this.durable.get(o.from) ?? []);
        log.push(o.record);
        this.durable.set(o.from, log);
        for (const l of this.persistListeners) l(o.from, o.record, o.replace === true);
        return;
      }
      case 'note':
        this.record(BUS.note, o.from, o.from, o.text, o.data ?? null);
        return;
    }
  }

  private enqueue(e: Envelope): void {
    this.queue.push(e);
  }

  /** Runs `fn` with no other round in progress. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(fn, fn);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /**
   * Delivers one round: every message due at the earliest time (at most `limit`), or only the
   * first when `single`. Returns false when nothing was due.
   */
  private async deliverRound(limit: number, single: boolean): Promise<boolean> {
    let head = this.queue.peek();
    // Skip cancelled timers without delivering or recording them.
    while (
      head &&
      head.kind === TIMER_KIND &&
      this.cancelled.has(`${head.to}#${(head.payload as { timer: number }).timer}`)
    ) {
      this.cancelled.delete(`${head.to}#${(head.payload as { timer: number }).timer}`);
      this.queue.pop();
      head = this.queue.peek();
    }
    if (!head || head.at > limit) return false;
    const t = head.at;
    this.now = Math.max(this.now, t);
    this.inRound = true;
    try {
      const perHost = new Map<HostEntry, Envelope[]>();
      const forClients: [Client, Envelope][] = [];
      while (head && head.at === t) {
        this.queue.pop();
        const timerKey = head.kind === TIMER_KIND ? `${head.to}#${(head.payload as { timer: number }).timer}` : '';
        if (timerKey && this.cancelled.has(timerKey)) {
          this.cancelled.delete(timerKey);
        } else {
          if (this.stopped.has(head.to)) {
            // Nobody is listening: timers die with the process, messages are refused.
            if (head.kind !== TIMER_KIND && !head.kind.startsWith('@')) {
              this.record(BUS.lost, head.from, head.to, `${head.kind} to ${head.to}: connection refused`, {
                kind: head.kind,
              });
              if (head.id !== undefined) {
                this.enqueue({
                  seq: ++this.seq,
                  sent: this.now,
                  at: this.now,
                  from: head.to,
                  to: head.from,
                  kind: BUS.refused,
                  re: head.id,
                  summary: 'connection refused',
                  payload: { reason: `dial ${head.to}: connect: connection refused` },
                });
              }
            }
            head = this.queue.peek();
            continue;
          }
          if (!head.kind.startsWith('@')) {
            this.trace.append(head);
            this.stats.delivered++;
          }
          const entry = this.where.get(head.to);
          if (entry) {
            let b = perHost.get(entry);
            if (!b) perHost.set(entry, (b = []));
            b.push(head);
          } else {
            const c = this.clients.get(head.to);
            if (c) forClients.push([c, head]);
            else this.record(BUS.lost, head.from, head.to, `no component at ${head.to}`, { kind: head.kind });
          }
          if (single) break;
        }
        head = this.queue.peek();
      }
      this.round++;
      this.stats.rounds++;
      const round = this.round;
      // Dead hosts come back before they are given work.
      for (const entry of perHost.keys()) {
        if (entry.dead) await this.restart(entry, 'worker exited', entry.name);
      }
      const acks = await Promise.all(
        [...perHost.entries()].map(
          ([entry, batch]) =>
            new Promise<[HostEntry, Envelope[], Extract<FromHost, { t: 'ack' }>]>((resolve) => {
              entry.onAck = (m) => {
                entry.onAck = undefined;
                resolve([entry, batch, m]);
              };
              entry.link.post({ t: 'deliver', round, now: this.now, batch });
            }),
        ),
      );
      for (const [c, env] of forClients) c.deliver(env);
      for (const [entry, batch, ack] of acks) {
        for (const o of ack.outputs) this.accept(o);
        if (ack.crash) {
          const { index, address, error } = ack.crash;
          if (index < 0) {
            for (const env of batch)
              this.record(BUS.lost, env.from, env.to, `lost with ${entry.name}: ${env.kind}`, { seq: env.seq });
          } else {
            // The message that crashed it is consumed; the rest of its batch goes to the new instance.
            for (const env of batch.slice(index + 1)) this.queue.push(env);
          }
          await this.restart(entry, error, address);
        }
      }
      if (this.trace.last - this.lastCheckpoint >= this.checkpointEvery) this.checkpoint();
    } finally {
      this.flushDeferred();
    }
    return true;
  }

  private checkpoint(): void {
    this.lastCheckpoint = this.trace.last;
    this.checkpoints.push({
      seq: this.trace.last,
      at: this.now,
      inputs: this.inputs.length,
      digest: this.trace.digest,
    });
    if (this.checkpoints.length > this.maxCheckpoints) this.checkpoints.shift();
  }

  /** Delivers exactly one message (single-step). Resolves with it, or undefined if none is queued. */
  step(): Promise<Envelope | undefined> {
    return this.serial(async () => {
      const before = this.trace.last;
      this.control({ op: 'step' });
      const ok = await this.deliverRound(Number.POSITIVE_INFINITY, true);
      if (!ok) return undefined;
      return this.trace.since(before, 1)[0];
    });
  }

  /** Runs every message due up to simulated time `t`, then sets the clock to `t`. */
  runUntil(t: number): Promise<void> {
    return this.serial(async () => {
      while (await this.deliverRound(t, false)) {}
      if (t > this.now) this.now = t;
    });
  }

  /** Advances the clock by `ms`, delivering everything due on the way. */
  advance(ms: number): Promise<void> {
    return this.runUntil(this.now + ms);
  }

  /**
   * Runs rounds until `done()` is true, the queue is empty, or simulated time would pass `maxTime`.
   * Used to wait for a reply at maximum speed. Returns whether `done()` became true.
   */
  runWhile(done: () => boolean, maxTime = Number.POSITIVE_INFINITY): Promise<boolean> {
    return this.serial(async () => {
      while (!done()) {
        if (!(await this.deliverRound(maxTime, false))) break;
      }
      return done();
    });
  }

  /** Waits for a promise while running the cluster at maximum speed. */
  async settle<T>(p: Promise<T>, maxTime = Number.POSITIVE_INFINITY): Promise<T> {
    let state: 'pending' | 'done' = 'pending';
    const tracked = p.finally(() => {
      state = 'done';
    });
    tracked.catch(() => undefined);
    // Let already-resolved promises settle before deciding there is work to do.
    await Promise.resolve();
    const ok = await this.runWhile(() => state === 'done', maxTime);
    if (!ok) throw new Error(`no reply by simulated time ${maxTime} ms (queue ${this.queue.size})`);
    return tracked;
  }

  // ---- free-running modes -------------------------------------------------------------------

  get mode(): SpeedMode {
    return this.speed;
  }

  setSpeed(s: SpeedMode): void {
    this.syncWallTime();
    this.speed = s;
    this.wallBase = this.wallClock();
    this.simBase = this.now;
    this.wake?.();
  }

  /** In real-time mode, moves `now` up to the wall-clock-mapped time (never past the next message). */
  private syncWallTime(): void {
    if (this.speed.mode !== 'realtime' || !this.running) return;
    const sim = this.simBase + (this.wallClock() - this.wallBase) * this.speed.factor;
    const head = this.queue.peek();
    const cap = head ? head.at : Number.POSITIVE_INFINITY;
    const t = Math.floor(Math.min(sim, cap));
    if (t > this.now) this.now = t;
  }

  /** Starts the free-running loop in the current mode. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.wallBase = this.wallClock();
    this.simBase = this.now;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    while (this.running && !this.closed) {
      const s = this.speed;
      if (s.mode === 'paused') {
        await this.sleep(1000);
        continue;
      }
      const head = this.queue.peek();
      if (s.mode === 'max') {
        if (!head) {
          await this.sleep(1000);
          continue;
        }
        await this.serial(() => this.deliverRound(Number.POSITIVE_INFINITY, false));
        continue;
      }
      const sim = this.simBase + (this.wallClock() - this.wallBase) * s.factor;
      if (!head || head.at > sim) {
        const wait = head ? Math.min(50, Math.max(1, (head.at - sim) / s.factor)) : 50;
        this.syncWallTime();
        await this.sleep(wait);
        continue;
      }
      await this.serial(() => this.deliverRound(sim, false));
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.stop();
    await this.exclusive;
    for (const h of this.hosts) {
      h.link.post({ t: 'shutdown' });
      h.link.terminate();
    }
  }
}
