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

import type { Fault } from '../../machinery/cluster/faults.ts';

export type { Fault };

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
}

export interface BootResult {
  hosts: HostView[];
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
  /** Runs one console line (`etcdctl ...`) as the `etcdctl` client on the bus. */
  run(line: string): Promise<ConsoleReply>;
  cancelWatch(watch: number): Promise<void>;
  /** Kills a host's worker; the relay records the crash and restarts it. */
  kill(host: string): Promise<void>;
  /** Injects a fault: stop or start a component, power a node off or on. Resolves with what happened. */
  fault(f: Fault): Promise<string>;
  /** The page reports that a worker died (an uncaught error, or killed). */
  hostExited(host: string, generation: number, reason: string): void;
}
