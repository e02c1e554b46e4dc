/**
 * How the relay reaches a host: in the same thread, or over a message port to a worker. The relay
 * does not care which; determinism does not depend on it.
 */
import type { Registry } from '../runtime/component.ts';
import { type Endpoint, Host } from '../runtime/host.ts';
import type { FromHost, ToHost } from './protocol.ts';

export interface HostLink {
  post(m: ToHost): void;
  onMessage(cb: (m: FromHost) => void): void;
  /** Called when the host's thread dies (not when a component throws: that is an ack with crash). */
  onExit(cb: (reason: string) => void): void;
  terminate(): void;
  /** Kills the host's thread as a crash would, so that the exit is reported (fault injection). */
  kill?(): void;
}

/** Thrown inside copyMessage when a message is not a tree of plain data (it is then structured-cloned). */
const NOT_A_TREE = new Error('not a tree of plain data');
/** Deeper than this, a message is assumed to hold a cycle and goes to structuredClone. */
const MAX_DEPTH = 100;

function copyValue(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) {
    // structuredClone's DataCloneError for functions and symbols.
    if (typeof v === 'function' || typeof v === 'symbol') return structuredClone(v);
    return v;
  }
  if (depth > MAX_DEPTH) throw NOT_A_TREE;
  const proto = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const a = v as unknown[];
    const n = a.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      if (!(i in a)) throw NOT_A_TREE; // a hole: structuredClone keeps it
      out[i] = copyValue(a[i], depth + 1);
    }
    return out;
  }
  if (proto === Object.prototype || proto === null) {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in o) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: copyValue(o[k], depth + 1), enumerable: true, writable: true, configurable: true });
      else out[k] = copyValue(o[k], depth + 1);
    }
    return out;
  }
  // Typed arrays, Maps, Dates, class instances: exactly what structuredClone makes of them.
  return structuredClone(v);
}

/**
 * A copy of a message as structuredClone makes it, so that sender and receiver share nothing.
 * Messages are trees of plain objects, arrays and primitives, which a plain recursive copy copies
 * about ten times faster than structuredClone's serialise-then-deserialise; anything else (typed
 * arrays, Maps, class instances) is handed to structuredClone, and so is a message with a hole in
 * an array or nesting deep enough to be a cycle. One difference remains: an object reachable
 * twice in one message arrives as two equal copies instead of one shared copy.
 */
export function copyMessage<T>(m: T): T {
  try {
    return copyValue(m, 0) as T;
  } catch (e) {
    if (e === NOT_A_TREE) return structuredClone(m);
    throw e;
  }
}

/**
 * A host in the caller's thread. Messages are copied both ways (copyMessage), so components share
 * no objects with the relay or each other, exactly as across a worker boundary.
 */
export function inProcessLink(registry: Registry): HostLink {
  let listener: (m: FromHost) => void = () => {};
  let alive = true;
  const host = new Host(registry, (m) => {
    if (alive) listener(copyMessage(m));
  });
  return {
    post(m) {
      if (!alive) return;
      const copy = copyMessage(m);
      queueMicrotask(() => {
        if (alive) host.handle(copy);
      });
    },
    onMessage(cb) {
      listener = cb;
    },
    onExit() {},
    terminate() {
      alive = false;
    },
  };
}

/** A host at the other end of a port (a browser Worker, or a MessagePort to one). */
export function portLink(
  endpoint: Endpoint,
  terminate: () => void,
  watchExit?: (cb: (reason: string) => void) => void,
): HostLink {
  let listener: (m: FromHost) => void = () => {};
  endpoint.addEventListener('message', (ev) => listener(ev.data as FromHost));
  return {
    post: (m) => endpoint.postMessage(m),
    onMessage(cb) {
      listener = cb;
    },
    onExit(cb) {
      watchExit?.(cb);
    },
    terminate,
  };
}
