/**
 * NodePorts (pkg/scheduler/framework/plugins/nodeports): a pod's host ports must be free on the
 * node (0.0.0.0 conflicts with every address). PreFilter skips pods without host ports.
 */
import type { FilterPlugin } from '../framework-types.ts';
import { newStatus } from '../types.ts';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: FilterPlugin = {
  name: NODE_PORTS,
  preFilter(state) {
    return state.pod.hostPorts.length === 0 ? { status: newStatus('Skip') } : null;
  },
  filter(state, node) {
    for (const hp of state.pod.hostPorts) {
      if (node.portConflict(hp)) return newStatus('Unschedulable', ERR_REASON_PORTS);
    }
    return null;
  },
};
