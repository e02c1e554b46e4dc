/**
 * The control protocol between the page and the relay worker, carried by comlink.
 *
 * Only low-rate control travels here: boot, speed, step, console commands, and trace batches
 * pushed to the page at most every ~50 ms. Cluster traffic never does: it goes as plain envelopes
 * over the MessagePorts between the relay and the component workers, because it must be recorded.
 *
 * This file is shared by the page (DOM) and the relay worker (WebWorker), so it holds types and
 * constants only, and touches no global of either.
 */

import type { Input } from '../../machinery/bus/relay.ts';
import type { Fault } from '../../machinery/cluster/faults.ts';
import type { World } from '../../machinery/view/world.ts';

export type { Fault, World };

/** The speeds the time controls offer, as the page names them. */
export const SPEEDS = ['0.1', '0.5', '1', '2', '10', 'max'] as const;
export type SpeedChoice = (typeof SPEEDS)[number];
export const DEFAULT_SPEED: SpeedChoice = '1';

/** The relay's clock modes (the same shape as Relay.setSpeed takes). */
export type RelaySpeed = { mode: 'max' } | { mode: 'realtime'; factor: number } | { mode: 'paused' };

export function relaySpeed(playing: boolean, speed: SpeedChoice): RelaySpeed {
  if (!playing) return { mode: 'paused' };
  if (speed === 'max') return { mode: 'max' };
  return { mode: 'realtime', factor: Number(speed) };
}

/** One trace record as the page sees it: the envelope without its payload. */
export interface TraceRow {
  /**
   * Position in the trace, counted from boot: the order of delivery. (`seq` is the order messages
   * were sent, and a message sent earlier can be delivered later.)
   */
  n: number;
  seq: number;
  /** Simulated ms at which it was sent. */
  sent: number;
  /** Simulated ms at which it was delivered (or recorded). */
  at: number;
  from: string;
  to: string;
  kind: string;
  summary: string;
}

export type HostPhase = 'booting' | 'running' | 'stopped' | 'failed';

/** A host (one Web Worker) and the components it runs. */
export interface HostView {
  host: string;
  addresses: string[];
  kinds: string[];
  phase: HostPhase;
  restarts: number;
  /** Addresses stopped by a fault (a stopped kubelet, a node powered off). */
  stopped?: string[];
}

export interface ClockView {
  /** Simulated ms since boot. */
  now: number;
  /** Messages queued in the relay, waiting for their delivery time (or for Step). */
  pending: number;
  mode: RelaySpeed['mode'];
}

/** Which rows the message log wants; '' matches anything. */
export interface LogFilter {
  /** An address: rows sent by it or to it. */
  component: string;
  kind: string;
}

export const NO_FILTER: LogFilter = { component: '', kind: '' };

export function matchesFilter(r: TraceRow, f: LogFilter): boolean {
  return (f.component === '' || r.from === f.component || r.to === f.component) && (f.kind === '' || r.kind === f.kind);
}

/**
 * What a message is, for the canvas's colours: an API request or response, a watch event, an
 * etcd read or write, a CRI call, a kubelet API call (logs, exec), DNS, a kube-proxy rules sync.
 */
export type FlowClass =
  | 'api'
  | 'watch'
  | 'etcd-read'
  | 'etcd-write'
  | 'cri'
  | 'kubelet'
  | 'dns'
  | 'pod'
  | 'sync'
  | 'other';

export const FLOW_CLASSES: readonly FlowClass[] = [
  'api',
  'watch',
  'etcd-read',
  'etcd-write',
  'cri',
  'kubelet',
  'dns',
  'pod',
  'sync',
  'other',
];

/** The class of a message kind (`api.watch.event` → watch; `etcd.range.result` → etcd-read). */
export function flowClass(kind: string, from: string, to: string): FlowClass | undefined {
  if (from === to) return kind === '@bus.note' && from.startsWith('kube-proxy@') ? 'sync' : undefined;
  if (kind === 'api.watch.event' || kind === 'etcd.watch.event') return 'watch';
  if (kind.startsWith('api.')) return 'api';
  if (kind.startsWith('etcd.range') || kind.startsWith('etcd.watch')) return 'etcd-read';
  if (kind.startsWith('etcd.')) return 'etcd-write';
  if (kind.startsWith('cri.')) return 'cri';
  if (kind.startsWith('kubelet.')) return 'kubelet';
  if (kind.startsWith('dns.')) return 'dns';
  if (kind.startsWith('net.')) return 'pod';
  if (kind.startsWith('@bus.')) return undefined;
  return 'other';
}

