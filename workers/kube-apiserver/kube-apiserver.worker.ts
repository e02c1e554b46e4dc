/** Browser entry of the kube-apiserver worker: only the API server's code is loaded here. */
import { serveOnFirstPort } from '../../src/machinery/runtime/host.ts';
import { createKubeApiserver } from './apiserver.ts';

serveOnFirstPort(self, { 'kube-apiserver': createKubeApiserver });
