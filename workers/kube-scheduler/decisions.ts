/**
 * Scheduling decisions: what the scheduler saw and chose for one attempt to schedule one pod, kept
 * so the UI can draw the filter/score table and the headless runner can serve
 * `GET /debug/scheduler/pods/<namespace>/<name>`.
 *
 * The scheduler writes each decision into the trace as a note (`@bus.note` from `kube-scheduler`,
 * payload a `SchedulingDecisionNote` carrying the decision as JSON, summary one readable line) and
 * keeps the last 1000 in memory.
 * `latestSchedulingDecision` reads them back from trace records; `decisionTable` expands one into a
 * row per node and a cell per plugin.
 */
import type { Code } from './types.ts';

/** How one filter plugin judged one node. */
export type FilterVerdict = 'Passed' | 'Failed' | 'Skipped' | 'NotRun';

/**
 * One node in one decision, kept compact (a decision is written for every attempt, with a row for
 * every node). The per-filter verdicts follow from `failed`: filters before it passed, it failed,
 * later ones did not run (`decisionTable` spells them out).
 */
export interface NodeDecision {
  node: string;
  /** Index in `filterPlugins` of the filter that rejected the node; absent if none did. */
  failed?: number;
  /** The rejecting status: its code and reasons. */
  code?: Code;
  reasons?: string[];
  /**
   * Set when no filter ran on this node: filtering stopped early (percentageOfNodesToScore), or a
   * PreFilter rejected the pod or left the node out (then `failed` names that plugin).
   */
  notEvaluated?: true;
  /** `[raw, normalized, weighted]` for each score plugin not skipped, in order, flattened. */
  scores?: number[];
  total?: number;
}

export interface SchedulingDecision {
  type: 'SchedulingDecision';
  pod: { namespace: string; name: string; uid: string };
  /** Scheduling cycle number (the queue's counter). */
  cycle: number;
  /** How many times this pod has been popped from the queue, this attempt included. */
  attempt: number;
  /** Simulated ms, and the same as RFC 3339 wall time of the cluster. */
  at: number;
  time: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  /** The chosen node (SuggestedHost). */
  node?: string;
  /** FailedScheduling message (as in the event and the PodScheduled condition), or the error. */
  message?: string;
  numAllNodes: number;
  /** percentageOfNodesToScore: feasible nodes to find before filtering stops. */
  numNodesToFind: number;
  /** nextStartNodeIndex at the start of this cycle. */
  startIndex: number;
  evaluatedNodes: number;
  feasibleNodes: number;
  /** Filter plugins in order; `skipped` if its PreFilter returned Skip (the filter did not run). */
  filterPlugins: { name: string; skipped: boolean }[];
  /** Score plugins in order with their weights; `skipped` if PreScore returned Skip. */
  scorePlugins: { name: string; weight: number; skipped: boolean }[];
  /** Whether scores were computed ('single-feasible-node': upstream skips scoring then). */
  scoring: 'scored' | 'single-feasible-node' | 'none';
  nodes: NodeDecision[];
  /** The highest totals (selectHost reports the top 3). */
  top: { node: string; score: number }[];
  /** How many nodes shared the top total (selectHost picks among them at random). */
  tiedAtTop?: number;
  preemption?: { message?: string; nominatedNode?: string; victims?: string[] };
}

/** Is the node feasible in this decision (every filter that ran passed)? */
export function nodeFeasible(n: NodeDecision): boolean {
  return n.failed === undefined && !n.notEvaluated;
}

/** The verdict of filter `i` on a node. */
export function filterVerdict(d: SchedulingDecision, n: NodeDecision, i: number): FilterVerdict {
  if (d.filterPlugins[i]?.skipped) return 'Skipped';
  if (n.notEvaluated) return i === n.failed ? 'Failed' : 'NotRun';
  if (n.failed === undefined || i < n.failed) return 'Passed';
  return i === n.failed ? 'Failed' : 'NotRun';
}

/** A trace record as `Trace.since` returns it (only the fields read here). */
export interface TraceLike {
  kind: string;
  from: string;
  payload: unknown;
}

/**
 * What a decision looks like in the trace: the pod, the result and the whole decision as JSON text.
 * A decision has a row per node, and structured-cloning that many small objects (every trace
 * record crosses a thread boundary) costs far more than copying one string.
 */
export interface SchedulingDecisionNote {
  type: 'SchedulingDecision';
  namespace: string;
  name: string;
  result: SchedulingDecision['result'];
  node?: string;
  /** `JSON.stringify(SchedulingDecision)`. */
  decision: string;
}

