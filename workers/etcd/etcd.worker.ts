/** Browser entry of the etcd worker: only etcd's code is loaded here. */
import { serveOnFirstPort } from '../../src/machinery/runtime/host.ts';
import { createEtcd } from './etcd.ts';

serveOnFirstPort(self, { etcd: createEtcd });
