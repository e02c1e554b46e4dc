/**
 * The relay worker: the bus and the cluster's clock, off the main thread.
 *
 * The page starts this worker, then calls boot() with a spawner. bootCluster plans the hosts from
 * the component registry and, for each, asks the page (through the spawner) for a Web Worker and a
 * MessagePort to it. From then on cluster traffic flows relay ⇄ component workers over those
 * ports; the page only receives trace batches (at most every ~50 ms, and only when something
 * changed) and talks to the relay with comlink control calls.
 */
import * as Comlink from 'comlink';
import { latestIpvsState, nodeToolOutput } from '../../../../workers/kube-proxy/node-views.ts';
import { registry } from '../../../../workers/registry.ts';
import { DEFAULT_EPOCH } from '../../../machinery/api/time.ts';
import type { Input, Relay } from '../../../machinery/bus/relay.ts';
import type { TraceRecord } from '../../../machinery/bus/trace.ts';
import { bootCluster } from '../../../machinery/cluster/cluster.ts';
import { applyFault } from '../../../machinery/cluster/faults.ts';
import { type ClusterConfig, planHosts } from '../../../machinery/cluster/topology.ts';
import { lastIptablesRuleset, type NodeShellEnv, runNodeShell } from '../../../machinery/nodeshell/index.ts';
import { EtcdReplica } from '../../../machinery/view/replica.ts';
import { EMPTY_WORLD, worldOf } from '../../../machinery/view/world.ts';
import {
  BATCH_MAX_FLOWS,
  BATCH_MAX_ROWS,
  type Batch,
  type BootResult,
  type ClockView,
  type Flow,
  flowClass,
  type LogFilter,
  matchesFilter,
  NO_FILTER,
  type RelayControl,
  type RelaySpeed,
  type SavedSession,
  type Spawner,
  type TimelineView,
  type TraceRow,
  type WatchCallback,
} from '../protocol.ts';
import { ConsoleSession } from './console-session.ts';
import { HostLinks } from './host-links.ts';
import { inspect } from './inspect.ts';

/** How often, at most, a batch goes to the page. */
const FLUSH_MS = 50;
/** After a full batch (a flood, at maximum speed) the next waits this long: the page keeps no more. */
const FLOOD_FLUSH_MS = 200;

function row(r: TraceRecord, n: number): TraceRow {
  return { n, seq: r.seq, sent: r.sent, at: r.at, from: r.from, to: r.to, kind: r.kind, summary: r.summary };
}

let relay: Relay | undefined;
let links: HostLinks | undefined;
let session: ConsoleSession | undefined;
let replica: EtcdReplica | undefined;
/** How often, at most, the world (objects from etcd) is recomputed for the page. */
const WORLD_MS = 150;

function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('the cluster has not booted');
  return v;
}

/**
 * Follows the trace and pushes what the message log shows to the page: rows matching the log's
 * filter, in batches, one batch in flight at a time. Filtering here, where the whole trace is,
 * means a filtered log still holds its last ~500 matching rows however busy the cluster is.
 */
class Pusher {
  private rows: TraceRow[] = [];
  private skipped = 0;
  private reset = false;
  private filter: LogFilter = NO_FILTER;
  /** Records seen since boot: the next record's position. */
  private count = 0;
  private addresses = new Set<string>(['etcdctl']);
  private kinds = new Set<string>();
  private namesChanged = true;
  private inFlight = false;
  private lastClock = '';
  private notBefore = 0;
  private flows = new Map<string, Flow>();
  private edgeCounts = new Map<string, number>();
  private countsChanged = false;
  private worldRev = -1;
  private worldAt = 0;
  private lastTimeline = '';
  /** While a replay rebuilds the cluster, messages are not animated (they are history). */
  quiet = false;

