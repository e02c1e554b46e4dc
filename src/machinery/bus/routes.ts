/**
 * The routing table: which component may send to which, as in a real cluster.
 *
 * Only kube-apiserver talks to etcd. Every other component talks only to kube-apiserver.
 * kube-apiserver reaches a kubelet only for logs, exec and port-forward. A kubelet talks to its own
 * node's container runtime over CRI. etcdctl (an operator's tool on the control-plane node) talks
 * to etcd directly; crictl (in a node shell) talks to that node's containerd. A message on any
 * other edge is refused by the relay and the refusal is traced.
 */
import type { Address } from './protocol.ts';

/** The binary part of an address: `kubelet@kind-worker` → `kubelet`. */
export function binaryOf(address: Address): string {
  const at = address.indexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

/** The node part of an address, or '' for control-plane components and clients. */
export function nodeOf(address: Address): string {
  const at = address.indexOf('@');
  return at < 0 ? '' : address.slice(at + 1);
}

interface Edge {
  from: string;
  to: string;
  /** When set, only these kinds (exact, or prefix ending in '.') may travel this edge. */
  kinds?: readonly string[];
  /** Both ends must be on the same node. */
  sameNode?: boolean;
}

const API_CLIENTS = [
  'kubectl',
  'kubeadm',
  'kube-scheduler',
  'kube-controller-manager',
  'kubelet',
  'kube-proxy',
  'coredns',
  'cloud-controller-manager',
];

/**
 * API traffic is `api.*` both ways (requests, replies, watch events). kube-apiserver initiates
 * contact with a kubelet only for the kubelet's own API (`kubelet.logs`, `kubelet.exec`,
 * `kubelet.portforward`), and the kubelet answers with their `.result`.
 */
export const EDGES: readonly Edge[] = [
  { from: 'kube-apiserver', to: 'etcd', kinds: ['etcd.'] },
  { from: 'etcd', to: 'kube-apiserver', kinds: ['etcd.'] },
  { from: 'etcdctl', to: 'etcd', kinds: ['etcd.'] },
  { from: 'etcd', to: 'etcdctl', kinds: ['etcd.'] },
  ...API_CLIENTS.flatMap((c): Edge[] => [
    { from: c, to: 'kube-apiserver', kinds: c === 'kubelet' ? ['api.', 'kubelet.'] : ['api.'] },
    { from: 'kube-apiserver', to: c, kinds: c === 'kubelet' ? ['api.', 'kubelet.'] : ['api.'] },
  ]),
  { from: 'kubelet', to: 'containerd', kinds: ['cri.'], sameNode: true },
  { from: 'containerd', to: 'kubelet', kinds: ['cri.'], sameNode: true },
  // crictl (an operator's tool in a node shell) talks to that node's containerd over its CRI
  // socket, as the kubelet does.
  { from: 'crictl', to: 'containerd', kinds: ['cri.'], sameNode: true },
  { from: 'containerd', to: 'crictl', kinds: ['cri.'], sameNode: true },
  // Pod traffic (the data plane). A pod's packets leave its network namespace, which lives in its
  // node's runtime, and meet the node's netfilter rules. DNS: a query to the kube-dns ClusterIP that
  // the rules DNAT'd to a CoreDNS pod reaches CoreDNS, and its answer comes back.
  { from: 'containerd', to: 'coredns', kinds: ['dns.'] },
  { from: 'coredns', to: 'containerd', kinds: ['dns.'] },
  // A TCP connection or ping from a pod to a pod or node address: kindnet routes each node's pod
  // CIDR to that node, whose runtime answers for the sandbox with that address.
  { from: 'containerd', to: 'containerd', kinds: ['net.'] },
];

function kindAllowed(kinds: readonly string[] | undefined, kind: string): boolean {
  if (!kinds) return true;
  return kinds.some((k) => (k.endsWith('.') ? kind.startsWith(k) : kind === k || kind.startsWith(`${k}.`)));
}

export type RouteCheck = { ok: true } | { ok: false; reason: string };

/**
 * Is a message of this kind allowed from one address to another? A component may always send to
 * itself (timers).
 */
export function checkRoute(from: Address, to: Address, kind: string, edges: readonly Edge[] = EDGES): RouteCheck {
  if (from === to) return { ok: true };
  const fb = binaryOf(from);
  const tb = binaryOf(to);
  let sawEdge = false;
  for (const e of edges) {
    if (e.from !== fb || e.to !== tb) continue;
    if (e.sameNode && nodeOf(from) !== nodeOf(to)) continue;
    sawEdge = true;
    if (kindAllowed(e.kinds, kind)) return { ok: true };
  }
  if (sawEdge) return { ok: false, reason: `${kind} is not carried on the ${fb} → ${tb} path` };
  return { ok: false, reason: `${fb} does not talk to ${tb} in a Kubernetes cluster` };
}
