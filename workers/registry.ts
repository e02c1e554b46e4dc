/** Every component kind the cluster can run, by the name a ComponentSpec uses. */
import type { Registry } from '../src/machinery/runtime/component.ts';
import { createContainerd } from './containerd/containerd.ts';
import { createEtcd } from './etcd/etcd.ts';
import { createKubeApiserver } from './kube-apiserver/apiserver.ts';
import { createKubeControllerManager } from './kube-controller-manager/controller-manager.ts';
import { createKubeProxy } from './kube-proxy/kube-proxy.ts';
import { createKubeScheduler } from './kube-scheduler/scheduler.ts';
import { createKubelet } from './kubelet/kubelet.ts';

export const registry: Registry = {
  etcd: createEtcd,
  'kube-apiserver': createKubeApiserver,
  'kube-controller-manager': createKubeControllerManager,
  'kube-scheduler': createKubeScheduler,
  kubelet: createKubelet,
  containerd: createContainerd,
  'kube-proxy': createKubeProxy,
};
