/** Entry of a Node worker_thread that hosts cluster components (the headless twin of *.worker.ts). */
import { parentPort } from 'node:worker_threads';
import { registry } from '../../workers/registry.ts';
import type { Endpoint } from '../machinery/runtime/host.ts';
import { serveHost } from '../machinery/runtime/host.ts';

if (!parentPort) throw new Error('thread-host.ts must run in a worker_thread');
serveHost(parentPort as unknown as Endpoint, registry);