  /** A new cluster booted: everything the page holds about the old one is stale. */
  restart(): void {
    this.rows = [];
    this.skipped = 0;
    this.reset = true;
    this.count = 0;
    this.addresses = new Set(['etcdctl']);
    this.kinds.clear();
    this.namesChanged = true;
    this.flows.clear();
    this.edgeCounts.clear();
    this.countsChanged = true;
    this.worldRev = -1;
    this.worldAt = 0;
  }

  constructor(private send: (b: Batch) => unknown) {}

  /** Every trace record passes here, in trace order. */
  add(r: TraceRecord): void {
    const x = row(r, ++this.count);
    const cls = flowClass(r.kind, r.from, r.to);
    if (cls && !this.quiet) {
      const key = `${r.from}>${r.to}>${cls}`;
      const f = this.flows.get(key);
      if (f) f.count++;
      else if (this.flows.size < BATCH_MAX_FLOWS)
        this.flows.set(key, { from: r.from, to: r.to, cls, count: 1, n: this.count, summary: r.summary });
      // Beyond the cap a batch's further edges are not animated (the counts below still grow).
      if (r.from !== r.to) {
        const edge = r.from < r.to ? `${r.from}|${r.to}` : `${r.to}|${r.from}`;
        this.edgeCounts.set(edge, (this.edgeCounts.get(edge) ?? 0) + 1);
        this.countsChanged = true;
      }
    }
    this.note(x.from);
    this.note(x.to);
    if (!this.kinds.has(x.kind)) {
      this.kinds.add(x.kind);
      this.namesChanged = true;
    }
    if (!matchesFilter(x, this.filter)) return;
    this.rows.push(x);
    // Keep memory flat at maximum speed while the page is busy: only the newest rows matter.
    if (this.rows.length > 2 * BATCH_MAX_ROWS) {
      const drop = this.rows.length - BATCH_MAX_ROWS;
      this.rows = this.rows.slice(drop);
      this.skipped += drop;
    }
  }

  note(address: string): void {
    if (this.addresses.has(address)) return;
    this.addresses.add(address);
    this.namesChanged = true;
  }

  /** A new filter: the next batch replaces the page's rows with the newest that match. */
  setFilter(filter: LogFilter, trace: readonly TraceRecord[]): void {
    this.filter = { ...filter };
    const first = this.count - trace.length + 1;
    const matching: TraceRow[] = [];
    for (let i = trace.length - 1; i >= 0 && matching.length < BATCH_MAX_ROWS; i--) {
      const x = row(trace[i] as TraceRecord, first + i);
      if (matchesFilter(x, filter)) matching.push(x);
    }
    this.rows = matching.reverse();
    this.skipped = 0;
    this.reset = true;
  }

  flush(): void {
    if (this.inFlight || performance.now() < this.notBefore) return;
    const clock: ClockView = relay
      ? { now: relay.now, pending: relay.pending, mode: relay.mode.mode }
      : { now: 0, pending: 0, mode: 'paused' };
    const clockKey = `${clock.now}|${clock.pending}|${clock.mode}`;
    const hosts = links?.takeChanged();
    for (const h of hosts ?? []) for (const a of h.addresses) this.note(a);
    let world: Batch['world'];
    const now = performance.now();
    if (replica && replica.revision !== this.worldRev && now - this.worldAt >= WORLD_MS) {
      this.worldRev = replica.revision;
      this.worldAt = now;
      world = worldOf(replica, DEFAULT_EPOCH + (relay?.now ?? 0));
    } else if (!replica && this.worldRev !== -2) {
      this.worldRev = -2;
      world = EMPTY_WORLD;
    }
    const tl = timeline();
    const tlKey = JSON.stringify(tl);
    const timelineChanged = tlKey !== this.lastTimeline;
    if (
      !timelineChanged &&
      this.rows.length === 0 &&
      !hosts &&
      !this.reset &&
      !this.namesChanged &&
      clockKey === this.lastClock &&
      this.flows.size === 0 &&
      !world
    )
      return;
    let rows = this.rows;
    let skipped = this.skipped;
    if (rows.length > BATCH_MAX_ROWS) {
      skipped += rows.length - BATCH_MAX_ROWS;
      rows = rows.slice(-BATCH_MAX_ROWS);
    }
    const batch: Batch = { rows, skipped, clock };
    if (this.reset) batch.reset = true;
    if (hosts) batch.hosts = hosts;
    if (world) batch.world = world;
    if (timelineChanged) {
      batch.timeline = tl;
      this.lastTimeline = tlKey;
    }
    if (this.flows.size > 0) {
      batch.flows = [...this.flows.values()];
      this.flows.clear();
    }
    if (this.countsChanged) {
      batch.edgeCounts = Object.fromEntries(this.edgeCounts);
      this.countsChanged = false;
    }
    if (this.namesChanged) {
      batch.addresses = [...this.addresses].sort();
      batch.kinds = [...this.kinds].sort();
    }
    this.rows = [];
    this.skipped = 0;
    this.reset = false;
    this.namesChanged = false;
    this.lastClock = clockKey;
    this.notBefore = rows.length >= BATCH_MAX_ROWS ? performance.now() + FLOOD_FLUSH_MS : 0;
    this.inFlight = true;
    Promise.resolve(this.send(batch))
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = false;
      });
  }
}

