/**
 * The actor contract. A component is plain TypeScript logic: it receives messages and acts only
 * through the injected context. It never reads wall-clock time, real timers or Math.random, so the
 * same component runs unchanged in a browser Web Worker, a Node worker_thread or in-process, and
 * the same seed and inputs always give the same trace.
 */
import type { Address, ComponentSpec, Envelope } from '../bus/protocol.ts';

export interface RequestOptions {
  /** Simulated milliseconds after which the request fails with a RequestTimeout. */
  timeout?: number;
  /** One line for the message log; defaults to the kind. */
  summary?: string;
}

export class RequestTimeout extends Error {
  constructor(
    readonly to: Address,
    readonly kind: string,
    readonly after: number,
  ) {
    super(`request ${kind} to ${to} timed out after ${after}ms`);
    this.name = 'RequestTimeout';
  }
}

export class RouteRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RouteRefused';
  }
}

export interface Context {
  /** This component's bus address. */
  readonly self: Address;
  /** Simulated time in milliseconds since the cluster booted. */
  now(): number;
  /** Fire-and-forget message. */
  send(to: Address, kind: string, payload: unknown, summary?: string): void;
  /** A request; resolves with the reply envelope (whatever its payload says). */
  request<P = unknown>(to: Address, kind: string, payload: unknown, opts?: RequestOptions): Promise<Envelope<P>>;
  /** Answers a request envelope. */
  reply(req: Envelope, kind: string, payload: unknown, summary?: string): void;
  /** Calls `fn` after `delay` simulated ms. Returns an id for clearTimer. */
  setTimer(delay: number, fn: () => void | Promise<void>, tag?: string): number;
  clearTimer(id: number): void;
  /** Seeded random in [0, 1). Each component has its own stream. */
  rand(): number;
  /** Seeded random integer in [0, n). */
  randInt(n: number): number;
  /** Adds a line to the trace without sending anything. */
  annotate(text: string, data?: unknown): void;
  /**
   * Appends a record to this component's durable storage (its "disk"), kept by the relay's side
   * so it survives a crash of the worker. With `replace`, the record replaces everything before it
   * (a snapshot). Records are handed to `recover` after a restart.
   */
  persist(record: unknown, opts?: { replace?: boolean }): void;
}

export interface Component {
  /** Called once on a fresh boot. */
  start?(ctx: Context): void;
  /** Called instead of start when the component is restarted after a crash. */
  recover?(records: unknown[], ctx: Context): void;
  /** Handles one message. May return a promise; a rejection counts as a crash. */
  receive(env: Envelope, ctx: Context): void | Promise<void>;
}

export type ComponentFactory = (spec: ComponentSpec) => Component;
export type Registry = Record<string, ComponentFactory>;
