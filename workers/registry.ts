/** Every component kind the cluster can run, by the name a ComponentSpec uses. */

import type { Registry } from '../src/machinery/runtime/component.ts';
import { createCoredns } from './coredns/coredns.ts';
import { createEtcd } from './etcd/etcd.ts';
import { createKubeApiserver } from './kube-apiserver/apiserver.ts';
import { createKubeControllerManager } from './kube-controller-manager/controller-manager.ts';
import { createKubeScheduler } from './kube-scheduler/scheduler.ts';
import { nodeRegistry } from './registry-node.ts';

export const registry: Registry = {
  etcd: createEtcd,
  'kube-apiserver': createKubeApiserver,
  'kube-controller-manager': createKubeControllerManager,
  'kube-scheduler': createKubeScheduler,
  ...nodeRegistry,
  coredns: createCoredns,
};
