/** Browser entry of the CoreDNS worker. */
import { serveOnFirstPort } from '../../src/machinery/runtime/host.ts';
import { createCoredns } from './coredns.ts';

serveOnFirstPort(self, { coredns: createCoredns });
