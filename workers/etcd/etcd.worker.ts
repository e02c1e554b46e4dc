/**
 * Browser entry of the etcd worker. The page sends one message carrying this worker's end of a
 * MessageChannel whose other end belongs to the relay; from then on the host speaks the relay
 * protocol over that port (boot, deliver, ack), never over the worker's own message channel.
 */
import type { Endpoint } from '../../src/machinery/runtime/host.ts';
import { serveHost } from '../../src/machinery/runtime/host.ts';
import { createEtcd } from './etcd.ts';

self.addEventListener(
  'message',
  (ev: MessageEvent<{ t?: string; port?: MessagePort }>) => {
    const port = ev.data.port;
    if (ev.data.t !== 'wheelhouse.port' || !port) return;
    serveHost(port as Endpoint, { etcd: createEtcd });
    port.start();
  },
  { once: true },
);
