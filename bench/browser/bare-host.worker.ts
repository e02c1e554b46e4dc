/** A Web Worker hosting the bench components behind the bare forwarder's minimal context. */
import type { Endpoint } from '../../src/machinery/runtime/host.ts';
import { serveBare } from '../lib/flows.ts';

serveBare(self as unknown as Endpoint);
