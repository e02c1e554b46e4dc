/** Every component kind the cluster can run, by the name a ComponentSpec uses. */

import { kernelOf } from '../src/machinery/net/kernel.ts';
import type { Registry } from '../src/machinery/runtime/component.ts';
import { createContainerd } from './containerd/containerd.ts';
import { createCoredns } from './coredns/coredns.ts';
import { createEtcd } from './etcd/etcd.ts';
import { createKubeApiserver } from './kube-apiserver/apiserver.ts';
import { createKubeControllerManager } from './kube-controller-manager/controller-manager.ts';
import { KubeProxy, type KubeProxyConfig } from './kube-proxy/kube-proxy.ts';
import { createKubeScheduler } from './kube-scheduler/scheduler.ts';
import { createKubelet } from './kubelet/kubelet.ts';

export const registry: Registry = {
  etcd: createEtcd,
  'kube-apiserver': createKubeApiserver,
  'kube-controller-manager': createKubeControllerManager,
  'kube-scheduler': createKubeScheduler,
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
  coredns: createCoredns,
};