export function encodeDecisionNote(d: SchedulingDecision, json = JSON.stringify(d)): SchedulingDecisionNote {
  const note: SchedulingDecisionNote = {
    type: 'SchedulingDecision',
    namespace: d.pod.namespace,
    name: d.pod.name,
    result: d.result,
    decision: json,
  };
  if (d.node) note.node = d.node;
  return note;
}

export function isDecisionNote(x: unknown): x is SchedulingDecisionNote {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as { type?: unknown }).type === 'SchedulingDecision' &&
    typeof (x as { decision?: unknown }).decision === 'string'
  );
}

export function decodeDecisionNote(n: SchedulingDecisionNote): SchedulingDecision {
  return JSON.parse(n.decision) as SchedulingDecision;
}

/**
 * The latest decision for a pod among trace records (oldest first, as `Trace.since` gives them), or
 * undefined. Pure: the headless runner serves `GET /debug/scheduler/pods/<ns>/<name>` with it.
 */
export function latestSchedulingDecision(
  records: readonly TraceLike[],
  namespace: string,
  name: string,
  from = 'kube-scheduler',
): SchedulingDecision | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as TraceLike;
    if (r.kind !== '@bus.note' || r.from !== from) continue;
    const p = r.payload;
    if (isDecisionNote(p) && p.namespace === namespace && p.name === name) return decodeDecisionNote(p);
  }
  return undefined;
}

/** Every decision in the records, oldest first (for a pod's history, or a whole run). */
export function schedulingDecisions(records: readonly TraceLike[], from = 'kube-scheduler'): SchedulingDecision[] {
  const out: SchedulingDecision[] = [];
  for (const r of records) {
    if (r.kind === '@bus.note' && r.from === from && isDecisionNote(r.payload)) out.push(decodeDecisionNote(r.payload));
  }
  return out;
}

export interface DecisionRow {
  node: string;
  chosen: boolean;
  feasible: boolean;
  filters: Record<string, { verdict: FilterVerdict; code?: Code; reasons?: string[] }>;
  scores: Record<string, { raw: number; normalized: number; weighted: number } | null>;
  total: number | null;
}

/** One row per node with a named cell per plugin: the filter/score table as the UI shows it. */
export function decisionTable(d: SchedulingDecision): DecisionRow[] {
  return d.nodes.map((n) => {
    const filters: DecisionRow['filters'] = {};
    d.filterPlugins.forEach((p, i) => {
      const verdict = filterVerdict(d, n, i);
      filters[p.name] =
        verdict === 'Failed' ? { verdict, ...(n.code ? { code: n.code } : {}), reasons: n.reasons ?? [] } : { verdict };
    });
    const scores: DecisionRow['scores'] = {};
    let k = 0;
    for (const p of d.scorePlugins) {
      if (p.skipped || !n.scores) {
        scores[p.name] = null;
        continue;
      }
      const [raw, normalized, weighted] = n.scores.slice(k, k + 3) as [number, number, number];
      scores[p.name] = { raw, normalized, weighted };
      k += 3;
    }
    return {
      node: n.node,
      chosen: n.node === d.node,
      feasible: nodeFeasible(n),
      filters,
      scores,
      total: n.total ?? null,
    };
  });
}

/** The one-line trace summary of a decision. */
export function decisionSummary(d: SchedulingDecision): string {
  const pod = `${d.pod.namespace}/${d.pod.name}`;
  if (d.result === 'Scheduled') {
    const score = d.top[0] ? `, score ${d.top[0].score}` : '';
    return `schedule ${pod}: ${d.node} (${d.feasibleNodes}/${d.numAllNodes} nodes feasible${score})`;
  }
  if (d.result === 'Unschedulable') return `schedule ${pod}: unschedulable: ${d.message ?? ''}`;
  return `schedule ${pod}: error: ${d.message ?? ''}`;
}

/** A bounded, insertion-ordered store of the latest decision per pod, kept as JSON text. */
export class DecisionStore {
  private byPod = new Map<string, string>();

  constructor(readonly capacity = 1000) {}

  add(d: SchedulingDecision, json = JSON.stringify(d)): void {
    const key = `${d.pod.namespace}/${d.pod.name}`;
    this.byPod.delete(key);
    this.byPod.set(key, json);
    while (this.byPod.size > this.capacity) this.byPod.delete(this.byPod.keys().next().value as string);
  }

  get(namespace: string, name: string): SchedulingDecision | undefined {
    const json = this.byPod.get(`${namespace}/${name}`);
    return json === undefined ? undefined : (JSON.parse(json) as SchedulingDecision);
  }

  get size(): number {
    return this.byPod.size;
  }
}
