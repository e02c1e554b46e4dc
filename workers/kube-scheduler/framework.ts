/**
 * The scheduling algorithm for one pod (pkg/scheduler/schedule_one.go `schedulePod`,
 * `findNodesThatFitPod`, `findNodesThatPassFilters`, `numFeasibleNodesToFind`, `prioritizeNodes`,
 * `selectHost`; framework/runtime/framework.go for running the plugins; framework/types.go
 * `FitError`), with the default profile's plugins. Pure apart from the random source handed in,
 * so it is unit- and property-testable without a cluster.
 *
 * Filtering walks the nodes from `nextStartNodeIndex` (round robin across cycles) and stops once
 * `numFeasibleNodesToFind` nodes fit: all nodes below 100, otherwise
 * `max(50 - nodes/125, 5)` percent with a floor of 100. Upstream filters in parallel goroutines;
 * here nodes are checked in order, which is one of the outcomes the parallel version can have.
 */
import { parseRFC3339 } from '../../src/machinery/api/time.ts';
import type { Pod } from './api.ts';
import type { NodeDecision, SchedulingDecision } from './decisions.ts';
import type { CycleState, FilterPlugin, ScorePlugin, Snapshot } from './framework-types.ts';
import { cloneCycleState, newCycleState } from './framework-types.ts';
import type { NodeScore } from './helpers.ts';
import { balancedAllocation } from './plugins/balanced-allocation.ts';
import { imageLocality } from './plugins/image-locality.ts';
import { interPodAffinityFilter, interPodAffinityScore } from './plugins/inter-pod-affinity.ts';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity.ts';
import { nodeName } from './plugins/node-name.ts';
import { nodePorts } from './plugins/node-ports.ts';
import { nodeResourcesFitFilter, nodeResourcesFitScore } from './plugins/node-resources-fit.ts';
import { nodeUnschedulable } from './plugins/node-unschedulable.ts';
import { podTopologySpreadFilter, podTopologySpreadScore } from './plugins/pod-topology-spread.ts';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration.ts';
import {
  isRejected,
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  type NodeInfo,
  newStatus,
  type PodInfo,
  type Status,
} from './types.ts';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const NUMBER_OF_HIGHEST_SCORED_NODES_TO_REPORT = 3;

/** The default profile's filters, in upstream's order (volume plugins left out). */
export function defaultFilterPlugins(): FilterPlugin[] {
  return [
    nodeUnschedulable,
    nodeName,
    taintTolerationFilter,
    nodeAffinityFilter,
    nodePorts,
    nodeResourcesFitFilter,
    podTopologySpreadFilter,
    interPodAffinityFilter,
  ];
}

/** The default profile's scorers with their weights (VolumeBinding's left out: no volumes here). */
export function defaultScorePlugins(): ScorePlugin[] {
  return [
    taintTolerationScore(3),
    nodeAffinityScore(2),
    nodeResourcesFitScore(1),
    podTopologySpreadScore(2),
    interPodAffinityScore(2),
    balancedAllocation(1),
    imageLocality(1),
  ];
}

/** `numFeasibleNodesToFind`. `percentage` 0 means adaptive. */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct === 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

// ---- Diagnosis and FitError ----------------------------------------------------------------------

/** `framework.Diagnosis`: why nodes were rejected. */
export interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  /** Status of every node not in nodeToStatus (`SetAbsentNodesStatus`). */
  absentStatus?: Status;
  unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/**
 * `FitError.Error()`: `0/N nodes are available: ` then the PreFilter message, or the sorted
 * histogram of reasons (`<count> <reason>`, joined with `, `), a period, then the PostFilter
 * message (preemption's) after a space.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const reasons = new Map<string, number>();
    for (const s of d.nodeToStatus.values()) for (const r of s.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentStatus)
      for (const r of d.absentStatus.reasons) reasons.set(r, (reasons.get(r) ?? 0) + absent);
    const histogram = [...reasons].map(([r, n]) => `${n} ${r}`).sort(goStringLess);
    if (histogram.length) msg += ` ${histogram.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

/** Go's `sort.Strings` order (bytewise). */
export function goStringLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- results -----------------------------------------------------------------------------------

