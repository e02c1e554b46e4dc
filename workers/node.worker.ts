/** Browser entry of a node's worker: kubelet, containerd and kube-proxy, and nothing else. */
import { serveOnFirstPort } from '../src/machinery/runtime/host.ts';
import { nodeRegistry } from './registry-node.ts';

serveOnFirstPort(self, nodeRegistry);
