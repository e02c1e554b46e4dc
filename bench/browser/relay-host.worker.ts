/** A Web Worker hosting the bench components behind the real host protocol. */
import type { Endpoint } from '../../src/machinery/runtime/host.ts';
import { serveHost } from '../../src/machinery/runtime/host.ts';
import { benchRegistry } from '../lib/flows.ts';

serveHost(self as unknown as Endpoint, benchRegistry);
