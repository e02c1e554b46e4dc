/**
 * The DaemonSet controller (pkg/controller/daemon: daemon_controller.go, update.go,
 * util/daemonset_util.go): one pod per eligible node. A node is eligible when the pod's node
 * selector and required node affinity match it and its NoSchedule/NoExecute taints are tolerated
 * (daemon pods get the automatic tolerations of AddOrUpdateDaemonPodTolerations). Pods are created
 * with a required node affinity on `metadata.name` (ReplaceDaemonSetPodNodeNameNodeAffinity), so the
 * scheduler binds each to its node. RollingUpdate replaces old pods within maxUnavailable (or surges
 * within maxSurge); OnDelete waits for the user to delete them.
 *
 * ControllerRevision objects are not served by this API server: the revision hash is computed from
 * the pod template (and status.collisionCount) and written to the pods' `controller-revision-hash`
 * label, but no ControllerRevision history is kept, so `kubectl rollout undo daemonset` has nothing
 * to go back to.
 *
 * Also exported from here, for the other workload controllers (candidates for shared.ts):
 * ControllerExpectations, slowStartBatch, Requeuer.
 */
import type { KObject } from '../../../src/machinery/api/types.ts';
import {
  type Clientset,
  GR,
  type GR as GRType,
  isConflict,
  isNotFound,
} from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import type { WorkQueue as WorkQueueType } from '../../../src/machinery/client/workqueue.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import type { Context } from '../../../src/machinery/runtime/component.ts';
import {
  type Controller,
  type ControllerContext,
  claimPods,
  computeHash,
  controllerRef,
  isPodAvailable,
  isPodReady,
  newControllerRef,
  selectorMatches,
} from '../shared.ts';
import { scaled } from './deployment.ts';

// ---- helpers shared by the workload controllers --------------------------------------------------

/** ExpectationsTimeout: expectations older than this are assumed lost (controller_utils.go). */
const EXPECTATIONS_TIMEOUT = 5 * 60_000;
/** SlowStartInitialBatchSize (controller_utils.go). */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;
/** BurstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 250;

/**
 * ControllerExpectations (pkg/controller/controller_utils.go): how many creations and deletions a
 * controller still waits to see in its informer before it trusts the cache again.
 */
export class ControllerExpectations {
  private m = new Map<string, { add: number; del: number; at: number }>();

  constructor(private ctx: Context) {}

  setExpectations(key: string, add: number, del: number): void {
    this.m.set(key, { add, del, at: this.ctx.now() });
  }

  expectCreations(key: string, n: number): void {
    this.setExpectations(key, n, 0);
  }

  expectDeletions(key: string, n: number): void {
    this.setExpectations(key, 0, n);
  }

  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.del--;
  }

  satisfiedExpectations(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.ctx.now() - e.at > EXPECTATIONS_TIMEOUT;
  }

  deleteExpectations(key: string): void {
    this.m.delete(key);
  }
}

/**
 * slowStartBatch: calls fn `count` times in batches of 1, 2, 4, …, stopping after the first batch
 * with a failure. Returns the number of successes and the first error.
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: (i: number) => Promise<void>,
): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  let next = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(next++)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason as Error };
    remaining -= batch;
  }
  return { successes };
}

/**
 * Requeues keys after a delay, keeping the earliest wake-up per key as client-go's delaying queue
 * does. WorkQueue.addAfter ignores a second delayed add while one is waiting, even a sooner one;
 * this asks it only when nothing is waiting, and sets its own timer for a sooner wake-up otherwise.
 */
export class Requeuer {
  private due = new Map<string, number>();

  constructor(
    private ctx: Context,
    private queue: WorkQueueType,
  ) {}

