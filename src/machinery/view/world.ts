/**
 * What the canvas draws, computed from the etcd replica: nodes with their condition, pods with the
 * STATUS kubectl would print, Services with their addresses, and the workload objects. Small,
 * plain data, so the relay worker can send it to the page whenever etcd's revision moves.
 */
import type { KObject } from '../api/types.ts';
import { podStatusColumns } from '../printers/columns.ts';
import type { EtcdReplica } from './replica.ts';

import type { World, WorldNode, WorldPod, WorldService, WorldWorkload } from './world-types.ts';

export { EMPTY_WORLD } from './world-types.ts';
export type { World, WorldNode, WorldPod, WorldService, WorldWorkload };

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (typeof v === 'string' ? v : '');

function node(n: KObject): WorldNode {
  const status = o(n.status);
  const spec = o(n.spec);
  const labels = o(n.metadata?.labels);
  const ready = a(status.conditions)
    .map(o)
    .find((c) => c.type === 'Ready');
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  const ip = a(status.addresses)
    .map(o)
    .find((x) => x.type === 'InternalIP');
  return {
    name: n.metadata?.name ?? '',
    ready: s(ready?.status),
    roles,
    unschedulable: spec.unschedulable === true,
    taints: a(spec.taints)
      .map(o)
      .map((t) => `${s(t.key)}${t.value ? `=${s(t.value)}` : ''}:${s(t.effect)}`),
    internalIP: s(ip?.address),
    podCIDR: s(spec.podCIDR),
  };
}

function pod(p: KObject, now: number): WorldPod {
  const cols = podStatusColumns(p, now);
  const owner = a(p.metadata?.ownerReferences)
    .map(o)
    .find((r) => r.controller === true);
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    node: s(o(p.spec).nodeName),
    status: cols.status,
    ready: cols.ready,
    restarts: cols.restarts,
    ip: s(o(p.status).podIP),
    owner: owner ? `${s(owner.kind)}/${s(owner.name)}` : '',
  };
}

function service(x: KObject): WorldService {
  const spec = o(x.spec);
  return {
    namespace: x.metadata?.namespace ?? '',
    name: x.metadata?.name ?? '',
    type: s(spec.type) || 'ClusterIP',
    clusterIP: s(spec.clusterIP),
    ports: a(spec.ports)
      .map(o)
      .map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${s(p.protocol) || 'TCP'}`)
      .join(','),
  };
}

const WORKLOADS: [string, string][] = [
  ['Deployment', '/registry/deployments/'],
  ['ReplicaSet', '/registry/replicasets/'],
  ['DaemonSet', '/registry/daemonsets/'],
  ['StatefulSet', '/registry/statefulsets/'],
  ['Job', '/registry/jobs/'],
];

function workload(kind: string, w: KObject): WorldWorkload {
  const spec = o(w.spec);
  const status = o(w.status);
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  let ready: string;
  if (kind === 'DaemonSet') ready = `${n(status.numberReady)}/${n(status.desiredNumberScheduled)}`;
  else if (kind === 'Job') ready = `${n(status.succeeded)}/${n(spec.completions ?? 1)}`;
  else ready = `${n(status.readyReplicas)}/${n(spec.replicas ?? 1)}`;
  return { kind, namespace: w.metadata?.namespace ?? '', name: w.metadata?.name ?? '', ready };
}

/** The canvas's picture of the cluster at the replica's current revision. `now` is epoch ms. */
export function worldOf(replica: EtcdReplica, now: number): World {
  const workloads: WorldWorkload[] = [];
  for (const [kind, prefix] of WORKLOADS) for (const w of replica.objects(prefix)) workloads.push(workload(kind, w));
  return {
    revision: replica.revision,
    nodes: replica.objects('/registry/minions/').map(node),
    pods: replica.objects('/registry/pods/').map((p) => pod(p, now)),
    services: replica.objects('/registry/services/specs/').map(service),
    workloads,
  };
}