export interface ScheduleResult {
  suggestedHost: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export interface PostFilterResult {
  /** DefaultPreemption's message (`preemption: …`), empty when preemption found a candidate. */
  message: string;
  nominatedNode?: string;
  victims?: PodInfo[];
}

export interface ScheduleOutcome {
  result?: ScheduleResult;
  /** Set when no node fits (FitError). */
  diagnosis?: Diagnosis;
  numAllNodes: number;
  /** The FitError text, PostFilter included. */
  message?: string;
  /** `ErrNoNodesAvailable`: the cluster has no nodes. */
  noNodes?: boolean;
  postFilter?: PostFilterResult;
  decision: Omit<SchedulingDecision, 'type' | 'pod' | 'cycle' | 'attempt' | 'at' | 'time' | 'result'>;
}

export interface FrameworkOptions {
  /** percentageOfNodesToScore; 0 = adaptive. */
  percentageOfNodesToScore?: number;
  randInt: (n: number) => number;
  filterPlugins?: FilterPlugin[];
  scorePlugins?: ScorePlugin[];
  /** Run DefaultPreemption's PostFilter when nothing fits (default true). */
  preemption?: boolean;
  /** Nominated pods per node (`PodNominator`), considered when filtering. */
  nominatedPods?: (node: string) => PodInfo[];
}

export class Framework {
  readonly filterPlugins: FilterPlugin[];
  readonly scorePlugins: ScorePlugin[];
  readonly percentageOfNodesToScore: number;
  nextStartNodeIndex = 0;

  constructor(private opts: FrameworkOptions) {
    this.filterPlugins = opts.filterPlugins ?? defaultFilterPlugins();
    this.scorePlugins = opts.scorePlugins ?? defaultScorePlugins();
    this.percentageOfNodesToScore = opts.percentageOfNodesToScore ?? 0;
  }

  // ---- extension points ------------------------------------------------------------------------

  /** `RunPreFilterPlugins`. */
  runPreFilterPlugins(state: CycleState): {
    status: Status | null;
    nodeNames?: Set<string>;
    pluginsWithNodes: string[];
  } {
    let nodeNames: Set<string> | undefined;
    const pluginsWithNodes: string[] = [];
    for (const pl of this.filterPlugins) {
      if (!pl.preFilter) continue;
      const out = pl.preFilter(state);
      const s = out?.status ?? null;
      if (s?.code === 'Skip') {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (s && s.code !== 'Success') {
        s.plugin = pl.name;
        return { status: s, pluginsWithNodes: [pl.name] };
      }
      if (out?.nodeNames) {
        pluginsWithNodes.push(pl.name);
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => out.nodeNames?.has(n))) : new Set(out.nodeNames);
        if (nodeNames.size === 0) {
          const msg =
            pluginsWithNodes.length === 1
              ? `node(s) didn't satisfy plugin ${pluginsWithNodes[0]}`
              : `node(s) didn't satisfy plugin(s) [${pluginsWithNodes.join(' ')}] simultaneously`;
          return {
            status: { ...newStatus('UnschedulableAndUnresolvable', msg), plugin: pl.name },
            nodeNames,
            pluginsWithNodes,
          };
        }
      }
    }
    return nodeNames ? { status: null, nodeNames, pluginsWithNodes } : { status: null, pluginsWithNodes };
  }

