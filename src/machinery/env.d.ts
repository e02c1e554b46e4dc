/**
 * The few host facilities shared (non-UI) code may use, declared here so that the core compiles
 * without DOM or Node typings. Components must not use the timers or clocks: lint forbids it;
 * only the relay and hosts (the clock's implementation) do.
 */
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
declare function setTimeout(handler: () => void, timeout?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare const performance: { now(): number };
declare const console: {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
};
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  decode(input?: Uint8Array): string;
}
declare class MessageChannel {
  readonly port1: { onmessage: ((ev: { data: unknown }) => void) | null; close(): void };
  readonly port2: { postMessage(message: unknown): void };
}
