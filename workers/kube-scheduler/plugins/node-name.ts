/**
 * NodeName (pkg/scheduler/framework/plugins/nodename): a pod that names a node in `spec.nodeName`
 * fits only that node.
 */
import type { FilterPlugin } from '../framework-types.ts';
import { newStatus } from '../types.ts';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: NODE_NAME,
  filter(state, node) {
    const want = state.pod.pod.spec?.nodeName;
    if (!want || want === node.name) return null;
    return newStatus('UnschedulableAndUnresolvable', ERR_REASON_NODE_NAME);
  },
};
