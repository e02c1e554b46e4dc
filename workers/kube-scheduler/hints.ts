/**
 * Queueing hints (each plugin's `EventsToRegister` with its `QueueingHintFn`, on by default since
 * v1.32): when a cluster event arrives, a pod waiting in unschedulablePods is retried only if one
 * of the plugins that rejected it says the event could make it schedulable.
 */
import type { Node, Pod } from './api.ts';
import { findMatchingUntoleratedTaint, requiredNodeAffinityMatches, tolerationsTolerateTaint } from './helpers.ts';
import { INTER_POD_AFFINITY } from './plugins/inter-pod-affinity.ts';
import { NODE_AFFINITY } from './plugins/node-affinity.ts';
import { NODE_NAME } from './plugins/node-name.ts';
import { NODE_PORTS } from './plugins/node-ports.ts';
import { fitsRequest, NODE_RESOURCES_FIT } from './plugins/node-resources-fit.ts';
import { NODE_UNSCHEDULABLE } from './plugins/node-unschedulable.ts';
import { POD_TOPOLOGY_SPREAD } from './plugins/pod-topology-spread.ts';
import { TAINT_TOLERATION } from './plugins/taint-toleration.ts';
import type { ClusterEvent, QueuedPodInfo } from './queue.ts';
import { NodeInfo, newPodInfo } from './types.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function untolerated(pod: Pod, node: Node): boolean {
  return !!findMatchingUntoleratedTaint(
    node.spec?.taints ?? [],
    pod.spec?.tolerations,
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
}

function unschedulableFor(pod: Pod, node: Node): boolean {
  return (
    node.spec?.unschedulable === true &&
    !tolerationsTolerateTaint(pod.spec?.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })
  );
}

/** Does the pod's request fit the node's allocatable at all (ignoring the pods on it)? */
function fitsEmptyNode(q: QueuedPodInfo, node: Node): boolean {
  return fitsRequest(q.info.requests, new NodeInfo(node)).length === 0;
}

function nodeChanged(ev: ClusterEvent): { old?: Node; node: Node } | undefined {
  if (ev.type !== 'NodeAdd' && ev.type !== 'NodeUpdate') return undefined;
  const node = ev.newObj as Node;
  return ev.type === 'NodeUpdate' ? { old: ev.oldObj as Node, node } : { node };
}

/** The queueing hint of the default profile's plugins. */
export function defaultQueueingHint(plugin: string, q: QueuedPodInfo, ev: ClusterEvent): boolean {
  const pod = q.info.pod;
  const n = nodeChanged(ev);
  switch (plugin) {
    case NODE_UNSCHEDULABLE:
      if (!n) return false;
      return !unschedulableFor(pod, n.node) && (!n.old || unschedulableFor(pod, n.old));
    case NODE_NAME:
      return !!n && !n.old && (n.node.metadata.name ?? '') === pod.spec?.nodeName;
    case TAINT_TOLERATION:
      if (!n) return false;
      return !untolerated(pod, n.node) && (!n.old || untolerated(pod, n.old));
    case NODE_AFFINITY:
      if (!n) return false;
      if (!requiredNodeAffinityMatches(pod, n.node)) return false;
      return !n.old || !requiredNodeAffinityMatches(pod, n.old);
    case NODE_PORTS:
      if (n) return !n.old;
      if (ev.type === 'AssignedPodDelete') {
        const gone = newPodInfo(ev.oldObj as Pod);
        return gone.hostPorts.some((a) => q.info.hostPorts.some((b) => a.port === b.port && a.protocol === b.protocol));
      }
      return false;
    case NODE_RESOURCES_FIT:
      if (n) {
        if (!fitsEmptyNode(q, n.node)) return false;
        return !n.old || !same(n.old.status?.allocatable, n.node.status?.allocatable);
      }
      return ev.type === 'AssignedPodDelete';
    case POD_TOPOLOGY_SPREAD:
      if (n)
        return (
          !n.old ||
          !same(n.old.metadata.labels, n.node.metadata.labels) ||
          !same(n.old.spec?.taints, n.node.spec?.taints)
        );
      if (ev.type === 'AssignedPodAdd' || ev.type === 'AssignedPodUpdate' || ev.type === 'AssignedPodDelete') {
        const p = (ev.newObj ?? ev.oldObj) as Pod;
        return (p.metadata.namespace ?? '') === q.info.namespace;
      }
      return false;
    case INTER_POD_AFFINITY:
      if (n) return !n.old || !same(n.old.metadata.labels, n.node.metadata.labels);
      return ev.type === 'AssignedPodAdd' || ev.type === 'AssignedPodUpdate' || ev.type === 'AssignedPodDelete';
    default:
      // A plugin without hints (or a PreFilter result's plugin list): any event may help.
      return true;
  }
}

/** `nodeSchedulingPropertiesChange`: an update worth telling the queue about. */
export function nodeSchedulingPropertiesChanged(old: Node, node: Node): boolean {
  return (
    (old.spec?.unschedulable ?? false) !== (node.spec?.unschedulable ?? false) ||
    !same(old.status?.allocatable, node.status?.allocatable) ||
    !same(old.metadata.labels, node.metadata.labels) ||
    !same(old.spec?.taints, node.spec?.taints)
  );
}
