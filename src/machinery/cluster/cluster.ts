/**
 * Boots a cluster on a relay. Where each host runs (a browser Worker, a Node worker_thread, the
 * caller's thread) is decided by the `spawn` function passed in; nothing else differs.
 */

import { apiKind, apiSummary } from '../api/request-info.ts';
import type { ApiRequest } from '../api/types.ts';
import type { HostLink } from '../bus/links.ts';
import { Relay, type RelayOptions } from '../bus/relay.ts';
import type { Registry } from '../runtime/component.ts';
import { addonObjects } from './addons.ts';
import { applyFault, FaultError } from './faults.ts';
import { type ClusterConfig, type HostPlan, nodeHostPlan, nodePlanAt, planHosts } from './topology.ts';

export type Spawn = (plan: HostPlan) => HostLink;

export interface Cluster {
  relay: Relay;
  config: ClusterConfig;
  hosts: HostPlan[];
  /** Adds a worker node (its kubelet registers it); resolves with its name. */
  addNode(): Promise<string>;
  /** Removes a node: its agents stop and its Node object is deleted, as `kubectl delete node` after a shutdown. */
  removeNode(name: string): Promise<void>;
  shutdown(): Promise<void>;
}

export async function bootCluster(
  config: ClusterConfig,
  spawn: Spawn,
  registry: Registry,
  relayOptions: Partial<RelayOptions> = {},
  /**
   * `replaying`: the cluster is about to replay another run's inputs, which include kubeadm's
   * add-on requests, so it does not send its own.
   */
  opts: { replaying?: boolean } = {},
): Promise<Cluster> {
  const relay = new Relay({ seed: config.seed ?? 1, ...relayOptions });
  const hosts = planHosts(config, Object.keys(registry));
  await relay.addHosts(hosts.map((plan) => ({ name: plan.name, spawn: () => spawn(plan), specs: plan.specs })));
  if (
    !opts.replaying &&
    config.addons !== false &&
    registry['kube-apiserver'] &&
    registry['kube-controller-manager'] &&
    config.only !== 'etcd'
  ) {
    installAddons(relay, config.proxyMode ?? 'iptables');
  }
  let count = (config.workers ?? 0) + 1;
  const available = Object.keys(registry);
  return {
    relay,
    config,
    hosts,
    async addNode() {
      if (!available.includes('kubelet')) throw new FaultError('this cluster has no kubelets to run a new node');
      const plan = nodeHostPlan([nodePlanAt(config, count++)], config, available);
      hosts.push(plan);
      await relay.addHost(plan.name, () => spawn(plan), plan.specs);
      return plan.specs[0]?.address.split('@')[1] ?? '';
    },
    async removeNode(name) {
      await applyFault(relay, { kind: 'node', node: name, state: 'stopped' });
      const req: ApiRequest = {
        method: 'DELETE',
        path: `/api/v1/nodes/${name}`,
        query: {},
        headers: { 'user-agent': 'kubectl/v1.33.1' },
      };
      void relay
        .client('kubeadm')
        .request('kube-apiserver', apiKind(req), req, apiSummary(req))
        .catch(() => undefined);
    },
    shutdown: () => relay.shutdown(),
  };
}

/** kubeadm's addon phase: the objects go in through the API like any client's. */
function installAddons(relay: Relay, mode: 'iptables' | 'ipvs'): void {
  const kubeadm = relay.client('kubeadm');
  for (const [path, obj] of addonObjects(mode)) {
    const req: ApiRequest = {
      method: 'POST',
      path,
      query: {},
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'kubeadm/v1.33.1' },
      body: JSON.stringify(obj),
    };
    void kubeadm.request('kube-apiserver', apiKind(req), req, apiSummary(req)).catch(() => undefined);
  }
}
