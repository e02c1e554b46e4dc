/**
 * Boots a cluster on a relay. Where each host runs (a browser Worker, a Node worker_thread, the
 * caller's thread) is decided by the `spawn` function passed in; nothing else differs.
 */
import type { HostLink } from '../bus/links.ts';
import { Relay, type RelayOptions } from '../bus/relay.ts';
import type { Registry } from '../runtime/component.ts';
import { type ClusterConfig, type HostPlan, planHosts } from './topology.ts';

export type Spawn = (plan: HostPlan) => HostLink;

export interface Cluster {
  relay: Relay;
  config: ClusterConfig;
  hosts: HostPlan[];
  shutdown(): Promise<void>;
}

export async function bootCluster(
  config: ClusterConfig,
  spawn: Spawn,
  registry: Registry,
  relayOptions: Partial<RelayOptions> = {},
): Promise<Cluster> {
  const relay = new Relay({ seed: config.seed ?? 1, ...relayOptions });
  const hosts = planHosts(config, Object.keys(registry));
  for (const plan of hosts) await relay.addHost(plan.name, () => spawn(plan), plan.specs);
  return { relay, config, hosts, shutdown: () => relay.shutdown() };
}
