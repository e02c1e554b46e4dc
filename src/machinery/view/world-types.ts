/** The map's model (computed by world.ts); types and the empty world only, so the page can import them cheaply. */

export interface WorldNode {
  name: string;
  /** The Ready condition's status: True, False or Unknown ('' before the kubelet first reports). */
  ready: string;
  roles: string[];
  unschedulable: boolean;
  taints: string[];
  internalIP: string;
  podCIDR: string;
}

export interface WorldPod {
  namespace: string;
  name: string;
  node: string;
  /** kubectl's STATUS column: Pending, ContainerCreating, Running, CrashLoopBackOff, Terminating, ... */
  status: string;
  ready: string;
  restarts: string;
  ip: string;
  /** The controller that owns it, as `Kind/name`, or '' for a bare pod. */
  owner: string;
}

export interface WorldService {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  ports: string;
}

export interface WorldWorkload {
  kind: string;
  namespace: string;
  name: string;
  ready: string;
}

export interface World {
  revision: number;
  nodes: WorldNode[];
  pods: WorldPod[];
  services: WorldService[];
  workloads: WorldWorkload[];
}

export const EMPTY_WORLD: World = { revision: 0, nodes: [], pods: [], services: [], workloads: [] };