/**
 * Messages that travelled one edge in one direction during a batch, for the canvas: a single
 * message when the cluster is stepped or slow, a count when it is fast (one packet then stands
 * for many, so the page stays smooth).
 */
export interface Flow {
  from: string;
  to: string;
  cls: FlowClass;
  count: number;
  /** Trace position of the first message it stands for. */
  n: number;
  /** The first message's summary (shown on hover and to screen readers). */
  summary: string;
}

/** The most flows one batch carries. */
export const BATCH_MAX_FLOWS = 400;

/** What the relay worker pushes to the page, at most every ~50 ms and only when something changed. */
export interface Batch {
  /** New rows that match the log's filter, oldest first. */
  rows: TraceRow[];
  /** The rows replace what the page holds: the filter changed, and these are the newest that match. */
  reset?: boolean;
  /** Records that happened but were not sent because a single batch is capped. */
  skipped: number;
  clock: ClockView;
  /** Present when any host's status changed. */
  hosts?: HostView[];
  /** Every address and message kind seen so far (for the filters), when either grew. */
  addresses?: string[];
  kinds?: string[];
  /** Every message since the last batch, grouped by edge, direction and class. */
  flows?: Flow[];
  /** Messages per edge since boot ("a|b" with a < b → count), when any changed. */
  edgeCounts?: Record<string, number>;
  /** The cluster as etcd holds it, when etcd's revision moved. */
  world?: World;
  timeline?: TimelineView;
}

/** The most trace records one batch carries; the page keeps about this many anyway. */
export const BATCH_MAX_ROWS = 500;

/** The page's side of worker placement: it owns the Worker objects and the MessageChannels. */
export interface Spawner {
  /**
   * Starts a Web Worker for `host` (running components of `kinds`), gives it one end of a new
   * MessageChannel and returns the other end, transferred, for the relay. `generation` counts
   * the host's incarnations, so late reports about an old worker are recognised.
   */
  spawn(host: string, kinds: string[], generation: number): MessagePort | Promise<MessagePort>;
  /** Ends a worker the relay no longer wants (after a crash, or on shutdown). */
  terminate(host: string, generation: number): void;
  /** Kills a worker as a crash would; the page then reports the exit with hostExited. */
  kill(host: string, generation: number): void;
}

/** A reply to one console line. */
export type ConsoleReply =
  | { t: 'empty' }
  /** Printed output; `exit` is the tool's exit status. */
  | { t: 'output'; text: string; exit: number }
  /** A watch started; its events arrive through the watch callback under this id. */
  | { t: 'watching'; watch: number; text: string }
  /** The first word is not a tool this build has. */
  | { t: 'not-found'; command: string }
  /** A shell operator (pipe, redirect, ...) the console does not emulate. */
  | { t: 'shell-operator'; op: string };

/** Watch output: text as etcdctl prints it; `ended` when the watch was cancelled or closed. */
export type WatchCallback = (watch: number, text: string, ended: boolean) => void;

export interface BootOptions {
  seed: number;
  speed: RelaySpeed;
  /** Worker nodes besides the control-plane node (a kind cluster's `workers`); 2 unless set. */
  workers?: number;
  /** kube-proxy's mode (kind's `networking.kubeProxyMode`): iptables unless set. */
  proxyMode?: 'iptables' | 'ipvs';
  /** A saved session to come back to: its inputs are replayed on the new cluster up to its time. */
  restore?: SavedSession;
}

/**
 * What the page saves (in IndexedDB) to bring a cluster back after a reload: not the cluster's
 * memory but how to get there again — the seed, the size and every input with the round it fell
 * on. Replaying them on a fresh cluster gives the same cluster, message for message.
 */
export interface SavedSession {
  version: 1;
  seed: number;
  workers: number;
  inputs: Input[];
  /** Simulated ms the session had reached. */
  now: number;
}

/** Where the cluster is in its history, for the timeline. */
export interface TimelineView {
  /** The furthest simulated ms the recorded history reaches. */
  head: number;
  /** Inputs in the history (commands, faults, steps). */
  inputs: number;
  /** Set while a replay runs (the cluster is being rebuilt to a point in time). */
  replaying: boolean;
  /** Counts boots (a reset or a replay boots a new cluster); the page clears its views when it moves. */
  generation: number;
}

