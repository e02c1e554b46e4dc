/** Browser entry of the kube-scheduler worker. */
import { serveOnFirstPort } from '../../src/machinery/runtime/host.ts';
import { createKubeScheduler } from './scheduler.ts';

serveOnFirstPort(self, { 'kube-scheduler': createKubeScheduler });