  /** `RunFilterPlugins`: the first failing plugin's status (with its name), or null. */
  runFilterPlugins(state: CycleState, node: NodeInfo): Status | null {
    for (const pl of this.filterPlugins) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.filter(state, node);
      if (s && s.code !== 'Success') {
        const out: Status = isRejected(s)
          ? { ...s, plugin: pl.name }
          : { code: 'Error', reasons: s.reasons, plugin: pl.name };
        return out;
      }
    }
    return null;
  }

  /**
   * `RunFilterPluginsWithNominatedPods`: with pods nominated to this node (of equal or higher
   * priority) counted as if already there, then, if that passes, without them.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, node: NodeInfo): Status | null {
    const nominated = (this.opts.nominatedPods?.(node.name) ?? []).filter(
      (p) => p.key !== state.pod.key && p.priority >= state.pod.priority,
    );
    if (nominated.length === 0) return this.runFilterPlugins(state, node);
    const stateWith = cloneCycleState(state);
    const nodeWith = node.clone();
    for (const p of nominated) {
      nodeWith.addPod(p);
      for (const pl of this.filterPlugins)
        if (!stateWith.skipFilterPlugins.has(pl.name)) pl.addPod?.(stateWith, p, nodeWith);
    }
    const first = this.runFilterPlugins(stateWith, nodeWith);
    if (first) return first;
    return this.runFilterPlugins(state, node);
  }

  // ---- the algorithm -----------------------------------------------------------------------------

  /** `schedulePod`: filter, score, select. */
  schedulePod(pod: PodInfo, snapshot: Snapshot): ScheduleOutcome {
    const state = newCycleState(pod, snapshot);
    const allNodes = snapshot.nodes;
    const numAllNodes = allNodes.length;
    const startIndex = this.nextStartNodeIndex;
    const record: ScheduleOutcome['decision'] = {
      numAllNodes,
      numNodesToFind: 0,
      startIndex,
      evaluatedNodes: 0,
      feasibleNodes: 0,
      filterPlugins: this.filterPlugins.map((p) => ({ name: p.name, skipped: false })),
      scorePlugins: this.scorePlugins.map((p) => ({ name: p.name, weight: p.weight, skipped: false })),
      scoring: 'none',
      nodes: [],
      top: [],
    };
    if (numAllNodes === 0) {
      // ErrNoNodesAvailable: rejected (UnschedulableAndUnresolvable), but not a FitError.
      return { numAllNodes, noNodes: true, message: 'no nodes available to schedule pods', decision: record };
    }
    const { feasible, diagnosis, verdicts } = this.findNodesThatFitPod(state, record);
    record.filterPlugins.forEach((p) => {
      p.skipped = state.skipFilterPlugins.has(p.name);
    });
    record.nodes = allNodes.map((n) => verdicts.get(n.name) ?? this.notRun(n.name));
    record.feasibleNodes = feasible.length;
    record.evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 0) {
      let postFilter: PostFilterResult | undefined;
      if (this.opts.preemption !== false) {
        postFilter = defaultPreemptionPostFilter(this, state, diagnosis, this.opts.randInt);
        diagnosis.postFilterMsg = postFilter.message;
        record.preemption = {
          ...(postFilter.message ? { message: postFilter.message } : {}),
          ...(postFilter.nominatedNode ? { nominatedNode: postFilter.nominatedNode } : {}),
          ...(postFilter.victims ? { victims: postFilter.victims.map((v) => `${v.namespace}/${v.name}`) } : {}),
        };
      }
      const out: ScheduleOutcome = {
        diagnosis,
        numAllNodes,
        message: fitErrorMessage(numAllNodes, diagnosis),
        decision: record,
      };
      if (postFilter) out.postFilter = postFilter;
      return out;
    }
    if (feasible.length === 1) {
      const only = feasible[0] as NodeInfo;
      record.scoring = 'single-feasible-node';
      record.top = [{ node: only.name, score: 0 }];
      record.tiedAtTop = 1;
      return {
        result: { suggestedHost: only.name, evaluatedNodes: 1 + diagnosis.nodeToStatus.size, feasibleNodes: 1 },
        numAllNodes,
        decision: record,
      };
    }
    const scores = this.prioritizeNodes(state, feasible, record);
    for (const s of scores) {
      // record.nodes holds the same NodeDecision objects as verdicts.
      const nd = verdicts.get(s.name);
      if (nd) {
        nd.scores = s.scores;
        nd.total = s.total;
      }
    }
    record.scoring = 'scored';
    const { host, top, ties } = selectHost(scores, NUMBER_OF_HIGHEST_SCORED_NODES_TO_REPORT, this.opts.randInt);
    record.top = top;
    record.tiedAtTop = ties;
    return {
      result: {
        suggestedHost: host,
        evaluatedNodes: feasible.length + diagnosis.nodeToStatus.size,
        feasibleNodes: feasible.length,
      },
      numAllNodes,
      decision: record,
    };
  }

  private notRun(name: string): NodeDecision {
    return { node: name, notEvaluated: true };
  }

  private verdict(name: string, failed: Status | null): NodeDecision {
    const nd: NodeDecision = { node: name };
    if (failed) {
      const i = this.filterPlugins.findIndex((p) => p.name === failed.plugin);
      if (i >= 0) nd.failed = i;
      nd.code = failed.code;
      nd.reasons = failed.reasons;
    }
    return nd;
  }

  /** `findNodesThatFitPod`. */
  findNodesThatFitPod(
    state: CycleState,
    record: ScheduleOutcome['decision'],
  ): { feasible: NodeInfo[]; diagnosis: Diagnosis; verdicts: Map<string, NodeDecision> } {
    const diagnosis = newDiagnosis();
    const verdicts = new Map<string, NodeDecision>();
    const allNodes = state.snapshot.nodes;
    const pre = this.runPreFilterPlugins(state);
    if (pre.status) {
      // Every node gets the PreFilter status; the message is the PreFilter's.
      diagnosis.absentStatus = pre.status;
      diagnosis.preFilterMsg = pre.status.reasons.join(', ');
      for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      const failed = this.filterPlugins.findIndex((p) => p.name === pre.status?.plugin);
      for (const n of allNodes) {
        const nd = this.notRun(n.name);
        if (failed >= 0) nd.failed = failed;
        nd.code = pre.status.code;
        nd.reasons = pre.status.reasons;
        verdicts.set(n.name, nd);
      }
      return { feasible: [], diagnosis, verdicts };
    }
    // A node nominated by an earlier preemption is tried first.
    const nominated = state.pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = state.snapshot.get(nominated);
      if (ni) {
        const s = this.runFilterPluginsWithNominatedPods(state, ni);
        if (!s) {
          verdicts.set(ni.name, this.verdict(ni.name, null));
          record.numNodesToFind = 1;
          return { feasible: [ni], diagnosis, verdicts };
        }
      }
    }
    let nodes = allNodes;
    if (pre.nodeNames) {
      const names = pre.nodeNames;
      nodes = allNodes.filter((n) => names.has(n.name));
      diagnosis.absentStatus = newStatus(
        'UnschedulableAndUnresolvable',
        `node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`,
      );
      for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
    }
    const feasible = this.findNodesThatPassFilters(state, diagnosis, nodes, verdicts, record);
    const processed = feasible.length + diagnosis.nodeToStatus.size;
    if (allNodes.length > 0) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % allNodes.length;
    if (pre.nodeNames) {
      const failed = this.filterPlugins.findIndex((p) => p.name === pre.pluginsWithNodes[0]);
      for (const n of allNodes) {
        if (pre.nodeNames.has(n.name) || !diagnosis.absentStatus) continue;
        const nd = this.notRun(n.name);
        if (failed >= 0) nd.failed = failed;
        nd.code = diagnosis.absentStatus.code;
        nd.reasons = diagnosis.absentStatus.reasons;
        verdicts.set(n.name, nd);
      }
    }
    return { feasible, diagnosis, verdicts };
  }

  /** `findNodesThatPassFilters`. */
  findNodesThatPassFilters(
    state: CycleState,
    diagnosis: Diagnosis,
    nodes: NodeInfo[],
    verdicts: Map<string, NodeDecision>,
    record: ScheduleOutcome['decision'],
  ): NodeInfo[] {
    const numAllNodes = nodes.length;
    const numNodesToFind = numFeasibleNodesToFind(this.percentageOfNodesToScore, numAllNodes);
    record.numNodesToFind = numNodesToFind;
    const feasible: NodeInfo[] = [];
    if (numAllNodes === 0) return feasible;
    for (let i = 0; i < numAllNodes && feasible.length < numNodesToFind; i++) {
      const node = nodes[(this.nextStartNodeIndex + i) % numAllNodes] as NodeInfo;
      const s = this.runFilterPluginsWithNominatedPods(state, node);
      verdicts.set(node.name, this.verdict(node.name, s));
      if (!s) {
        feasible.push(node);
        continue;
      }
      diagnosis.nodeToStatus.set(node.name, s);
      if (s.plugin && isRejected(s)) diagnosis.unschedulablePlugins.add(s.plugin);
    }
    return feasible;
  }

  /** `prioritizeNodes`: PreScore, Score, NormalizeScore, × weight, summed. */
  prioritizeNodes(
    state: CycleState,
    nodes: NodeInfo[],
    record: ScheduleOutcome['decision'],
  ): { name: string; total: number; scores: number[] }[] {
    this.scorePlugins.forEach((pl, i) => {
      const s = pl.preScore?.(state, nodes) ?? null;
      if (s?.code === 'Skip') {
        state.skipScorePlugins.add(pl.name);
        const entry = record.scorePlugins[i];
        if (entry) entry.skipped = true;
      }
    });
    const out = nodes.map((n) => ({ name: n.name, total: 0, scores: [] as number[] }));
    for (const pl of this.scorePlugins) {
      if (state.skipScorePlugins.has(pl.name)) continue;
      const raw = nodes.map((n) => pl.score(state, n));
      const list: NodeScore[] = nodes.map((n, i) => ({ name: n.name, score: raw[i] as number }));
      pl.normalizeScore?.(state, list);
      list.forEach((s, i) => {
        const normalized = Math.min(MAX_NODE_SCORE, Math.max(MIN_NODE_SCORE, s.score));
        const weighted = normalized * pl.weight;
        const o = out[i] as (typeof out)[number];
        o.scores.push(raw[i] as number, normalized, weighted);
        o.total += weighted;
      });
    }
    return out;
  }
}