/** The most worker nodes the page boots (a URL can ask for fewer or more, up to this). */
export const MAX_PAGE_WORKERS = 100;

export interface BootResult {
  hosts: HostView[];
}

/** What the inspector asks about. */
export type InspectTarget =
  | { type: 'component'; address: string }
  | { type: 'pod'; namespace: string; name: string }
  | { type: 'node'; name: string }
  | { type: 'etcd'; prefix: string; key?: string }
  | { type: 'events' }
  | { type: 'walk'; source: string; destination: string; port?: number; protocol: 'tcp' | 'udp' | 'icmp' };

/** One Event object, as the events timeline shows it. */
export interface EventRow {
  /** Simulated ms (lastTimestamp, else eventTime, else creation). */
  at: number;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  source: string;
}

/** A node's iptables rules after kube-proxy's last sync, and what that sync changed. */
export interface RulesView {
  /** iptables-save output. */
  text: string;
  /** Simulated ms of the sync. */
  at: number;
  fullSync: boolean;
  /** `-A` lines the last sync added (highlighted) and the ones it removed (listed). */
  added: string[];
  removed: string[];
  syncs: number;
}

export interface EtcdKeyRow {
  key: string;
  createRevision: number;
  modRevision: number;
  version: number;
  size: number;
}

/** What the inspector shows for a target; fields present depend on the target. */
export interface Inspection {
  /** The object as `kubectl get -o yaml` prints it (pods and nodes). */
  yaml?: string;
  events?: EventRow[];
  /** The latest scheduling decision for a pod: the filter/score table. */
  decision?: import('../../../workers/kube-scheduler/decisions.ts').SchedulingDecision;
  rules?: RulesView;
  /** In IPVS mode: the node's virtual servers as `ipvsadm -Ln` prints them. */
  ipvs?: string;
  /** The newest messages sent or received by a component. */
  recent?: TraceRow[];
  /** A packet walk through the source node's rules (and the next node's, if it goes there). */
  walk?: import('../../machinery/net/trace-walk.ts').PacketWalkResult;
  /** Why the walk could not start (no such pod, no IP yet). */
  walkError?: string;
  etcd?: { revision: number; keys: EtcdKeyRow[]; truncated: boolean; value?: string; history?: EtcdKeyRow[] };
  missing?: boolean;
}

/** What the relay worker exposes. */
export interface RelayControl {
  boot(
    options: BootOptions,
    spawner: Spawner,
    onBatch: (b: Batch) => void,
    onWatch: WatchCallback,
  ): Promise<BootResult>;
  setSpeed(speed: RelaySpeed): void;
  /** From now on batches carry only matching rows, starting with the newest that match. */
  setLogFilter(filter: LogFilter): void;
  /** Delivers exactly one message; resolves with its trace row, or null when nothing is queued. */
  step(): Promise<TraceRow | null>;
  /**
   * Runs one console line: `kubectl ...` as the `kubectl` client, `etcdctl ...` as `etcdctl`,
   * `docker exec <node> ...` on a node, or, with `node` set, any command in that node's shell.
   */
  run(line: string, node?: string, stdin?: string): Promise<ConsoleReply>;
  cancelWatch(watch: number): Promise<void>;
  /** The session as it stands, to save. */
  session(): Promise<SavedSession>;
  /**
   * Rebuilds the cluster as it was at simulated ms `to` by replaying the recorded history on a
   * fresh cluster, and pauses there. Running on (or any new input) forks the history at that point.
   */
  rewind(to: number): Promise<void>;
  /** Throws the cluster away and boots a fresh one with no history. */
  reset(): Promise<void>;
  /** Reads what the inspector shows, from the etcd replica and the trace: sends no message. */
  inspect(target: InspectTarget): Promise<Inspection>;
  /** Kills a host's worker; the relay records the crash and restarts it. */
  kill(host: string): Promise<void>;
  /** Injects a fault: stop or start a component, power a node off or on. Resolves with what happened. */
  fault(f: Fault): Promise<string>;
  /** The page reports that a worker died (an uncaught error, or killed). */
  hostExited(host: string, generation: number, reason: string): void;
}
