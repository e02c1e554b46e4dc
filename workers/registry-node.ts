/** The components a node runs (one worker per node in the browser): kubelet, containerd, kube-proxy. */
import { kernelOf } from '../src/machinery/net/kernel.ts';
import type { Registry } from '../src/machinery/runtime/component.ts';
import { createContainerd } from './containerd/containerd.ts';
import { KubeProxy, type KubeProxyConfig } from './kube-proxy/kube-proxy.ts';
import { createKubelet } from './kubelet/kubelet.ts';

export const nodeRegistry: Registry = {
  kubelet: createKubelet,
  containerd: createContainerd,
  'kube-proxy': (spec) => {
    const kp = new KubeProxy(spec.config as KubeProxyConfig);
    // What kube-proxy last wrote is what the node's kernel holds; the node's pods' packets meet it
    // (src/machinery/net/kernel.ts). A ruleset too big for the trace note is read from the proxier.
    kernelOf(spec.config)?.setSource(() =>
      kp.lastSync ? (kp.lastSync.ruleset ?? kp.proxier.currentRules()) : undefined,
    );
    return kp;
  },
};
