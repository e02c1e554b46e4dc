/**
 * The bus protocol: the one shape every message between cluster components takes.
 *
 * Components never call each other. A component hands an outbound message to its host, the host
 * hands it to the relay, and the relay stamps it with simulated time and a sequence number,
 * records it in the trace and delivers it. Everything here is plain, structured-clone-safe data.
 */
export const PROTOCOL_VERSION = 1;

/**
 * A bus address. Control-plane components are addressed by their binary name (`etcd`,
 * `kube-apiserver`); per-node agents by `<binary>@<node>` (`kubelet@kind-worker`); clients by
 * what they are (`kubectl`, `etcdctl`).
 */
export type Address = string;

/** A delivered (or deliverable) message. */
export interface Envelope<P = unknown> {
  /** Relay sequence number: unique, increasing in the order messages were accepted. */
  seq: number;
  /** Simulated milliseconds at which the message was sent. */
  sent: number;
  /** Simulated milliseconds at which it is (or was) delivered: `sent` plus link latency. */
  at: number;
  from: Address;
  to: Address;
  /** `<plane>.<verb>`, such as `etcd.put`, `etcd.put.result`, `timer`. */
  kind: string;
  /** Correlation id of a request, unique per sender. */
  id?: number;
  /** For a reply: the `id` of the request it answers. */
  re?: number;
  /** One human-readable line, for the message log and the canvas. */
  summary: string;
  payload: P;
}

/** What a host hands back to the relay after it has processed a batch and gone idle. */
export type Outbound =
  | {
      t: 'send';
      from: Address;
      to: Address;
      kind: string;
      id?: number;
      re?: number;
      summary: string;
      payload: unknown;
    }
  | { t: 'timer'; from: Address; timer: number; delay: number; tag: string }
  | { t: 'cancel'; from: Address; timer: number }
  | { t: 'persist'; from: Address; record: unknown; replace?: boolean }
  | { t: 'note'; from: Address; text: string; data?: unknown };

export interface ComponentSpec {
  /** Which factory builds it: `etcd`, `kube-apiserver`, ... */
  kind: string;
  address: Address;
  config?: unknown;
}

/** Relay → host. */
export type ToHost =
  | {
      t: 'boot';
      seed: number;
      components: ComponentSpec[];
      /** Durable records per address, for a component restarted after a crash. */
      durable: Record<Address, unknown[]>;
      now: number;
    }
  | { t: 'deliver'; round: number; now: number; batch: Envelope[] }
  /** Stops one component (its process dies; state and timers are gone). */
  | { t: 'stop'; address: Address }
  /** Starts a stopped component afresh (a new process), recovering from durable records if any. */
  | { t: 'start'; address: Address; durable?: unknown[] }
  | { t: 'shutdown' };

/** Host → relay. */
export type FromHost =
  | { t: 'ready'; outputs: Outbound[] }
  /** Answer to start: the component's first outputs. */
  | { t: 'started'; address: Address; outputs: Outbound[] }
  | {
      t: 'ack';
      round: number;
      outputs: Outbound[];
      /** Set when a component threw; the host is then unusable and must be restarted. */
      crash?: { address: Address; error: string; index: number };
    }
  | { t: 'fatal'; error: string };

/** Trace-only record kinds (never delivered to a component). */
export const BUS = {
  refused: '@bus.refused',
  crashed: '@bus.crashed',
  restarted: '@bus.restarted',
  stopped: '@bus.stopped',
  started: '@bus.started',
  lost: '@bus.lost',
  note: '@bus.note',
  injected: '@bus.injected',
} as const;

/** Kind of a timer firing: a component's message to itself. */
export const TIMER_KIND = 'timer';