let pusher: Pusher | undefined;

/** The recorded history the timeline scrubs through, and how far it reaches. */
let history: Input[] = [];
let head = 0;
/** Set after a rewind: the cluster stands at a past point and the history after it is kept. */
let scrubbed = false;
let replaying = false;
let generation = 0;
let config: ClusterConfig = { seed: 1, workers: 2 };
let speed: RelaySpeed = { mode: 'paused' };
let bootChain: Promise<unknown> = Promise.resolve();
let page: { spawner: Spawner; onWatch: WatchCallback } | undefined;
let stopTrace: (() => void) | undefined;

function timeline(): TimelineView {
  if (relay && !scrubbed && !replaying) {
    history = relay.inputs;
    head = Math.max(head, relay.now);
  }
  return { head, inputs: history.length, replaying, generation };
}

/** The run forks here: whatever the history held after this point is gone. */
function fork(): void {
  if (!scrubbed || !relay) return;
  scrubbed = false;
  history = relay.inputs;
  head = relay.now;
}

/**
 * Boots a cluster (after shutting down the current one), optionally replaying inputs on it up to
 * simulated ms `until` at maximum speed, then runs it at the current speed.
 */
async function start(replay?: { inputs: readonly Input[]; until: number }): Promise<void> {
  const p = need(page);
  const l = need(links);
  const push = need(pusher);
  if (relay) {
    const old = relay;
    relay = undefined;
    replica?.dispose();
    replica = undefined;
    session = undefined;
    stopTrace?.();
    await old.shutdown();
  }
  generation++;
  l.reset();
  l.plan(planHosts(config, Object.keys(registry)));
  push.restart();
  replaying = replay !== undefined;
  const cluster = await bootCluster(config, (plan) => l.link(plan), registry, {}, { replaying: replaying });
  const r = cluster.relay;
  relay = r;
  for (const rec of r.trace.since(-1)) push.add(rec);
  stopTrace = r.trace.subscribe((rec) => push.add(rec)) as (() => void) | undefined;
  replica = new EtcdReplica(r);
  const epoch = DEFAULT_EPOCH;
  session = new ConsoleSession(
    r,
    p.onWatch,
    async (node, argv) => {
      const crictl = r.client(`crictl@${node}`);
      const env: NodeShellEnv = {
        node,
        epoch,
        now: () => epoch + r.now,
        cri: async (method, payload) =>
          (await crictl.request(`containerd@${node}`, method, payload, `crictl ${method.replace(/^cri\./, '')}`))
            .payload,
        iptablesRestoreInput: () => lastIptablesRuleset(r.trace, node),
        // In IPVS mode kube-proxy's state is in its sync notes; in iptables mode there is none.
        ipvsadm: (args) => {
          const a = nodeToolOutput(r.trace.since(-1), node, args.includes('--stats') ? 'ipvsadm-stats' : 'ipvsadm');
          return a.status === 200 && latestIpvsState(r.trace.since(-1), node).state ? a.text : undefined;
        },
        ipset: () => {
          const a = nodeToolOutput(r.trace.since(-1), node, 'ipset');
          return a.status === 200 && a.text !== '' ? a.text : undefined;
        },
        nodes: () =>
          replica
            ? worldOf(replica, epoch + r.now).nodes.map((n) => ({
                name: n.name,
                ip: n.internalIP,
                podCIDR: n.podCIDR,
              }))
            : [],
      };
      return runNodeShell(argv, env);
    },
    () => (replica ? worldOf(replica, epoch + r.now).nodes.map((n) => n.name) : []),
    `console-${generation}`,
  );
  if (replay) {
    push.quiet = true;
    try {
      await r.replay(replay.inputs, replay.until);
    } finally {
      push.quiet = false;
      replaying = false;
    }
  }
  r.setSpeed(speed);
  r.start();
}

