/** A benchmark worker_thread: the bench components behind the real host, or behind the bare one. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Endpoint } from '../src/machinery/runtime/host.ts';
import { serveHost } from '../src/machinery/runtime/host.ts';
import { benchRegistry, serveBare } from './lib/flows.ts';

if (!parentPort) throw new Error('node-host.ts must run in a worker_thread');
const endpoint = parentPort as unknown as Endpoint;
if ((workerData as { mode: string }).mode === 'bare') serveBare(endpoint);
else serveHost(endpoint, benchRegistry);
