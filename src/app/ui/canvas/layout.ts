/**
 * Where everything sits on the canvas, computed from the cluster's hosts and etcd's objects.
 *
 * The picture follows the seed notes' drawing of a cluster: the user's tools on the left, the
 * control plane across the top with kube-apiserver in the middle (every line goes through it), and
 * the nodes below in rows, each with its kubelet, container runtime and kube-proxy and, under
 * them, its pods. Positions are a pure function of the inputs, so the same cluster always draws
 * the same way and nothing jumps when unrelated things change.
 */
import type { Edge, Node } from '@xyflow/react';
import { binaryOf, nodeOf } from '../../../machinery/bus/routes.ts';
import type { World, WorldNode, WorldPod } from '../../../machinery/view/world.ts';
import type { HostView } from '../../cluster/protocol.ts';

export const COMPONENT_W = 150;
export const COMPONENT_H = 40;
export const NODE_W = 380;
const NODE_GAP = 24;
const POD_H = 26;
const POD_GAP = 6;
export const PODS_TOP = 152;
const CP_X = 210;
const CP_W = 800;
const CP_H = 250;
const NODES_Y = CP_H + 50;

/** Tools outside the cluster, on the user's machine, and where they sit. */
const CLIENTS: Record<string, { x: number; y: number }> = {
  kubectl: { x: 0, y: 60 },
  kubeadm: { x: 0, y: 130 },
  etcdctl: { x: 0, y: 200 },
};

/** Control-plane components, relative to the control-plane box. */
const CONTROL_PLANE: Record<string, { x: number; y: number }> = {
  'kube-apiserver': { x: 320, y: 96 },
  etcd: { x: 40, y: 176 },
  'kube-scheduler': { x: 610, y: 36 },
  'kube-controller-manager': { x: 610, y: 110 },
  coredns: { x: 610, y: 184 },
  'cloud-controller-manager': { x: 320, y: 184 },
};

/** Node agents, relative to their node's box. */
const AGENTS: Record<string, { x: number; y: number }> = {
  kubelet: { x: 14, y: 44 },
  'kube-proxy': { x: 214, y: 44 },
  containerd: { x: 14, y: 98 },
  // A tool someone ran in the node's shell (drawn once it has been used).
  crictl: { x: 214, y: 98 },
};

export interface ComponentData extends Record<string, unknown> {
  address: string;
  binary: string;
  node: string;
  stopped: boolean;
  phase: HostView['phase'];
}

export interface NodeGroupData extends Record<string, unknown> {
  name: string;
  info: WorldNode | undefined;
  pods: WorldPod[];
  stopped: boolean;
}

export interface EdgeData extends Record<string, unknown> {
  a: string;
  b: string;
}

export type CanvasNode =
  | Node<ComponentData, 'component'>
  | Node<NodeGroupData, 'nodeGroup'>
  | Node<Record<string, unknown>, 'controlPlane'>;

/** The key of the edge between two addresses, the same whichever way a message went. */
export function edgeKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function podRows(n: number): number {
  return Math.ceil(n / 2);
}

export function nodeHeight(pods: number): number {
  return Math.max(PODS_TOP + 40, PODS_TOP + podRows(pods) * (POD_H + POD_GAP) + 14);
}

export interface Layout {
  nodes: CanvasNode[];
  edges: Edge<EdgeData>[];
  /** Addresses drawn on the canvas: a message between two of them travels their edge. */
  drawn: Set<string>;
  /** The drawing's height; the view refits when it changes. */
  height: number;
}