/**
 * `selectHost`: the highest total wins; among equal totals one is picked uniformly at random by
 * reservoir sampling (`rand.Intn(cntOfMaxScore) == 0` replaces the candidate). Also returns the
 * top `count` totals.
 */
export function selectHost(
  scores: readonly { name: string; total: number }[],
  count: number,
  randInt: (n: number) => number,
): { host: string; top: { node: string; score: number }[]; ties: number } {
  if (scores.length === 0) throw new Error('empty priorityList');
  let best = scores[0] as { name: string; total: number };
  let cntOfMaxScore = 1;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i] as { name: string; total: number };
    if (s.total > best.total) {
      best = s;
      cntOfMaxScore = 1;
    } else if (s.total === best.total) {
      cntOfMaxScore++;
      if (randInt(cntOfMaxScore) === 0) best = s;
    }
  }
  // The next highest after the selected host (a partial selection, not a sort of every node).
  const rest: { name: string; total: number }[] = [];
  for (const s of scores) {
    if (s === best) continue;
    if (rest.length < count - 1) rest.push(s);
    else if (count > 1 && s.total > (rest[rest.length - 1] as { total: number }).total) rest[rest.length - 1] = s;
    else continue;
    rest.sort((a, b) => b.total - a.total);
  }
  const top = [{ node: best.name, score: best.total }, ...rest.map((s) => ({ node: s.name, score: s.total }))];
  return { host: best.name, top, ties: cntOfMaxScore };
}

