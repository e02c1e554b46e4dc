/** Browser entry of the kube-controller-manager worker. */
import { serveOnFirstPort } from '../../src/machinery/runtime/host.ts';
import { createKubeControllerManager } from './controller-manager.ts';

serveOnFirstPort(self, { 'kube-controller-manager': createKubeControllerManager });
