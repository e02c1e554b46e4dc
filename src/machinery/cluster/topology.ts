/**
 * What runs where: the cluster's components and the hosts (workers) that run them.
 *
 * One host per control-plane component. Node agents get one host per node for small clusters and
 * share hosts beyond NODES_PER_HOST_THRESHOLD nodes, so hundreds of nodes do not mean hundreds of
 * threads; the components and their addresses are the same either way.
 */
import { DEFAULT_EPOCH } from '../api/time.ts';
import type { ComponentSpec } from '../bus/protocol.ts';

export interface ClusterConfig {
  /** Cluster name; node names are `<name>-control-plane`, `<name>-worker`, `<name>-worker2`, … */
  name?: string;
  /** Worker nodes besides the control plane. */
  workers?: number;
  seed?: number;
  /** Run only etcd (`--only etcd`). */
  only?: 'etcd';
  /** Epoch ms of simulated time 0 (timestamps in objects). Defaults to 2025-01-01T00:00:00Z. */
  epoch?: number;
  /** Events kept per resource in kube-apiserver's watch cache (how far back a watch may start). */
  watchCacheSize?: number;
  /** Install kind's addons (kube-proxy, CoreDNS, kindnet, local-path). Default true. */
  addons?: boolean;
  /** kube-proxy mode. */
  proxyMode?: 'iptables' | 'ipvs';
  /** Per-node labels and capacity, by node index (0 is the control plane), from a kind config. */
  nodeExtras?: { labels?: Record<string, string>; capacity?: { cpu?: string; memory?: string; pods?: string } }[];
}

/** A node as the cluster boots it: kind's names, addresses and pod CIDRs. */
export interface NodePlan {
  name: string;
  role: 'control-plane' | 'worker';
  podCIDR: string;
  internalIP: string;
}

export function nodePlans(config: ClusterConfig): NodePlan[] {
  return nodeNames(config).map((_, i) => nodePlanAt(config, i));
}

export interface HostPlan {
  name: string;
  specs: ComponentSpec[];
}

/** kind's node names: `kind-control-plane`, `kind-worker`, `kind-worker2`, … */
export function nodeNames(config: ClusterConfig): string[] {
  const name = config.name ?? 'kind';
  const names = [`${name}-control-plane`];
  for (let i = 1; i <= (config.workers ?? 0); i++) names.push(i === 1 ? `${name}-worker` : `${name}-worker${i}`);
  return names;
}

/**
 * The hosts to start. Components that do not exist yet in this build (kube-apiserver and the rest
 * arrive with their own issues) are simply not planned; nothing stands in for them.
 */
export function planHosts(config: ClusterConfig, available: readonly string[]): HostPlan[] {
  const plans: HostPlan[] = [{ name: 'etcd', specs: [{ kind: 'etcd', address: 'etcd' }] }];
  if (config.only === 'etcd') return plans;
  if (available.includes('kube-apiserver')) {
    const nodes = nodePlans(config);
    // Nodes are registered by their kubelets; without kubelets the API server registers them itself.
    const apiConfig: Record<string, unknown> = {
      nodes: available.includes('kubelet') ? [] : nodes,
      advertiseAddress: nodes[0]?.internalIP ?? '172.18.0.2',
    };
    if (config.epoch !== undefined) apiConfig.epoch = config.epoch;
    if (config.watchCacheSize !== undefined) apiConfig.watchCacheSize = config.watchCacheSize;
    plans.push({
      name: 'kube-apiserver',
      specs: [{ kind: 'kube-apiserver', address: 'kube-apiserver', config: apiConfig }],
    });
  }
  // CoreDNS (kind's addon) runs as its own actor, like the control-plane components: one process
  // logic for every replica of the coredns Deployment.
  const addonKinds = available.includes('coredns') && config.addons !== false ? ['coredns'] : [];
  for (const kind of ['kube-scheduler', 'kube-controller-manager', ...addonKinds]) {
    if (available.includes(kind)) {
      plans.push({ name: kind, specs: [{ kind, address: kind, config: { epoch: config.epoch ?? DEFAULT_EPOCH } }] });
    }
  }
  const scheduler = plans.find((p) => p.name === 'kube-scheduler')?.specs[0];
  if (scheduler) scheduler.config = { ...(scheduler.config as object), hostname: nodeNames(config)[0] };
  if (available.includes('kubelet')) {
    const nodes = nodePlans(config);
    // One worker per node for small clusters; beyond the threshold nodes share workers.
    const perHost = Math.max(1, Math.ceil(nodes.length / NODE_HOSTS_MAX));
    for (let i = 0; i < nodes.length; i += perHost)
      plans.push(nodeHostPlan(nodes.slice(i, i + perHost), config, available));
  }
  return plans;
}

/** Machines planned so far in this thread: a node's identity that two clusters never share. */
let machines = 0;

/** The worker that runs these nodes' agents: kubelet, containerd and kube-proxy for each. */
export function nodeHostPlan(group: NodePlan[], config: ClusterConfig, available: readonly string[]): HostPlan {
  const epoch = config.epoch ?? DEFAULT_EPOCH;
  const specs: ComponentSpec[] = [];
  for (const n of group) {
    const extra = config.nodeExtras?.[Number(n.podCIDR.split('.')[2])];
    // The node's kernel: kube-proxy writes its netfilter tables, the runtime's pods' packets meet
    // them. Both specs name the same machine, unique to this node of this cluster
    // (src/machinery/net/kernel.ts).
    const machine = `${n.name}#${++machines}`;
    specs.push({
      kind: 'kubelet',
      address: `kubelet@${n.name}`,
      config: {
        node: n.name,
        role: n.role,
        podCIDR: n.podCIDR,
        internalIP: n.internalIP,
        epoch,
        ...(extra?.labels ? { labels: extra.labels } : {}),
        ...(extra?.capacity ? { capacity: extra.capacity } : {}),
      },
    });
    specs.push({
      kind: 'containerd',
      address: `containerd@${n.name}`,
      config: { node: n.name, podCIDR: n.podCIDR, nodeIP: n.internalIP, epoch, machine },
    });
    if (available.includes('kube-proxy')) {
      specs.push({
        kind: 'kube-proxy',
        address: `kube-proxy@${n.name}`,
        config: {
          node: n.name,
          nodeIP: n.internalIP,
          podCIDR: n.podCIDR,
          clusterCIDR: CLUSTER_CIDR,
          mode: config.proxyMode ?? 'iptables',
          epoch,
          machine,
        },
      });
    }
  }
  const first = group[0]?.name ?? '';
  const last = group[group.length - 1]?.name ?? '';
  return { name: group.length === 1 ? `node/${first}` : `nodes/${first}..${last}`, specs };
}

/** The plan of the node with this index (0 is the control plane): kind's name, address and pod CIDR. */
export function nodePlanAt(config: ClusterConfig, index: number): NodePlan {
  const name = config.name ?? 'kind';
  return {
    name: index === 0 ? `${name}-control-plane` : index === 1 ? `${name}-worker` : `${name}-worker${index}`,
    role: index === 0 ? 'control-plane' : 'worker',
    podCIDR: `10.244.${index}.0/24`,
    internalIP: `172.18.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`,
  };
}

/** kind's podSubnet: every node's pod CIDR is a /24 of it; kube-proxy's clusterCIDR. */
export const CLUSTER_CIDR = '10.244.0.0/16';

/** Above this many nodes, node agents share workers (at most this many node workers). */
export const NODE_HOSTS_MAX = 16;