  after(key: string, delayMs: number): void {
    if (delayMs <= 0) {
      this.queue.add(key);
      return;
    }
    const now = this.ctx.now();
    const at = now + delayMs;
    const prev = this.due.get(key);
    // A sooner wake-up is still to come.
    if (prev !== undefined && prev > now && prev <= at) return;
    this.due.set(key, at);
    // Nothing waits in the queue any more: its own delayed add will do. Otherwise (a later wake-up
    // waits, or one due right now may not have fired yet) a timer of our own adds the key.
    if (prev === undefined || prev < now) this.queue.addAfter(key, delayMs);
    else this.ctx.setTimer(delayMs, () => this.queue.add(key), `${this.queue.name}: requeue ${key}`);
  }
}

/**
 * UpdateStatus with the retry-on-conflict upstream's status writers use: on a Conflict the object
 * is read again and the status written onto the fresh copy.
 */
export async function updateStatusWithRetry(
  client: Clientset,
  gr: GRType,
  obj: KObject,
  status: unknown,
  retries = 3,
): Promise<KObject> {
  let cur: KObject = obj;
  for (let i = 0; ; i++) {
    try {
      return await client.updateStatus(gr, { ...cur, status } as KObject);
    } catch (e) {
      if (!isConflict(e) || i + 1 >= retries) throw e;
      cur = await client.get(gr, cur.metadata?.namespace ?? '', cur.metadata?.name ?? '');
    }
  }
}

// ---- types ----------------------------------------------------------------------------------------

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}
interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  [k: string]: unknown;
}
type Condition = { type: string; status: string; lastTransitionTime?: string };
export type Pod = KObject & {
  spec?: PodSpec;
  status?: { phase?: string; conditions?: Condition[] };
};
export type Node = KObject & { spec?: { taints?: Taint[]; unschedulable?: boolean } };
type IntOrString = number | string;
type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
export type DaemonSet = KObject & {
  spec: {
    selector?: LabelSelector;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec };
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: Record<string, number | undefined> & { collisionCount?: number };
};

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

// ---- scheduling predicates (component-helpers/scheduling/corev1, daemonset_util.go) -------------

/** ToleratesTaint: empty effect/key match any; Exists matches any value; Equal (or empty) compares values. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? '';
  if (op === '' || op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return op === 'Exists';
}

/** FindMatchingUntoleratedTaint: the first taint passing the filter that no toleration tolerates. */
export function findMatchingUntoleratedTaint(
  taints: Taint[],
  tolerations: Toleration[],
  filter: (t: Taint) => boolean,
): Taint | undefined {
  return taints.filter(filter).find((taint) => !tolerations.some((t) => toleratesTaint(t, taint)));
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(values[0] as string, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A node selector term matches when all its expressions (labels) and fields (metadata.name) do; an empty term matches nothing. */
function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, labels[e.key])) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementMatches(f, node.metadata?.name)) return false;
  }
  return true;
}

/** GetRequiredNodeAffinity(pod).Match(node): spec.nodeSelector and the required node affinity terms (ORed). */
export function requiredNodeAffinityMatches(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const req = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!req) return true;
  return (req.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (
    (a.key ?? '') === (b.key ?? '') &&
    (a.effect ?? '') === (b.effect ?? '') &&
    (a.operator ?? '') === (b.operator ?? '') &&
    (a.value ?? '') === (b.value ?? '')
  );
}

/** AddOrUpdateTolerationInPodSpec: replaces a toleration with the same key/operator/value/effect, else appends. */
function addOrUpdateToleration(spec: PodSpec, t: Toleration): void {
  const list = spec.tolerations ?? [];
  let found = false;
  const out = list.map((old) => {
    if (!sameToleration(old, t)) return old;
    found = true;
    return t;
  });
  if (!found) out.push(t);
  spec.tolerations = out;
}

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods survive not-ready and unreachable nodes forever and
 * ignore the TaintNodesByCondition NoSchedule taints (and network-unavailable with hostNetwork).
 */
