/**
 * Which worker script runs which host. Vite finds each `new Worker(new URL(...))` at build time and
 * bundles it as its own module worker, so every entry must be written out here literally. Each
 * dedicated entry carries only its component's code, so the workers load and parse in parallel
 * without each parsing the whole cluster.
 *
 * A host whose components have no dedicated entry runs in the generic host worker, which carries the
 * whole registry: a component added to workers/registry.ts shows up without touching this file.
 */
const DEDICATED: Record<string, () => Worker> = {
  etcd: () =>
    new Worker(new URL('../../../workers/etcd/etcd.worker.ts', import.meta.url), { type: 'module', name: 'etcd' }),
  'kube-apiserver': () =>
    new Worker(new URL('../../../workers/kube-apiserver/kube-apiserver.worker.ts', import.meta.url), {
      type: 'module',
      name: 'kube-apiserver',
    }),
  'kube-scheduler': () =>
    new Worker(new URL('../../../workers/kube-scheduler/kube-scheduler.worker.ts', import.meta.url), {
      type: 'module',
      name: 'kube-scheduler',
    }),
  'kube-controller-manager': () =>
    new Worker(new URL('../../../workers/kube-controller-manager/kube-controller-manager.worker.ts', import.meta.url), {
      type: 'module',
      name: 'kube-controller-manager',
    }),
  coredns: () =>
    new Worker(new URL('../../../workers/coredns/coredns.worker.ts', import.meta.url), {
      type: 'module',
      name: 'coredns',
    }),
};

/** The kinds a node's worker runs. */
const NODE_KINDS = new Set(['kubelet', 'containerd', 'kube-proxy']);

function nodeHost(): Worker {
  return new Worker(new URL('../../../workers/node.worker.ts', import.meta.url), { type: 'module', name: 'node' });
}

function genericHost(): Worker {
  return new Worker(new URL('../../../workers/host.worker.ts', import.meta.url), { type: 'module', name: 'host' });
}

/** Starts the worker for a host running components of these kinds. */
export function startHostWorker(kinds: readonly string[]): Worker {
  const only = kinds.length === 1 ? kinds[0] : undefined;
  const dedicated = only !== undefined ? DEDICATED[only] : undefined;
  if (dedicated) return dedicated();
  if (kinds.length > 0 && kinds.every((k) => NODE_KINDS.has(k))) return nodeHost();
  return genericHost();
}

export function startRelayWorker(): Worker {
  return new Worker(new URL('./worker/relay.worker.ts', import.meta.url), { type: 'module', name: 'relay' });
}
