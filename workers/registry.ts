/** Every component kind the cluster can run, by the name a ComponentSpec uses. */
import type { Registry } from '../src/machinery/runtime/component.ts';
import { createEtcd } from './etcd/etcd.ts';

export const registry: Registry = {
  etcd: createEtcd,
};