export function addOrUpdateDaemonPodTolerations(spec: PodSpec): void {
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
  if (spec.hostNetwork) {
    addOrUpdateToleration(spec, {
      key: 'node.kubernetes.io/network-unavailable',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  }
}

/**
 * NodeShouldRunDaemonPod: [shouldRun, shouldContinueRunning]. A pod that does not fit the node's
 * affinity never runs there; one stopped only by NoSchedule taints keeps running if it is there.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): [boolean, boolean] {
  const spec: PodSpec = structuredClone(ds.spec.template?.spec ?? {});
  const name = node.metadata?.name ?? '';
  if (spec.nodeName && spec.nodeName !== name) return [false, false];
  spec.nodeName = name;
  addOrUpdateDaemonPodTolerations(spec);
  const taints = node.spec?.taints ?? [];
  const tolerations = spec.tolerations ?? [];
  if (!requiredNodeAffinityMatches(spec, node)) return [false, false];
  const untolerated = findMatchingUntoleratedTaint(
    taints,
    tolerations,
    (t) => t.effect === 'NoExecute' || t.effect === 'NoSchedule',
  );
  if (untolerated) {
    const noExecute = findMatchingUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
    return [false, !noExecute];
  }
  return [true, true];
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the only required term becomes `metadata.name In [node]`. */
export function replaceDaemonSetPodNodeNameNodeAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const a: Affinity = affinity ? structuredClone(affinity) : {};
  a.nodeAffinity = {
    ...(a.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] },
  };
  return a;
}

/** GetTargetNodeName: spec.nodeName, or the node the metadata.name affinity pins the pod to. */
export function getTargetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length !== 1) return undefined;
  const f = terms[0]?.matchFields?.find((r) => r.key === 'metadata.name' && r.operator === 'In');
  return f?.values?.length === 1 ? f.values[0] : undefined;
}

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const created = (o: KObject) => o.metadata?.creationTimestamp ?? '';

/** podByCreationTimestampAndPhase: older first; at the same time, Running before others. */
function byCreationAndPhase(a: Pod, b: Pod): number {
  if (created(a) !== created(b)) return created(a) < created(b) ? -1 : 1;
  const ar = a.status?.phase === 'Running' ? 0 : 1;
  const br = b.status?.phase === 'Running' ? 0 : 1;
  if (ar !== br) return ar - br;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

/** IsPodUpdated: the pod carries the current hash (or the current template generation). */
function isPodUpdated(pod: Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation;
  const hashMatches = hash.length > 0 && labels[CONTROLLER_REVISION_HASH] === hash;
  return hashMatches || templateMatches;
}

/** The failed-pod back-off (flowcontrol.Backoff 1 s doubling to 15 min, per DaemonSet and node). */
class Backoff {
  private entries = new Map<string, { delay: number; last: number }>();

  constructor(
    private initial: number,
    private max: number,
  ) {}

  get(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }

  isInBackOffSinceUpdate(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return e !== undefined && now - e.last < e.delay;
  }

  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e || now - e.last > 2 * this.max) this.entries.set(key, { delay: this.initial, last: now });
    else this.entries.set(key, { delay: Math.min(e.delay * 2, this.max), last: now });
  }
}

// ---- the controller -------------------------------------------------------------------------------