/** Runs boots one after another: a rewind asked for during a replay waits for it. */
function serially(fn: () => Promise<void>): Promise<void> {
  const run = bootChain.then(fn, fn);
  bootChain = run.catch(() => undefined);
  return run;
}

const api: RelayControl = {
  async boot(options, spawner, onBatch, onWatch): Promise<BootResult> {
    if (page) throw new Error('the cluster has already booted');
    page = { spawner, onWatch };
    config = { seed: options.seed, workers: options.workers ?? 2 };
    if (options.proxyMode) config.proxyMode = options.proxyMode;
    speed = options.speed;
    links = new HostLinks(spawner);
    const p = new Pusher(onBatch);
    pusher = p;
    setInterval(() => p.flush(), FLUSH_MS);
    const saved = options.restore;
    if (saved && saved.seed === config.seed && saved.workers === config.workers) {
      await serially(() => start({ inputs: saved.inputs, until: saved.now }));
    } else await serially(() => start());
    return { hosts: need(links).hosts };
  },

  async session(): Promise<SavedSession> {
    const r = need(relay);
    return { version: 1, seed: config.seed ?? 1, workers: config.workers ?? 2, inputs: [...r.inputs], now: r.now };
  },

  rewind(to) {
    return serially(async () => {
      timeline();
      const frozen = history;
      const until = Math.max(0, Math.min(to, head));
      const past = speed;
      speed = { mode: 'paused' };
      try {
        await start({ inputs: frozen, until });
      } finally {
        speed = past.mode === 'paused' ? past : { mode: 'paused' };
      }
      history = frozen;
      scrubbed = true;
    });
  },

  reset() {
    return serially(async () => {
      history = [];
      head = 0;
      scrubbed = false;
      await start();
    });
  },

  setSpeed(next) {
    speed = next;
    if (next.mode !== 'paused') fork();
    need(relay).setSpeed(next);
  },

  setLogFilter(filter) {
    need(pusher).setFilter(filter, need(relay).trace.since(-1));
  },

  async step() {
    fork();
    const env = await need(relay).step();
    return env ? row(env, 0) : null;
  },

  run(line, node, stdin) {
    fork();
    return need(session).run(line, node, stdin);
  },

  async cancelWatch(watch) {
    need(session).cancel(watch);
  },

  async inspect(target) {
    return inspect(need(relay), need(replica), DEFAULT_EPOCH, target);
  },

  kill(host) {
    fork();
    return need(relay).kill(host);
  },

  async fault(f) {
    fork();
    const r = need(relay);
    const what = await applyFault(r, f);
    links?.setStopped((a) => r.isStopped(a));
    return what;
  },

  hostExited(host, generation, reason) {
    links?.exited(host, generation, reason);
  },
};

Comlink.expose(api, self);
