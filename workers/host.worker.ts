/**
 * Browser entry of a generic host worker: it can run any component in the registry. The page uses
 * it for components that have no dedicated entry yet, so a component added to workers/registry.ts
 * appears in the browser without a new entry file. Same port handshake as etcd.worker.ts.
 */
import type { Endpoint } from '../src/machinery/runtime/host.ts';
import { serveHost } from '../src/machinery/runtime/host.ts';
import { registry } from './registry.ts';

self.addEventListener(
  'message',
  (ev: MessageEvent<{ t?: string; port?: MessagePort }>) => {
    const port = ev.data.port;
    if (ev.data.t !== 'wheelhouse.port' || !port) return;
    serveHost(port as Endpoint, registry);
    port.start();
  },
  { once: true },
);