// ---- DefaultPreemption (PostFilter) --------------------------------------------------------------

const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** `util.MoreImportantPod`: higher priority, then the earlier start time. */
function moreImportantPod(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const sa = a.pod.status?.startTime ?? a.pod.metadata.creationTimestamp ?? '';
  const sb = b.pod.status?.startTime ?? b.pod.metadata.creationTimestamp ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function podTerminatingByPreemption(p: Pod): boolean {
  if (!p.metadata.deletionTimestamp) return false;
  const c = p.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c?.status === 'True' && c.reason === 'PreemptionByScheduler';
}

/**
 * `SelectVictimsOnNode`: remove every lower-priority pod; if the pod then fits, add them back from
 * the most important down, keeping out those it cannot fit with. PodDisruptionBudgets are not
 * modelled (none is ever violated).
 */
export function selectVictimsOnNode(
  fw: Framework,
  state: CycleState,
  node: NodeInfo,
): { victims: PodInfo[]; status: Status | null } {
  const pod = state.pod;
  const s = cloneCycleState(state);
  const ni = node.clone();
  const potential = ni.pods.filter((p) => p.priority < pod.priority);
  const remove = (p: PodInfo) => {
    ni.removePod(p.key);
    for (const pl of fw.filterPlugins) if (!s.skipFilterPlugins.has(pl.name)) pl.removePod?.(s, p, ni);
  };
  const add = (p: PodInfo) => {
    ni.addPod(p);
    for (const pl of fw.filterPlugins) if (!s.skipFilterPlugins.has(pl.name)) pl.addPod?.(s, p, ni);
  };
  for (const p of potential) remove(p);
  if (potential.length === 0) return { victims: [], status: newStatus('UnschedulableAndUnresolvable', NO_VICTIMS) };
  const fits = fw.runFilterPluginsWithNominatedPods(s, ni);
  if (fits) return { victims: [], status: fits };
  potential.sort(moreImportantPod);
  const victims: PodInfo[] = [];
  for (const p of potential) {
    add(p);
    if (fw.runFilterPluginsWithNominatedPods(s, ni)) {
      remove(p);
      victims.push(p);
    }
  }
  return { victims, status: null };
}

/** `pickOneNodeForPreemption` without PDBs: lowest top victim priority, lowest sum, fewest victims, latest start. */
function pickOneNodeForPreemption(candidates: { node: string; victims: PodInfo[] }[]): {
  node: string;
  victims: PodInfo[];
} {
  const scoreFuncs: ((c: { node: string; victims: PodInfo[] }) => number)[] = [
    (c) => -(c.victims[0]?.priority ?? 0),
    (c) => -c.victims.reduce((a, v) => a + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => {
      const times = c.victims.map((v) => v.pod.status?.startTime ?? v.pod.metadata.creationTimestamp ?? '');
      const earliest = times.sort()[0] ?? '';
      return earliest ? parseRFC3339(earliest) : 0;
    },
  ];
  let all = candidates;
  for (const f of scoreFuncs) {
    let max = Number.NEGATIVE_INFINITY;
    let selected: typeof candidates = [];
    for (const c of all) {
      const v = f(c);
      if (v > max) {
        max = v;
        selected = [];
      }
      if (v === max) selected.push(c);
    }
    if (selected.length === 1) return selected[0] as { node: string; victims: PodInfo[] };
    all = selected;
  }
  return all[0] as { node: string; victims: PodInfo[] };
}

/**
 * DefaultPreemption's PostFilter (`Evaluator.Preempt`): is the pod eligible, which nodes could fit
 * it if lower-priority pods left (only nodes that failed with Unschedulable, not
 * UnschedulableAndUnresolvable), and on which node the fewest, least important victims would go.
 * With no candidate the message is a FitError over the dry run:
 * `preemption: 0/N nodes are available: <k> Preemption is not helpful for scheduling, <m> No preemption victims found for incoming pod.`
 */
export function defaultPreemptionPostFilter(
  fw: Framework,
  state: CycleState,
  diagnosis: Diagnosis,
  randInt: (n: number) => number,
): PostFilterResult {
  const pod = state.pod.pod;
  const allNodes = state.snapshot.nodes;
  if (pod.spec?.preemptionPolicy === 'Never')
    return { message: 'preemption: not eligible due to preemptionPolicy=Never.' };
  const nom = pod.status?.nominatedNodeName;
  if (nom) {
    const nomStatus = diagnosis.nodeToStatus.get(nom) ?? diagnosis.absentStatus;
    const ni = state.snapshot.get(nom);
    if (nomStatus?.code !== 'UnschedulableAndUnresolvable' && ni) {
      if (ni.pods.some((p) => p.priority < state.pod.priority && podTerminatingByPreemption(p.pod))) {
        return { message: 'preemption: not eligible due to a terminating pod on the nominated node.' };
      }
    }
  }
  const potential = allNodes.filter((n) => {
    const s = diagnosis.nodeToStatus.get(n.name) ?? diagnosis.absentStatus;
    return s?.code === 'Unschedulable';
  });
  const statuses = new Map<string, Status>();
  const candidates: { node: string; victims: PodInfo[] }[] = [];
  if (potential.length > 0) {
    // calculateNumCandidates: max(10% of nodes, 100), at most all of them.
    let numCandidates = Math.max(Math.trunc((potential.length * 10) / 100), 100);
    if (numCandidates > potential.length) numCandidates = potential.length;
    const offset = randInt(potential.length);
    for (let i = 0; i < potential.length && candidates.length < numCandidates; i++) {
      const node = potential[(offset + i) % potential.length] as NodeInfo;
      const { victims, status } = selectVictimsOnNode(fw, state, node);
      if (!status && victims.length > 0) candidates.push({ node: node.name, victims });
      else
        statuses.set(
          node.name,
          status ?? newStatus('Error', `expected at least one victim pod on node "${node.name}"`),
        );
    }
  }
  if (candidates.length === 0) {
    const d: Diagnosis = {
      nodeToStatus: statuses,
      absentStatus: newStatus('UnschedulableAndUnresolvable', PREEMPTION_NOT_HELPFUL),
      unschedulablePlugins: new Set(),
      preFilterMsg: '',
      postFilterMsg: '',
    };
    return { message: `preemption: ${fitErrorMessage(allNodes.length, d)}` };
  }
  const best = pickOneNodeForPreemption(candidates);
  return { message: '', nominatedNode: best.node, victims: best.victims };
}
