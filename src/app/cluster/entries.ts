/**
 * Which worker script runs which host. Vite finds each `new Worker(new URL(...))` at build time and
 * bundles it as its own module worker, so every entry must be written out here literally.
 *
 * A host whose components have no dedicated entry runs in the generic host worker, which carries the
 * whole registry: a component added to workers/registry.ts shows up without touching this file.
 */
const DEDICATED: Record<string, () => Worker> = {
  etcd: () =>
    new Worker(new URL('../../../workers/etcd/etcd.worker.ts', import.meta.url), { type: 'module', name: 'etcd' }),
};

function genericHost(): Worker {
  return new Worker(new URL('../../../workers/host.worker.ts', import.meta.url), { type: 'module', name: 'host' });
}

/** Starts the worker for a host running components of these kinds. */
export function startHostWorker(kinds: readonly string[]): Worker {
  const only = kinds.length === 1 ? kinds[0] : undefined;
  const dedicated = only !== undefined ? DEDICATED[only] : undefined;
  return dedicated ? dedicated() : genericHost();
}

export function startRelayWorker(): Worker {
  return new Worker(new URL('./worker/relay.worker.ts', import.meta.url), { type: 'module', name: 'relay' });
}