export class DaemonSetsController implements Controller {
  readonly name = 'daemonset-controller';
  private queue: WorkQueue;
  private requeue: Requeuer;
  private expectations: ControllerExpectations;
  private failedPodsBackoff = new Backoff(1000, 15 * 60_000);

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'daemonset', (key) => this.syncDaemonSet(key), 2);
    this.requeue = new Requeuer(c.ctx, this.queue);
    this.expectations = new ControllerExpectations(c.ctx);
  }

  private get dss() {
    return this.c.informers.for<DaemonSet>(GR.daemonsets);
  }

  private get pods() {
    return this.c.informers.for<Pod>(GR.pods);
  }

  private get nodes() {
    return this.c.informers.for<Node>(GR.nodes);
  }

  private recorder() {
    return this.c.recorder('daemonset-controller');
  }

  setup(): void {
    this.dss.addHandlers({
      add: (ds) => this.queue.add(keyOf(ds)),
      update: (_o, ds) => this.queue.add(keyOf(ds)),
      delete: (ds) => {
        this.expectations.deleteExpectations(keyOf(ds));
        this.queue.add(keyOf(ds));
      },
    });
    this.pods.addHandlers({
      add: (p) => this.addPod(p),
      update: (o, p) => this.updatePod(o, p),
      delete: (p) => this.deletePod(p),
    });
    this.nodes.addHandlers({
      add: () => this.enqueueAll(),
      update: (o, n) => {
        if (this.nodeSchedulingChanged(o, n)) this.enqueueAll();
      },
      delete: () => this.enqueueAll(),
    });
  }

  run(): void {
    this.enqueueAll();
  }

  private enqueueAll(): void {
    for (const ds of this.dss.list()) this.queue.add(keyOf(ds));
  }

  /** shouldIgnoreNodeUpdate's converse: labels, taints and unschedulable decide where daemons run. */
  private nodeSchedulingChanged(o: Node, n: Node): boolean {
    return (
      JSON.stringify(o.metadata?.labels ?? {}) !== JSON.stringify(n.metadata?.labels ?? {}) ||
      JSON.stringify(o.spec?.taints ?? []) !== JSON.stringify(n.spec?.taints ?? []) ||
      (o.spec?.unschedulable ?? false) !== (n.spec?.unschedulable ?? false)
    );
  }

  private resolveControllerRef(p: Pod): DaemonSet | undefined {
    const ref = controllerRef(p);
    if (ref?.kind !== 'DaemonSet') return undefined;
    const ds = this.dss.getByName(p.metadata?.namespace ?? '', ref.name);
    return ds && ds.metadata?.uid === ref.uid ? ds : undefined;
  }

  private addPod(p: Pod): void {
    if (p.metadata?.deletionTimestamp) {
      this.deletePod(p);
      return;
    }
    const ds = this.resolveControllerRef(p);
    if (ds) {
      this.expectations.creationObserved(keyOf(ds));
      this.queue.add(keyOf(ds));
      return;
    }
    if (!controllerRef(p)) for (const d of this.matchingDSs(p)) this.queue.add(keyOf(d));
  }

  private updatePod(o: Pod, p: Pod): void {
    if (o.metadata?.resourceVersion === p.metadata?.resourceVersion) return;
    if (p.metadata?.deletionTimestamp && !o.metadata?.deletionTimestamp) {
      this.deletePod(p);
      return;
    }
    const oldDS = this.resolveControllerRef(o);
    const ds = this.resolveControllerRef(p);
    if (oldDS && oldDS !== ds) this.queue.add(keyOf(oldDS));
    if (ds) {
      this.queue.add(keyOf(ds));
      return;
    }
    if (!controllerRef(p)) for (const d of this.matchingDSs(p)) this.queue.add(keyOf(d));
  }

  private deletePod(p: Pod): void {
    const ds = this.resolveControllerRef(p);
    if (!ds) return;
    this.expectations.deletionObserved(keyOf(ds));
    this.queue.add(keyOf(ds));
  }

  private matchingDSs(p: Pod): DaemonSet[] {
    return this.dss.list(p.metadata?.namespace).filter((ds) => selectorMatches(ds.spec.selector, p.metadata?.labels));
  }

  // ---- sync ---------------------------------------------------------------------------------------

  private async syncDaemonSet(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const ds = this.dss.getByName(ns, name);
    if (!ds) {
      this.expectations.deleteExpectations(key);
      return;
    }
    const nodeList = [...this.nodes.list()].sort((a, b) =>
      (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1,
    );
    const sel = ds.spec.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      this.recorder().event(
        ds,
        'Warning',
        'SelectingAll',
        'This daemon set is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    // A DaemonSet being deleted keeps its status as it is; the garbage collector removes its pods.
    if (ds.metadata?.deletionTimestamp) return;
    const hash = computeHash(ds.spec.template ?? {}, ds.status?.collisionCount);
    if (!this.expectations.satisfiedExpectations(key)) {
      await this.updateDaemonSetStatus(ds, nodeList, hash, false);
      return;
    }
    await this.manage(ds, nodeList, hash);
    if (
      this.expectations.satisfiedExpectations(key) &&
      (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    )
      await this.rollingUpdate(ds, nodeList, hash);
    await this.updateDaemonSetStatus(ds, nodeList, hash, true);
  }

  /** getDaemonPods: the pods this DaemonSet controls, adopting matching orphans and releasing strays (ClaimPods). */
  private getDaemonPods(ds: DaemonSet): Promise<Pod[]> {
    return claimPods(this.c, ds, 'apps/v1', 'DaemonSet', this.pods.list(ds.metadata?.namespace), (p) =>
      selectorMatches(ds.spec.selector, p.metadata?.labels),
    );
  }

  /** getNodesToDaemonPods: the controlled pods by the node they run (or are pinned) on. */
  private async getNodesToDaemonPods(ds: DaemonSet, includeDeletedTerminal: boolean): Promise<Map<string, Pod[]>> {
    const m = new Map<string, Pod[]>();
    for (const p of await this.getDaemonPods(ds)) {
      if (!includeDeletedTerminal && isTerminal(p) && p.metadata?.deletionTimestamp) continue;
      const node = getTargetNodeName(p);
      if (!node) continue;
      const list = m.get(node) ?? [];
      list.push(p);
      m.set(node, list);
    }
    return m;
  }

  /**
   * podsShouldBeOnNode: a node that should run the daemon but has none needs one; failed daemon pods
   * are deleted (with back-off); extra pods go, oldest kept; a node that should not run it loses them.
   */
  private podsShouldBeOnNode(
    node: Node,
    nodeToDaemonPods: Map<string, Pod[]>,
    ds: DaemonSet,
    hash: string,
  ): { needing: string[]; toDelete: string[]; failed: number } {
    const [shouldRun, shouldContinueRunning] = nodeShouldRunDaemonPod(node, ds);
    const nodeName = node.metadata?.name ?? '';
    const daemonPods = nodeToDaemonPods.get(nodeName);
    const exists = daemonPods !== undefined;
    const needing: string[] = [];
    const toDelete: string[] = [];
    let failed = 0;
    if (shouldRun && !exists) {
      needing.push(nodeName);
    } else if (shouldContinueRunning && daemonPods) {
      const running: Pod[] = [];
      for (const pod of daemonPods) {
        if (pod.metadata?.deletionTimestamp) continue;
        if (pod.status?.phase === 'Failed') {
          failed++;
          const backoffKey = `${ds.metadata?.uid}/${nodeName}`;
          const now = this.c.ctx.now();
          if (this.failedPodsBackoff.isInBackOffSinceUpdate(backoffKey, now)) {
            this.requeue.after(keyOf(ds), this.failedPodsBackoff.get(backoffKey));
            continue;
          }
          this.failedPodsBackoff.next(backoffKey, now);
          this.recorder().event(
            ds,
            'Warning',
            'FailedDaemonPod',
            `Found failed daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${nodeName}, will try to kill it`,
          );
          toDelete.push(pod.metadata?.name ?? '');
        } else running.push(pod);
      }
      if (!this.allowsSurge(ds)) {
        if (running.length > 1) {
          running.sort(byCreationAndPhase);
          for (const p of running.slice(1)) toDelete.push(p.metadata?.name ?? '');
        }
      } else if (running.length <= 1) {
        if (running.length === 0 && shouldRun) needing.push(nodeName);
      } else {
        // Surging: keep the oldest new pod and, while it is not yet available, the oldest old one.
        running.sort(byCreationAndPhase);
        let oldestNew: Pod | undefined;
        let oldestOld: Pod | undefined;
        for (const p of running) {
          if (p.metadata?.labels?.[CONTROLLER_REVISION_HASH] === hash) {
            if (!oldestNew) {
              oldestNew = p;
              continue;
            }
          } else if (!oldestOld) {
            oldestOld = p;
            continue;
          }
          toDelete.push(p.metadata?.name ?? '');
        }
        if (oldestNew && oldestOld) {
          if (!isPodReady(oldestOld)) toDelete.push(oldestOld.metadata?.name ?? '');
          else if (isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, this.c.nowMs()))
            toDelete.push(oldestOld.metadata?.name ?? '');
        }
      }
    } else if (!shouldContinueRunning && daemonPods) {
      for (const p of daemonPods) toDelete.push(p.metadata?.name ?? '');
    }
    return { needing, toDelete, failed };
  }

  /** AllowsSurge: RollingUpdate whose maxSurge, scaled against one node, is above zero. */
  private allowsSurge(ds: DaemonSet): boolean {
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
    return scaled(ru?.maxSurge, 1, true, 0) > 0;
  }

  /** manage: works out which nodes need a daemon pod and which pods must go, then syncNodes. */
  private async manage(ds: DaemonSet, nodeList: Node[], hash: string): Promise<void> {
    const nodeToDaemonPods = await this.getNodesToDaemonPods(ds, false);
    const needing: string[] = [];
    const toDelete: string[] = [];
    let failed = 0;
    for (const node of nodeList) {
      const r = this.podsShouldBeOnNode(node, nodeToDaemonPods, ds, hash);
      needing.push(...r.needing);
      toDelete.push(...r.toDelete);
      failed += r.failed;
    }
    // getUnscheduledPodsWithoutNode: pods pinned to a node that no longer exists and never scheduled.
    const known = new Set(nodeList.map((n) => n.metadata?.name));
    for (const [node, pods] of nodeToDaemonPods) {
      if (known.has(node)) continue;
      for (const p of pods) if (!p.spec?.nodeName) toDelete.push(p.metadata?.name ?? '');
    }
    await this.syncNodes(ds, toDelete, needing, hash);
    if (failed > 0)
      throw new Error(`deleted ${failed} failed pods of DaemonSet ${ds.metadata?.namespace}/${ds.metadata?.name}`);
  }

  /** syncNodes: deletes the given pods and creates daemon pods on the given nodes, in slow-start batches. */
  private async syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeeding: string[], hash: string): Promise<void> {
    const key = keyOf(ds);
    const createDiff = Math.min(nodesNeeding.length, BURST_REPLICAS);
    const deleteDiff = Math.min(podsToDelete.length, BURST_REPLICAS);
    this.expectations.setExpectations(key, createDiff, deleteDiff);
    const errors: Error[] = [];
    const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    const template = this.createPodTemplate(ds, generation, hash);
    const ns = ds.metadata?.namespace ?? '';
    const recorder = this.recorder();
    const { successes, error } = await slowStartBatch(createDiff, SLOW_START_INITIAL_BATCH_SIZE, async (ix) => {
      const spec = structuredClone(template.spec);
      spec.affinity = replaceDaemonSetPodNodeNameNodeAffinity(spec.affinity, nodesNeeding[ix] as string);
      const pod: KObject = {
        metadata: {
          generateName: `${ds.metadata?.name}-`,
          namespace: ns,
          labels: { ...template.labels },
          ...(template.annotations ? { annotations: { ...template.annotations } } : {}),
          ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
        },
        spec,
      };
      try {
        const created = await this.c.client.create(GR.pods, ns, pod);
        recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (e) {
        this.expectations.creationObserved(key);
        recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    if (error) {
      errors.push(error);
      // Pods never attempted are not expected.
      const attempted = successes + 1;
      for (let i = attempted; i < createDiff; i++) this.expectations.creationObserved(key);
    }
    await Promise.all(
      podsToDelete.slice(0, deleteDiff).map(async (name) => {
        try {
          await this.c.client.delete(GR.pods, ns, name);
          recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (e) {
          this.expectations.deletionObserved(key);
          if (!isNotFound(e)) {
            recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
            errors.push(e as Error);
          }
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  /** CreatePodTemplate: the template with daemon tolerations, the revision hash and template generation labels. */
  private createPodTemplate(
    ds: DaemonSet,
    generation: string | undefined,
    hash: string,
  ): { labels: Record<string, string>; annotations?: Record<string, string>; spec: PodSpec } {
    const t = structuredClone(ds.spec.template ?? {});
    const spec: PodSpec = t.spec ?? {};
    addOrUpdateDaemonPodTolerations(spec);
    const labels = { ...(t.metadata?.labels ?? {}) };
    if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
    if (hash) labels[CONTROLLER_REVISION_HASH] = hash;
    return { labels, ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}), spec };
  }

  // ---- rolling update (update.go) -----------------------------------------------------------------

  /** updatedDesiredNodeCounts: maxSurge, maxUnavailable (both rounded up) and the desired count. */
  private updatedDesiredNodeCounts(
    ds: DaemonSet,
    nodeList: Node[],
    nodeToDaemonPods: Map<string, Pod[]>,
  ): { maxSurge: number; maxUnavailable: number; desired: number } {
    let desired = 0;
    for (const node of nodeList) {
      const [wantToRun] = nodeShouldRunDaemonPod(node, ds);
      if (!wantToRun) continue;
      desired++;
      const name = node.metadata?.name ?? '';
      if (!nodeToDaemonPods.has(name)) nodeToDaemonPods.set(name, []);
    }
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    let maxUnavailable = scaled(ru?.maxUnavailable, desired, true, 1);
    const maxSurge = scaled(ru?.maxSurge, desired, true, 0);
    if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
    return { maxSurge, maxUnavailable, desired };
  }

  /** findUpdatedPodsOnNode: at most one new and one old live pod, or not ok. */
  private findUpdatedPodsOnNode(ds: DaemonSet, pods: Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
    let newPod: Pod | undefined;
    let oldPod: Pod | undefined;
    const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    for (const p of pods) {
      if (p.metadata?.deletionTimestamp) continue;
      if (isPodUpdated(p, hash, generation)) {
        if (newPod) return { ok: false };
        newPod = p;
      } else {
        if (oldPod) return { ok: false };
        oldPod = p;
      }
    }
    return { newPod, oldPod, ok: true };
  }

  private async rollingUpdate(ds: DaemonSet, nodeList: Node[], hash: string): Promise<void> {
    const nodeToDaemonPods = await this.getNodesToDaemonPods(ds, false);
    const { maxSurge, maxUnavailable, desired } = this.updatedDesiredNodeCounts(ds, nodeList, nodeToDaemonPods);
    const now = this.c.nowMs();
    const min = ds.spec.minReadySeconds ?? 0;
    const available = (p: Pod) => isPodAvailable(p, min, now);
    const entries = [...nodeToDaemonPods].sort(([a], [b]) => (a < b ? -1 : 1));
    const nodeByName = new Map(nodeList.map((n) => [n.metadata?.name ?? '', n]));
    if (maxSurge === 0) {
      let numUnavailable = 0;
      const allowedReplacementPods: string[] = [];
      const candidatePodsToDelete: string[] = [];
      for (const [, pods] of entries) {
        const { newPod, oldPod, ok } = this.findUpdatedPodsOnNode(ds, pods, hash);
        if (!ok) {
          numUnavailable++;
          continue;
        }
        if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
        else if (newPod) {
          if (!available(newPod)) numUnavailable++;
        } else if (oldPod) {
          if (!available(oldPod)) {
            allowedReplacementPods.push(oldPod.metadata?.name ?? '');
            numUnavailable++;
          } else if (numUnavailable < maxUnavailable) {
            candidatePodsToDelete.push(oldPod.metadata?.name ?? '');
          }
        }
      }
      const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidatePodsToDelete.length);
      await this.syncNodes(ds, [...allowedReplacementPods, ...candidatePodsToDelete.slice(0, remaining)], [], hash);
      return;
    }
    // Surging: create a new pod beside each old one (up to maxSurge), delete the old once the new is available.
    const oldPodsToDelete: string[] = [];
    const shouldNotRunPodsToDelete: string[] = [];
    const candidateNewNodes: string[] = [];
    const allowedNewNodes: string[] = [];
    let numSurge = 0;
    let numAvailable = 0;
    for (const [nodeName, pods] of entries) {
      const { newPod, oldPod, ok } = this.findUpdatedPodsOnNode(ds, pods, hash);
      if (!ok) {
        numSurge++;
        continue;
      }
      if (oldPod) {
        if (available(oldPod)) numAvailable++;
      } else if (newPod && available(newPod)) numAvailable++;
      if (!oldPod) continue;
      const node = nodeByName.get(nodeName);
      if (!newPod) {
        const shouldRun = node ? nodeShouldRunDaemonPod(node, ds)[0] : false;
        if (!available(oldPod)) {
          if (!shouldRun) oldPodsToDelete.push(oldPod.metadata?.name ?? '');
          else allowedNewNodes.push(nodeName);
        } else if (!shouldRun) {
          shouldNotRunPodsToDelete.push(oldPod.metadata?.name ?? '');
        } else if (numSurge < maxSurge) {
          candidateNewNodes.push(nodeName);
        }
      } else if (!available(newPod)) {
        numSurge++;
      } else {
        oldPodsToDelete.push(oldPod.metadata?.name ?? '');
      }
    }
    const deletable = Math.min(Math.max(0, numAvailable - desired), shouldNotRunPodsToDelete.length);
    oldPodsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
    const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNewNodes.length);
    await this.syncNodes(
      ds,
      oldPodsToDelete,
      [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)],
      hash,
    );
  }

  // ---- status ---------------------------------------------------------------------------------------

  private async updateDaemonSetStatus(
    ds: DaemonSet,
    nodeList: Node[],
    hash: string,
    updateObservedGen: boolean,
  ): Promise<void> {
    const nodeToDaemonPods = await this.getNodesToDaemonPods(ds, false);
    const now = this.c.nowMs();
    const min = ds.spec.minReadySeconds ?? 0;
    const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodeList) {
      const [wantToRun] = nodeShouldRunDaemonPod(node, ds);
      const daemonPods = nodeToDaemonPods.get(node.metadata?.name ?? '') ?? [];
      const scheduled = daemonPods.length > 0;
      if (wantToRun) {
        desired++;
        if (!scheduled) continue;
        current++;
        const pod = [...daemonPods].sort(byCreationAndPhase)[0] as Pod;
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, min, now)) available++;
        }
        if (isPodUpdated(pod, hash, generation)) updated++;
      } else if (scheduled) misscheduled++;
    }
    const unavailable = desired - available;
    const st = ds.status ?? {};
    const observedGeneration = updateObservedGen ? (ds.metadata?.generation ?? 0) : (st.observedGeneration ?? 0);
    if (
      (st.desiredNumberScheduled ?? 0) === desired &&
      (st.currentNumberScheduled ?? 0) === current &&
      (st.numberMisscheduled ?? 0) === misscheduled &&
      (st.numberReady ?? 0) === ready &&
      (st.updatedNumberScheduled ?? 0) === updated &&
      (st.numberAvailable ?? 0) === available &&
      (st.numberUnavailable ?? 0) === unavailable &&
      (st.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0)
    ) {
      if (min > 0 && ready !== available) this.requeue.after(keyOf(ds), min * 1000);
      return;
    }
    const status: Record<string, number> = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration,
    };
    if (updated) status.updatedNumberScheduled = updated;
    if (available) status.numberAvailable = available;
    if (unavailable) status.numberUnavailable = unavailable;
    if (st.collisionCount) status.collisionCount = st.collisionCount;
    await updateStatusWithRetry(this.c.client, GR.daemonsets, ds, status);
    // Resync after minReadySeconds as a last line of defence against clock skew.
    if (min > 0 && ready !== available) this.requeue.after(keyOf(ds), min * 1000);
  }
}
