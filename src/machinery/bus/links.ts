/**
 * How the relay reaches a host: in the same thread, or over a message port to a worker. The relay
 * does not care which; determinism does not depend on it.
 */
import type { Registry } from '../runtime/component.ts';
import { type Endpoint, Host } from '../runtime/host.ts';
import { copyMessage } from './copy.ts';
import type { FromHost, ToHost } from './protocol.ts';

export { copyMessage };

export interface HostLink {
  post(m: ToHost): void;
  onMessage(cb: (m: FromHost) => void): void;
  /** Called when the host's thread dies (not when a component throws: that is an ack with crash). */
  onExit(cb: (reason: string) => void): void;
  terminate(): void;
  /** Kills the host's thread as a crash would, so that the exit is reported (fault injection). */
  kill?(): void;
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
