/**
 * NodeUnschedulable (pkg/scheduler/framework/plugins/nodeunschedulable): a cordoned node
 * (`spec.unschedulable`) takes only pods that tolerate `node.kubernetes.io/unschedulable:NoSchedule`.
 */
import { TAINT_NODE_UNSCHEDULABLE } from '../api.ts';
import type { FilterPlugin } from '../framework-types.ts';
import { tolerationsTolerateTaint } from '../helpers.ts';
import { newStatus } from '../types.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeUnschedulable: FilterPlugin = {
  name: NODE_UNSCHEDULABLE,
  filter(state, node) {
    if (!node.unschedulable) return null;
    const tolerates = tolerationsTolerateTaint(state.pod.pod.spec?.tolerations, {
      key: TAINT_NODE_UNSCHEDULABLE,
      effect: 'NoSchedule',
    });
    return tolerates ? null : newStatus('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);
  },
};
