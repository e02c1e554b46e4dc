/**
 * The plugin contract (pkg/scheduler/framework/interface.go): a cycle state shared by the plugins
 * for one pod, and the extension points the default profile uses: PreFilter, Filter (with the
 * AddPod/RemovePod extensions preemption needs), PreScore, Score and NormalizeScore.
 */
import type { KObject } from '../../src/machinery/api/types.ts';
import type { NodeScore } from './helpers.ts';
import type { NodeInfo, PodInfo, Status } from './types.ts';

/** What plugins may read besides nodes and pods: the informer caches the default profile uses. */
export interface Listers {
  /** Services in a namespace (PodTopologySpread's default selector). */
  services(namespace: string): KObject[];
  replicaSet(namespace: string, name: string): KObject | undefined;
  statefulSet(namespace: string, name: string): KObject | undefined;
  replicationController(namespace: string, name: string): KObject | undefined;
  /** Labels of a namespace (InterPodAffinity's namespaceSelector). */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** All namespaces with their labels. */
  namespaces(): { name: string; labels: Record<string, string> }[];
}

export const NO_LISTERS: Listers = {
  services: () => [],
  replicaSet: () => undefined,
  statefulSet: () => undefined,
  replicationController: () => undefined,
  namespaceLabels: () => undefined,
  namespaces: () => [],
};

/** The cluster as one cycle sees it (`framework.Snapshot`). */
export interface Snapshot {
  /** Every node, in node-tree order. */
  nodes: NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** How many nodes have this image (ImageLocality's spread). */
  imageNumNodes(image: string): number;
  listers: Listers;
}

/** `framework.CycleState`: per-pod scratch space, cloned for preemption's dry run. */
export interface CycleState {
  pod: PodInfo;
  snapshot: Snapshot;
  data: Map<string, unknown>;
  skipFilterPlugins: Set<string>;
  skipScorePlugins: Set<string>;
}

export interface PreFilterOutcome {
  status?: Status | null;
  /** Only these nodes can pass (`PreFilterResult.NodeNames`); undefined means all. */
  nodeNames?: Set<string>;
}

/** State a plugin writes at PreFilter and must be able to copy and update for preemption. */
export interface Cloneable {
  clone(): Cloneable;
}

export interface FilterPlugin {
  readonly name: string;
  preFilter?(state: CycleState): PreFilterOutcome | null;
  filter(state: CycleState, node: NodeInfo): Status | null;
  /** `PreFilterExtensions.AddPod`: `pod` is being added to `node` in this cycle's view. */
  addPod?(state: CycleState, pod: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, node: NodeInfo): void;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  preScore?(state: CycleState, nodes: NodeInfo[]): Status | null;
  score(state: CycleState, node: NodeInfo): number;
  normalizeScore?(state: CycleState, scores: NodeScore[]): void;
}

export function newCycleState(pod: PodInfo, snapshot: Snapshot): CycleState {
  return { pod, snapshot, data: new Map(), skipFilterPlugins: new Set(), skipScorePlugins: new Set() };
}

/** `CycleState.Clone`: plugin state objects that can be cloned are; the rest are shared (immutable). */
export function cloneCycleState(s: CycleState): CycleState {
  const data = new Map<string, unknown>();
  for (const [k, v] of s.data) {
    const c = v as Partial<Cloneable> | undefined;
    data.set(k, c && typeof c.clone === 'function' ? c.clone() : v);
  }
  return { ...s, data, skipFilterPlugins: new Set(s.skipFilterPlugins), skipScorePlugins: new Set(s.skipScorePlugins) };
}