export function layout(
  hosts: HostView[],
  world: World,
  seen: readonly string[] = [],
  /** Edges messages have travelled ("a|b"): paths beyond the fixed ones (pod traffic, DNS) appear once used. */
  travelled: readonly string[] = [],
): Layout {
  const nodes: CanvasNode[] = [];
  const edges: Edge<EdgeData>[] = [];
  const drawn = new Set<string>();
  const stopped = new Set(hosts.flatMap((h) => h.stopped ?? []));
  const phaseOf = new Map<string, HostView['phase']>();
  for (const h of hosts) for (const a of h.addresses) phaseOf.set(a, h.phase);
  const addresses = hosts.flatMap((h) => h.addresses);
  const edge = (a: string, b: string) => {
    if (!drawn.has(a) || !drawn.has(b)) return;
    const id = edgeKey(a, b);
    if (edges.some((e) => e.id === id)) return;
    edges.push({ id, source: a, target: b, type: 'bus', data: { a, b }, focusable: false });
  };
  const component = (address: string, x: number, y: number, parentId?: string) => {
    drawn.add(address);
    const n: Node<ComponentData, 'component'> = {
      id: address,
      type: 'component',
      position: { x, y },
      data: {
        address,
        binary: binaryOf(address),
        node: nodeOf(address),
        stopped: stopped.has(address),
        phase: phaseOf.get(address) ?? 'running',
      },
      width: COMPONENT_W,
      height: COMPONENT_H,
      draggable: false,
      selectable: false,
    };
    if (parentId) {
      n.parentId = parentId;
      n.extent = 'parent';
    }
    nodes.push(n);
  };

  nodes.push({
    id: 'group:control-plane',
    type: 'controlPlane',
    position: { x: CP_X, y: 0 },
    data: {},
    width: CP_W,
    height: CP_H,
    draggable: false,
    selectable: false,
    focusable: false,
  });
  for (const [name, p] of Object.entries(CLIENTS)) component(name, p.x, p.y);
  let extra = 0;
  for (const a of addresses) {
    if (nodeOf(a) !== '') continue;
    const p = CONTROL_PLANE[a];
    if (p) component(a, p.x, p.y, 'group:control-plane');
    else component(a, 320 + 170 * extra++, 20, 'group:control-plane');
  }

  // Nodes: every node with agents on the bus, in topology order; etcd's Node objects add detail.
  const names: string[] = [];
  for (const a of addresses) {
    const n = nodeOf(a);
    if (n !== '' && !names.includes(n)) names.push(n);
  }
  const info = new Map(world.nodes.map((n) => [n.name, n]));
  const podsOn = new Map<string, WorldPod[]>();
  for (const p of world.pods) {
    if (p.node === '') continue;
    const list = podsOn.get(p.node) ?? [];
    list.push(p);
    podsOn.set(p.node, list);
  }
  const perRow = Math.max(3, Math.ceil(Math.sqrt(names.length)));
  let y = NODES_Y;
  for (let row = 0; row * perRow < names.length; row++) {
    const inRow = names.slice(row * perRow, (row + 1) * perRow);
    let rowH = 0;
    inRow.forEach((name, i) => {
      const pods = (podsOn.get(name) ?? []).sort((p, q) =>
        p.namespace === q.namespace ? (p.name < q.name ? -1 : 1) : p.namespace < q.namespace ? -1 : 1,
      );
      const h = nodeHeight(pods.length);
      rowH = Math.max(rowH, h);
      const id = `group:node:${name}`;
      const agents = addresses.filter((a) => nodeOf(a) === name);
      nodes.push({
        id,
        type: 'nodeGroup',
        position: { x: i * (NODE_W + NODE_GAP), y },
        data: { name, info: info.get(name), pods, stopped: agents.length > 0 && agents.every((a) => stopped.has(a)) },
        width: NODE_W,
        height: h,
        draggable: false,
        selectable: false,
        focusable: false,
      });
      for (const a of agents) {
        const p = AGENTS[binaryOf(a)];
        if (p) component(a, p.x, p.y, id);
      }
      const crictl = `crictl@${name}`;
      if (seen.includes(crictl) && AGENTS.crictl) component(crictl, AGENTS.crictl.x, AGENTS.crictl.y, id);
    });
    y += rowH + NODE_GAP;
  }

  // The real communication paths (src/machinery/bus/routes.ts), between what is drawn.
  for (const c of Object.keys(CLIENTS)) edge(c, c === 'etcdctl' ? 'etcd' : 'kube-apiserver');
  edge('kube-apiserver', 'etcd');
  for (const a of addresses) {
    const b = binaryOf(a);
    if (b === 'etcd' || b === 'kube-apiserver' || b === 'containerd' || b === 'crictl') continue;
    edge('kube-apiserver', a);
    if (b === 'kubelet') edge(a, `containerd@${nodeOf(a)}`);
  }
  for (const a of drawn) if (binaryOf(a) === 'crictl') edge(a, `containerd@${nodeOf(a)}`);
  // Data-plane paths, drawn once something used them: a pod's packets between nodes (containerd
  // stands for the node's network namespaces) and DNS queries to CoreDNS.
  for (const key of travelled) {
    const [a, b] = key.split('|') as [string, string];
    edge(a, b);
  }
  return { nodes, edges, drawn, height: y };
}
