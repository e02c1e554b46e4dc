/**
 * The Job controller (pkg/controller/job: job_controller.go, backoff_utils.go, indexed_job_utils.go,
 * tracking_utils.go): runs pods until `completions` of them succeed, at most `parallelism` at once,
 * recreating failed ones after an exponential back-off (10 s doubling, capped at 10 min, as
 * DefaultJobPodFailureBackOff/MaxJobPodFailureBackOff in v1.33) until more than backoffLimit have
 * failed or activeDeadlineSeconds has passed. Pods carry the `batch.kubernetes.io/job-tracking`
 * finalizer; a finished pod is first recorded in status.uncountedTerminatedPods, then its finalizer
 * is removed, then it moves into status.succeeded/failed, so no pod is counted twice or lost even if
 * the controller restarts in between. Terminal conditions come in two steps as in v1.33
 * (SuccessCriteriaMet then Complete; FailureTarget then Failed, once no pod is terminating).
 * Indexed jobs give each pod a completion index (annotation, label, JOB_COMPLETION_INDEX, hostname,
 * `<job>-<index>-` names) and report status.completedIndexes.
 *
 * Not simulated: podFailurePolicy, backoffLimitPerIndex/maxFailedIndexes, successPolicy, managedBy
 * other than the built-in controller (such Jobs are left alone), and the job metrics.
 */
import { formatRFC3339, parseRFC3339 } from '../../../src/machinery/api/time.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import {
  type Controller,
  type ControllerContext,
  claimPods,
  controllerRef,
  isPodActive,
  isPodReady,
  newControllerRef,
  selectorMatches,
} from '../shared.ts';
import {
  ControllerExpectations,
  type PodSpec,
  Requeuer,
  SLOW_START_INITIAL_BATCH_SIZE,
  slowStartBatch,
} from './daemonset.ts';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
const JOB_COMPLETION_INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';
const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'];
const CONTROLLER_UID_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'];

/** syncJobBatchPeriod: pod events and status updates sync the Job at most once a second. */
const SYNC_JOB_BATCH_PERIOD = 1000;
export const DEFAULT_JOB_POD_FAILURE_BACKOFF = 10_000;
export const MAX_JOB_POD_FAILURE_BACKOFF = 10 * 60_000;
const MAX_UNCOUNTED_PODS = 500;
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
const UNKNOWN_COMPLETION_INDEX = -1;

type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}
type Container = { name?: string; env?: { name: string; [k: string]: unknown }[]; [k: string]: unknown };
export type Job = KObject & {
  spec: {
    parallelism?: number;
    completions?: number;
    activeDeadlineSeconds?: number;
    backoffLimit?: number;
    selector?: LabelSelector;
    manualSelector?: boolean;
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
      spec?: PodSpec & { restartPolicy?: string; containers?: Container[]; initContainers?: Container[] };
    };
    completionMode?: string;
    suspend?: boolean;
    podReplacementPolicy?: string;
    podFailurePolicy?: unknown;
    managedBy?: string;
  };
  status?: JobStatus;
};
type ContainerStatus = { restartCount?: number; state?: { terminated?: { finishedAt?: string } } };
type Pod = KObject & {
  spec?: PodSpec;
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
};

interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

interface SyncJobCtx {
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  finishedCondition?: JobCondition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Set<number>;
  succeededIndexes: Set<number>;
  newBackoffRecord: BackoffRecord;
  expectedRmFinalizers: Set<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  terminating: number;
  ready: number;
}

// ---- small helpers (utils.go, indexed_job_utils.go) -----------------------------------------------

const hasJobTrackingFinalizer = (p: Pod) => (p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
const isIndexedJob = (job: Job) => job.spec.completionMode === 'Indexed';
const jobSuspended = (job: Job) => job.spec.suspend === true;
const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const findCondition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type);

/** IsJobFinished: a Complete or Failed condition that is True. */
export function isJobFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed, or a podFailurePolicy. */
const onlyReplaceFailedPods = (job: Job) => job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;

/** isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it succeeded. */
function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

export function getCompletionIndex(annotations: Record<string, string> | undefined): number {
  const v = annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return UNKNOWN_COMPLETION_INDEX;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : UNKNOWN_COMPLETION_INDEX;
}

/** parseIndexesFromString: "1,3-5" → {1,3,4,5}, dropping indexes ≥ completions. */
export function parseIndexesFromString(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-');
    const first = Number(a);
    const last = b === undefined ? first : Number(b);
    if (!Number.isInteger(first) || !Number.isInteger(last)) continue;
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return out;
}

/** orderedIntervals.String(): "0-2,4,6,7": ranges of three or more with a dash, pairs with a comma. */
export function formatIndexes(set: Set<number>): string {
  const xs = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && (xs[j + 1] as number) === (xs[j] as number) + 1) j++;
    const first = xs[i] as number;
    const last = xs[j] as number;
    if (last === first) parts.push(String(first));
    else if (last === first + 1) parts.push(`${first},${last}`);
    else parts.push(`${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** podGenerateNameWithIndex: `<job>-<index>-`, the job name cut so the prefix fits 58 characters. */
function podGenerateNameWithIndex(jobName: string, index: number): string {
  const appendIndex = `-${index}-`;
  const prefix = jobName + appendIndex;
  return prefix.length > 58 ? jobName.slice(0, 58 - appendIndex.length) + appendIndex : prefix;
}

/** controller.ActivePods ordering: the pods to delete first come first. */
function activePodsLess(a: Pod, b: Pod): number {
  const an = a.spec?.nodeName ? 1 : 0;
  const bn = b.spec?.nodeName ? 1 : 0;
  if (an !== bn) return an - bn;
  const rank = (p: Pod) => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? 'Pending'] ?? 0;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ar = isPodReady(a) ? 1 : 0;
  const br = isPodReady(b) ? 1 : 0;
  if (ar !== br) return ar - br;
  const readySince = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '';
  if (ar && readySince(a) !== readySince(b)) return readySince(a) > readySince(b) ? -1 : 1;
  const restarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ac = a.metadata?.creationTimestamp ?? '';
  const bc = b.metadata?.creationTimestamp ?? '';
  if (ac !== bc) return ac > bc ? -1 : 1;
  return 0;
}

/** getFinishedTime: last container finish, else Ready=False transition, else deletion time, else creation. */
function getFinishedTime(p: Pod): number {
  const statuses = p.status?.containerStatuses ?? [];
  let finish: number | undefined;
  let all = statuses.length > 0;
  for (const cs of statuses) {
    const t = cs.state?.terminated?.finishedAt ? parseRFC3339(cs.state.terminated.finishedAt) : Number.NaN;
    if (Number.isNaN(t)) {
      all = false;
      break;
    }
    if (finish === undefined || t > finish) finish = t;
  }
  if (all && finish !== undefined) return finish;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False' && ready.lastTransitionTime) return parseRFC3339(ready.lastTransitionTime);
  if (p.metadata?.deletionTimestamp) {
    return parseRFC3339(p.metadata.deletionTimestamp) - (p.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  }
  return parseRFC3339(p.metadata?.creationTimestamp ?? '');
}

/** getRemainingTimeForFailuresCount: 10 s × 2^(failures−1), capped, minus the time since the last failure. */
export function getRemainingTime(record: BackoffRecord, nowMs: number, base: number, max: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let backoff = base;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    backoff *= 2;
    if (backoff >= max) {
      backoff = max;
      break;
    }
  }
  const elapsed = nowMs - record.lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}

// ---- the controller ---------------------------------------------------------------------------------

export class JobController implements Controller {
  readonly name = 'job-controller';
  private queue: WorkQueue;
  private orphanQueue: WorkQueue;
  private requeue: Requeuer;
  private expectations: ControllerExpectations;
  /** uidTrackingExpectations: pods whose finalizer removal has been asked but not yet seen. */
  private finalizerExpectations = new Map<string, Set<string>>();
  /** podBackoffStore. */
  private backoffStore = new Map<string, BackoffRecord>();

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'job', (key) => this.syncJob(key), 5);
    this.orphanQueue = new WorkQueue(c.ctx, 'job_orphan_pod', (key) => this.syncOrphanPod(key), 1);
    this.requeue = new Requeuer(c.ctx, this.queue);
    this.expectations = new ControllerExpectations(c.ctx);
  }

  private get jobs() {
    return this.c.informers.for<Job>(GR.jobs);
  }

  private get pods() {
    return this.c.informers.for<Pod>(GR.pods);
  }

  private recorder() {
    return this.c.recorder('job-controller');
  }

  setup(): void {
    this.jobs.addHandlers({
      add: (j) => this.queue.add(keyOf(j)),
      update: (o, j) => this.updateJob(o, j),
      delete: (j) => {
        this.queue.add(keyOf(j));
        this.cleanupPodFinalizers(j);
      },
    });
    this.pods.addHandlers({
      add: (p) => this.addPod(p),
      update: (o, p) => this.updatePod(o, p),
      delete: (p) => this.deletePod(p, true),
    });
  }

  run(): void {
    for (const j of this.jobs.list()) this.queue.add(keyOf(j));
    for (const p of this.pods.list())
      if (hasJobTrackingFinalizer(p) && !this.resolveControllerRef(p)) this.orphanQueue.add(keyOf(p));
  }

  private enqueueSyncJobBatched(job: Job): void {
    this.requeue.after(keyOf(job), SYNC_JOB_BATCH_PERIOD);
  }

  private updateJob(o: Job, j: Job): void {
    const key = keyOf(j);
    if (o.metadata?.generation === j.metadata?.generation) this.enqueueSyncJobBatched(j);
    else this.queue.add(key);
    if (isJobFinished(j)) this.cleanupPodFinalizers(j);
    // A new or changed activeDeadlineSeconds needs a sync when it runs out.
    if (j.status?.startTime && j.spec.activeDeadlineSeconds !== undefined) {
      if (o.spec.activeDeadlineSeconds !== j.spec.activeDeadlineSeconds) {
        const passed = this.c.nowMs() - parseRFC3339(j.status.startTime);
        this.requeue.after(key, j.spec.activeDeadlineSeconds * 1000 - passed);
      }
    }
  }

  private resolveControllerRef(p: Pod): Job | undefined {
    const ref = controllerRef(p);
    if (ref?.kind !== 'Job') return undefined;
    const job = this.jobs.getByName(p.metadata?.namespace ?? '', ref.name);
    return job && job.metadata?.uid === ref.uid ? job : undefined;
  }

  private getPodJobs(p: Pod): Job[] {
    return this.jobs.list(p.metadata?.namespace).filter((j) => {
      const sel = this.selectorOf(j);
      return sel !== undefined && selectorMatches(sel, p.metadata?.labels);
    });
  }

  private finalizerRemovalObserved(key: string, uid: string): void {
    this.finalizerExpectations.get(key)?.delete(uid);
  }

  private addPod(p: Pod): void {
    if (p.metadata?.deletionTimestamp) {
      this.deletePod(p, false);
      return;
    }
    if (controllerRef(p)) {
      const job = this.resolveControllerRef(p);
      if (!job) {
        if (hasJobTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
        return;
      }
      this.expectations.creationObserved(keyOf(job));
      this.enqueueSyncJobBatched(job);
      return;
    }
    if (hasJobTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
    for (const j of this.getPodJobs(p)) this.enqueueSyncJobBatched(j);
  }

  private updatePod(o: Pod, p: Pod): void {
    if (o.metadata?.resourceVersion === p.metadata?.resourceVersion) return;
    if (p.metadata?.deletionTimestamp) {
      this.deletePod(p, false);
      return;
    }
    const finalizerRemoved = !hasJobTrackingFinalizer(p);
    const cur = controllerRef(p);
    const old = controllerRef(o);
    if (old && JSON.stringify(old) !== JSON.stringify(cur)) {
      const job = this.resolveControllerRef(o);
      if (job) {
        if (finalizerRemoved) this.finalizerRemovalObserved(keyOf(job), p.metadata?.uid ?? '');
        this.enqueueSyncJobBatched(job);
      }
    }
    if (cur) {
      const job = this.resolveControllerRef(p);
      if (!job) {
        if (hasJobTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
        return;
      }
      if (finalizerRemoved) this.finalizerRemovalObserved(keyOf(job), p.metadata?.uid ?? '');
      this.enqueueSyncJobBatched(job);
      return;
    }
    if (hasJobTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
    if (JSON.stringify(o.metadata?.labels ?? {}) !== JSON.stringify(p.metadata?.labels ?? {}) || old)
      for (const j of this.getPodJobs(p)) this.enqueueSyncJobBatched(j);
  }

  private deletePod(p: Pod, final: boolean): void {
    const hasFinalizer = hasJobTrackingFinalizer(p);
    if (!controllerRef(p)) {
      if (hasFinalizer) this.orphanQueue.add(keyOf(p));
      return;
    }
    const job = this.resolveControllerRef(p);
    if (!job || isJobFinished(job)) {
      if (hasFinalizer) this.orphanQueue.add(keyOf(p));
      return;
    }
    const key = keyOf(job);
    this.expectations.deletionObserved(key);
    if (final || !hasFinalizer) this.finalizerRemovalObserved(key, p.metadata?.uid ?? '');
    this.enqueueSyncJobBatched(job);
  }

  /** cleanupPodFinalizers: a finished or deleted Job's pods lose their tracking finalizers (via the orphan queue). */
  private cleanupPodFinalizers(job: Job): void {
    for (const p of this.pods.list(job.metadata?.namespace)) {
      if (controllerRef(p)?.uid === job.metadata?.uid && hasJobTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
    }
  }

  /** syncOrphanPod: removes the tracking finalizer from a pod no unfinished Job owns. */
  private async syncOrphanPod(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const pod = this.pods.getByName(ns, name);
    if (!pod) return;
    const ref = controllerRef(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolveControllerRef(pod);
      if (job?.spec.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller') return;
      if (job && !isJobFinished(job)) return;
    }
    if (!hasJobTrackingFinalizer(pod)) return;
    try {
      await this.c.client.patch(GR.pods, ns, name, 'strategic', removeTrackingFinalizerPatch());
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /**
   * The Job's selector. The API server's job strategy generates one on the Job's UID (and the
   * matching template labels) unless manualSelector; for a Job stored without it, the controller
   * selects by the UID label it puts on its pods itself.
   */
  private selectorOf(job: Job): LabelSelector | undefined {
    if (job.spec.selector) return job.spec.selector;
    if (job.spec.manualSelector) return undefined;
    return { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata?.uid ?? '' } };
  }

  /** getPodsForJob: claims matching orphans (adding the tracking finalizer) and releases strays. */
  private getPodsForJob(job: Job): Promise<Pod[]> {
    const sel = this.selectorOf(job);
    return claimPods(
      this.c,
      job,
      'batch/v1',
      'Job',
      this.pods.list(job.metadata?.namespace),
      (p) => sel !== undefined && selectorMatches(sel, p.metadata?.labels),
      JOB_TRACKING_FINALIZER,
    );
  }

  // ---- syncJob ------------------------------------------------------------------------------------

  private async syncJob(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const shared = this.jobs.getByName(ns, name);
    if (!shared) {
      this.expectations.deleteExpectations(key);
      this.finalizerExpectations.delete(key);
      this.backoffStore.delete(key);
      return;
    }
    if (shared.spec.managedBy && shared.spec.managedBy !== 'kubernetes.io/job-controller') return;
    const job: Job = structuredClone(shared);
    if (isJobFinished(job)) {
      this.backoffStore.delete(key);
      return;
    }
    const mode = job.spec.completionMode ?? 'NonIndexed';
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.recorder().event(
        job,
        'Warning',
        'UnknownCompletionMode',
        'Skipped Job sync because completion mode is unknown',
      );
      return;
    }
    job.status ??= {};
    job.status.uncountedTerminatedPods ??= {};
    const satisfiedExpectations = this.expectations.satisfiedExpectations(key);
    const pods = await this.getPodsForJob(job);
    const activePods = pods.filter(isPodActive);
    const uncounted = job.status.uncountedTerminatedPods;
    const jobCtx: SyncJobCtx = {
      job,
      pods,
      activePods,
      ready: activePods.filter(isPodReady).length,
      uncounted: { succeeded: new Set(uncounted.succeeded ?? []), failed: new Set(uncounted.failed ?? []) },
      expectedRmFinalizers: new Set(this.finalizerExpectations.get(key) ?? []),
      terminating: pods.filter((p) => !isTerminal(p) && !!p.metadata?.deletionTimestamp).length,
      succeeded: 0,
      failed: 0,
      prevSucceededIndexes: new Set(),
      succeededIndexes: new Set(),
      newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
    };
    let active = activePods.length;
    const [newSucceededPods, newFailedPods] = this.getNewFinishedPods(jobCtx);
    jobCtx.succeeded = (job.status.succeeded ?? 0) + newSucceededPods.length + jobCtx.uncounted.succeeded.size;
    jobCtx.failed = (job.status.failed ?? 0) + newFailedPods.length + jobCtx.uncounted.failed.size;
    const now = this.c.nowMs();
    if (!job.status.startTime && !jobSuspended(job)) job.status.startTime = formatRFC3339(now);
    jobCtx.newBackoffRecord = this.newBackoffRecord(key, newSucceededPods, newFailedPods);

    const backoffLimit = job.spec.backoffLimit ?? 6;
    const exceedsBackoffLimit = jobCtx.failed > backoffLimit;
    const scm = findCondition(job, 'SuccessCriteriaMet');
    if (scm?.status === 'True') jobCtx.finishedCondition = scm;
    if (!jobCtx.finishedCondition) {
      const ft = findCondition(job, 'FailureTarget');
      if (ft?.status === 'True')
        jobCtx.finishedCondition = this.newCondition('Failed', ft.reason ?? '', ft.message ?? '');
    }
    if (!jobCtx.finishedCondition) {
      if (exceedsBackoffLimit || this.pastBackoffLimitOnFailure(job, pods)) {
        jobCtx.finishedCondition = this.newFailureCondition(
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
        );
      } else if (this.pastActiveDeadline(job)) {
        jobCtx.finishedCondition = this.newFailureCondition(
          'DeadlineExceeded',
          'Job was active longer than specified deadline',
        );
      } else if (job.spec.activeDeadlineSeconds !== undefined && !jobSuspended(job) && job.status.startTime) {
        const syncIn = job.spec.activeDeadlineSeconds * 1000 - (now - parseRFC3339(job.status.startTime));
        this.requeue.after(key, syncIn);
      }
    }
    if (isIndexedJob(job)) {
      const completions = job.spec.completions ?? 0;
      jobCtx.prevSucceededIndexes = parseIndexesFromString(job.status.completedIndexes, completions);
      jobCtx.succeededIndexes = new Set(jobCtx.prevSucceededIndexes);
      for (const p of pods) {
        const ix = getCompletionIndex(p.metadata?.annotations);
        if (p.status?.phase === 'Succeeded' && hasJobTrackingFinalizer(p) && ix >= 0 && ix < completions)
          jobCtx.succeededIndexes.add(ix);
      }
      jobCtx.succeeded = jobCtx.succeededIndexes.size;
    }

    let manageJobErr: Error | undefined;
    let suspendCondChanged = false;
    if (jobCtx.finishedCondition) {
      const { deletedReady, deleted, error } = await this.deleteActivePods(job, jobCtx.activePods);
      // Pods not yet gone, or not yet in the cache: the Job cannot be declared finished yet.
      if (deleted !== active || !satisfiedExpectations) jobCtx.finishedCondition = undefined;
      active -= deleted;
      jobCtx.terminating += deleted;
      jobCtx.ready -= deletedReady;
      manageJobErr = error;
    } else {
      let manageJobCalled = false;
      if (satisfiedExpectations && !job.metadata?.deletionTimestamp) {
        const r = await this.manageJob(job, jobCtx);
        active = r.active;
        manageJobErr = r.error;
        manageJobCalled = true;
      }
      const completions = job.spec.completions;
      const complete =
        completions === undefined
          ? jobCtx.succeeded > 0 && active === 0
          : isIndexedJob(job)
            ? jobCtx.succeededIndexes.size === completions
            : jobCtx.succeeded >= completions && active === 0;
      if (complete) {
        jobCtx.finishedCondition = this.newCondition(
          'SuccessCriteriaMet',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
        );
      } else if (manageJobCalled) {
        if (jobSuspended(job)) {
          if (this.ensureJobConditionStatus(job, 'Suspended', 'True', 'JobSuspended', 'Job suspended')) {
            suspendCondChanged = true;
            this.recorder().event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (this.ensureJobConditionStatus(job, 'Suspended', 'False', 'JobResumed', 'Job resumed')) {
          suspendCondChanged = true;
          this.recorder().event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts time continuously active: resuming restarts the clock.
          job.status.startTime = formatRFC3339(now);
        }
      }
    }
    const needsStatusUpdate =
      suspendCondChanged ||
      active !== (job.status.active ?? 0) ||
      jobCtx.ready !== job.status.ready ||
      jobCtx.terminating !== job.status.terminating;
    job.status.active = active;
    job.status.ready = jobCtx.ready;
    job.status.terminating = jobCtx.terminating;
    await this.trackJobStatusAndRemoveFinalizers(key, jobCtx, needsStatusUpdate);
    if (manageJobErr) throw manageJobErr;
  }

  private newCondition(type: string, reason: string, message: string, status = 'True'): JobCondition {
    const now = formatRFC3339(this.c.nowMs());
    const c: JobCondition = { type, status, lastProbeTime: now, lastTransitionTime: now };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  }

  /** newFailureCondition: FailureTarget first (delayTerminalCondition is on in v1.33), Failed later. */
  private newFailureCondition(reason: string, message: string): JobCondition {
    return this.newCondition('FailureTarget', reason, message);
  }

  /** ensureJobConditionStatus: sets a condition's status, reason and message; never adds a False one. */
  private ensureJobConditionStatus(job: Job, type: string, status: string, reason: string, message: string): boolean {
    const list = (job.status ??= {}).conditions ?? [];
    const i = list.findIndex((c) => c.type === type);
    if (i >= 0) {
      const c = list[i] as JobCondition;
      if (c.status === status && c.reason === reason && c.message === message) return false;
      list[i] = this.newCondition(type, reason, message, status);
      job.status.conditions = list;
      return true;
    }
    if (status === 'False') return false;
    job.status.conditions = [...list, this.newCondition(type, reason, message, status)];
    return true;
  }

  /** pastBackoffLimitOnFailure: for restartPolicy OnFailure, container restarts count as failures. */
  private pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
    if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
    let result = 0;
    for (const p of pods) {
      if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
      for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])])
        result += s.restartCount ?? 0;
    }
    const limit = job.spec.backoffLimit ?? 6;
    return limit === 0 ? result > 0 : result >= limit;
  }

  private pastActiveDeadline(job: Job): boolean {
    if (job.spec.activeDeadlineSeconds === undefined || !job.status?.startTime || jobSuspended(job)) return false;
    return this.c.nowMs() - parseRFC3339(job.status.startTime) >= job.spec.activeDeadlineSeconds * 1000;
  }

  /** getNewFinishedPods: finished pods still carrying the finalizer and not yet in uncountedTerminatedPods. */
  private getNewFinishedPods(jobCtx: SyncJobCtx): [Pod[], Pod[]] {
    const valid = (uncounted: Set<string>, filter: (p: Pod) => boolean) =>
      jobCtx.pods.filter((p) => {
        const uid = p.metadata?.uid ?? '';
        if (!hasJobTrackingFinalizer(p) || uncounted.has(uid) || jobCtx.expectedRmFinalizers.has(uid)) return false;
        if (isIndexedJob(jobCtx.job)) {
          const ix = getCompletionIndex(p.metadata?.annotations);
          if (ix === UNKNOWN_COMPLETION_INDEX || ix >= (jobCtx.job.spec.completions ?? 0)) return false;
        }
        return filter(p);
      });
    return [
      valid(jobCtx.uncounted.succeeded, (p) => p.status?.phase === 'Succeeded'),
      valid(jobCtx.uncounted.failed, (p) => isPodFailed(p, jobCtx.job)),
    ];
  }

  /** backoffStore.newBackoffRecord: failures since the last success, and when the last one was. */
  private newBackoffRecord(key: string, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
    const old = this.backoffStore.get(key);
    const record: BackoffRecord = old ? { ...old } : { key, failuresAfterLastSuccess: 0 };
    const succ = newSucceeded.map(getFinishedTime).sort((a, b) => a - b);
    const fail = newFailed.map(getFinishedTime).sort((a, b) => a - b);
    if (succ.length === 0) {
      if (fail.length === 0) return record;
      record.failuresAfterLastSuccess += fail.length;
      record.lastFailureTime = fail[fail.length - 1];
      return record;
    }
    record.failuresAfterLastSuccess = 0;
    record.lastFailureTime = undefined;
    const lastSuccess = succ[succ.length - 1] as number;
    for (let i = fail.length - 1; i >= 0; i--) {
      const t = fail[i] as number;
      if (t <= lastSuccess) break;
      if (record.lastFailureTime === undefined) record.lastFailureTime = t;
      record.failuresAfterLastSuccess++;
    }
    return record;
  }

  /** deleteActivePods: DELETE calls that keep the finalizers (removed later, once counted). */
  private async deleteActivePods(
    job: Job,
    pods: Pod[],
  ): Promise<{ deletedReady: number; deleted: number; error?: Error }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let error: Error | undefined;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.c.client.delete(GR.pods, job.metadata?.namespace ?? '', p.metadata?.name ?? '');
          this.recorder().event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
        } catch (e) {
          if (!isNotFound(e)) {
            deleted--;
            error ??= e as Error;
          }
        }
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deletedReady, deleted, error };
  }

  /** deleteJobPods: removes the finalizer, then deletes (pods the Job no longer needs). */
  private async deleteJobPods(
    job: Job,
    key: string,
    pods: Pod[],
  ): Promise<{ deletedReady: number; deleted: number; error?: Error }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let error: Error | undefined;
    const ns = job.metadata?.namespace ?? '';
    await Promise.all(
      pods.map(async (p) => {
        const name = p.metadata?.name ?? '';
        try {
          if (hasJobTrackingFinalizer(p))
            await this.c.client.patch(GR.pods, ns, name, 'strategic', removeTrackingFinalizerPatch());
          await this.c.client.delete(GR.pods, ns, name);
          this.recorder().event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (e) {
          this.expectations.deletionObserved(key);
          if (!isNotFound(e)) {
            deleted--;
            error ??= e as Error;
          }
        }
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deletedReady, deleted, error };
  }

  /** activePodsForRemoval: duplicated or out-of-range indexes first (Indexed), then the least valuable pods. */
  private activePodsForRemoval(job: Job, pods: Pod[], rmAtLeast: number): Pod[] {
    const rm: Pod[] = [];
    let left: Pod[] = pods;
    if (isIndexedJob(job)) {
      left = [];
      const completions = job.spec.completions ?? 0;
      const byIndex = new Map<number, Pod[]>();
      for (const p of pods) {
        const ix = getCompletionIndex(p.metadata?.annotations);
        if (ix === UNKNOWN_COMPLETION_INDEX || ix >= completions) {
          rm.push(p);
          continue;
        }
        byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
      }
      for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
        const same = [...(byIndex.get(ix) ?? [])].sort(activePodsLess);
        rm.push(...same.slice(0, -1));
        left.push(same[same.length - 1] as Pod);
      }
    }
    if (rm.length < rmAtLeast) rm.push(...[...left].sort(activePodsLess).slice(0, rmAtLeast - rm.length));
    return rm;
  }

  /** firstPendingIndexes: the lowest indexes neither succeeded nor running. */
  private firstPendingIndexes(jobCtx: SyncJobCtx, count: number, completions: number): number[] {
    const nonPending = new Set(jobCtx.succeededIndexes);
    for (const p of jobCtx.activePods) {
      const ix = getCompletionIndex(p.metadata?.annotations);
      if (ix !== UNKNOWN_COMPLETION_INDEX) nonPending.add(ix);
    }
    const out: number[] = [];
    for (let i = 0; i < completions && out.length < count; i++) if (!nonPending.has(i)) out.push(i);
    return out;
  }

  /**
   * manageJob: keeps min(parallelism, completions − succeeded) pods active, deleting the extra or
   * creating the missing ones in slow-start batches once the failure back-off has passed.
   */
  private async manageJob(job: Job, jobCtx: SyncJobCtx): Promise<{ active: number; error?: Error }> {
    const key = keyOf(job);
    let active = jobCtx.activePods.length;
    const parallelism = job.spec.parallelism ?? 1;
    if (jobSuspended(job)) {
      const podsToDelete = this.activePodsForRemoval(job, jobCtx.activePods, active);
      this.expectations.expectDeletions(key, podsToDelete.length);
      const r = await this.deleteJobPods(job, key, podsToDelete);
      active -= r.deleted;
      jobCtx.terminating += r.deleted;
      jobCtx.ready -= r.deletedReady;
      return { active, error: r.error };
    }
    let wantActive: number;
    if (job.spec.completions === undefined) wantActive = jobCtx.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(job.spec.completions - jobCtx.succeeded, parallelism));
    const rmAtLeast = Math.max(0, active - wantActive);
    const podsToDelete = this.activePodsForRemoval(job, jobCtx.activePods, rmAtLeast).slice(
      0,
      MAX_POD_CREATE_DELETE_PER_SYNC,
    );
    if (podsToDelete.length > 0) {
      this.expectations.expectDeletions(key, podsToDelete.length);
      const r = await this.deleteJobPods(job, key, podsToDelete);
      active -= r.deleted;
      jobCtx.terminating += r.deleted;
      jobCtx.ready -= r.deletedReady;
      return { active, error: r.error };
    }
    const terminating = onlyReplaceFailedPods(job) ? jobCtx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };
    const remaining = getRemainingTime(
      jobCtx.newBackoffRecord,
      this.c.nowMs(),
      DEFAULT_JOB_POD_FAILURE_BACKOFF,
      MAX_JOB_POD_FAILURE_BACKOFF,
    );
    if (remaining > 0) {
      this.requeue.after(key, Math.max(remaining, SYNC_JOB_BATCH_PERIOD));
      return { active: 0 };
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexesToAdd: number[] = [];
    if (isIndexedJob(job)) {
      indexesToAdd = this.firstPendingIndexes(jobCtx, diff, job.spec.completions ?? 0);
      diff = indexesToAdd.length;
    }
    this.expectations.expectCreations(key, diff);
    active += diff;
    const template = this.podTemplate(job);
    const ns = job.metadata?.namespace ?? '';
    const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH_SIZE, async (i) => {
      const index = indexesToAdd[i] ?? UNKNOWN_COMPLETION_INDEX;
      const t = structuredClone(template);
      let generateName = `${job.metadata?.name}-`;
      if (index !== UNKNOWN_COMPLETION_INDEX) {
        t.annotations = { ...(t.annotations ?? {}), [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
        t.labels[JOB_COMPLETION_INDEX_LABEL] = String(index);
        t.spec.hostname = `${job.metadata?.name}-${index}`;
        generateName = podGenerateNameWithIndex(job.metadata?.name ?? '', index);
      }
      const pod: KObject = {
        metadata: {
          generateName,
          namespace: ns,
          labels: t.labels,
          ...(t.annotations ? { annotations: t.annotations } : {}),
          finalizers: t.finalizers,
          ownerReferences: [newControllerRef(job, 'batch/v1', 'Job')],
        },
        spec: t.spec,
      };
      try {
        const created = await this.c.client.create(GR.pods, ns, pod);
        this.recorder().event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (e) {
        this.expectations.creationObserved(key);
        active--;
        this.recorder().event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    if (error) {
      // Pods never attempted (after the failed batch) are not expected either.
      const skipped = diff - successes - 1;
      for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
      active -= Math.max(0, skipped);
    }
    return { active, error };
  }

  /** The pod template: the Job's, plus the tracking finalizer, JOB_COMPLETION_INDEX (Indexed) and the Job labels. */
  private podTemplate(job: Job): {
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers: string[];
    spec: PodSpec & { containers?: Container[]; initContainers?: Container[] };
  } {
    const t = structuredClone(job.spec.template ?? {});
    const spec = t.spec ?? {};
    if (isIndexedJob(job)) {
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        if ((c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
        c.env = [
          ...(c.env ?? []),
          {
            name: 'JOB_COMPLETION_INDEX',
            valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX_ANNOTATION}']` } },
          },
        ];
      }
    }
    const labels = { ...(t.metadata?.labels ?? {}) };
    if (!job.spec.selector && !job.spec.manualSelector) {
      // The labels the API server's generateSelector would have put on the template.
      for (const l of JOB_NAME_LABELS) labels[l] ??= job.metadata?.name ?? '';
      for (const l of CONTROLLER_UID_LABELS) labels[l] ??= job.metadata?.uid ?? '';
    }
    const finalizers = [...(t.metadata?.finalizers ?? [])];
    if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
    return {
      labels,
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      finalizers,
      spec,
    };
  }

  // ---- status tracking (trackJobStatusAndRemoveFinalizers) ---------------------------------------

  /** canRemoveFinalizer: the Job is ending, or the pod succeeded, or it counts as failed. */
  private canRemoveFinalizer(jobCtx: SyncJobCtx, pod: Pod, considerPodFailed: boolean): boolean {
    return (
      !!jobCtx.job.metadata?.deletionTimestamp ||
      jobCtx.finishedCondition !== undefined ||
      pod.status?.phase === 'Succeeded' ||
      considerPodFailed
    );
  }

  /**
   * trackJobStatusAndRemoveFinalizers: (1) adds finished pods to status.uncountedTerminatedPods,
   * (2) removes their finalizers, (3) moves those without a finalizer into the counters, (4) adds
   * the terminal condition once everything is counted and nothing is terminating.
   */
  private async trackJobStatusAndRemoveFinalizers(key: string, jobCtx: SyncJobCtx, needsFlush: boolean): Promise<void> {
    const job = jobCtx.job;
    const status = job.status as JobStatus;
    const isIndexed = isIndexedJob(job);
    const completions = job.spec.completions ?? 0;
    const uncountedStatus = (status.uncountedTerminatedPods ??= {});
    uncountedStatus.succeeded ??= [];
    uncountedStatus.failed ??= [];
    const podsToRemoveFinalizer: Pod[] = [];
    const newSucceededIndexes: number[] = [];
    const pods = isIndexed
      ? [...jobCtx.pods].sort(
          (a, b) => getCompletionIndex(a.metadata?.annotations) - getCompletionIndex(b.metadata?.annotations),
        )
      : jobCtx.pods;
    const uidsWithFinalizer = new Set<string>();
    for (const p of pods) {
      const uid = p.metadata?.uid ?? '';
      if (hasJobTrackingFinalizer(p) && !jobCtx.expectedRmFinalizers.has(uid)) uidsWithFinalizer.add(uid);
    }
    if (cleanUncountedPodsWithoutFinalizers(status, uidsWithFinalizer)) needsFlush = true;
    let reachedMaxUncountedPods = false;
    for (const pod of pods) {
      const uid = pod.metadata?.uid ?? '';
      if (!hasJobTrackingFinalizer(pod) || jobCtx.expectedRmFinalizers.has(uid)) continue;
      const considerPodFailed = isPodFailed(pod, job);
      if (!this.canRemoveFinalizer(jobCtx, pod, considerPodFailed)) continue;
      podsToRemoveFinalizer.push(pod);
      const ix = getCompletionIndex(pod.metadata?.annotations);
      if (pod.status?.phase === 'Succeeded' && !jobCtx.uncounted.failed.has(uid)) {
        if (isIndexed) {
          if (ix !== UNKNOWN_COMPLETION_INDEX && ix < completions && !jobCtx.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!jobCtx.uncounted.succeeded.has(uid)) {
          needsFlush = true;
          uncountedStatus.succeeded.push(uid);
        }
      } else if (
        considerPodFailed ||
        (jobCtx.finishedCondition && jobCtx.finishedCondition.type !== 'SuccessCriteriaMet')
      ) {
        // Once the Job is finishing, every pod not terminated counts as failed.
        if (
          !jobCtx.uncounted.failed.has(uid) &&
          (!isIndexed || (ix !== UNKNOWN_COMPLETION_INDEX && ix < completions))
        ) {
          needsFlush = true;
          uncountedStatus.failed.push(uid);
        }
      }
      if (
        newSucceededIndexes.length + uncountedStatus.succeeded.length + uncountedStatus.failed.length >=
        MAX_UNCOUNTED_PODS
      ) {
        reachedMaxUncountedPods = true;
        break;
      }
    }
    if (isIndexed) {
      for (const ix of newSucceededIndexes) jobCtx.succeededIndexes.add(ix);
      const str = formatIndexes(jobCtx.succeededIndexes);
      if (str !== (status.completedIndexes ?? '')) needsFlush = true;
      status.succeeded = jobCtx.succeededIndexes.size;
      status.completedIndexes = str;
    }
    if (jobCtx.finishedCondition?.type === 'FailureTarget') {
      // Record the interim FailureTarget before the finalizers go; Failed follows once all is counted.
      status.conditions = [...(status.conditions ?? []), jobCtx.finishedCondition];
      needsFlush = true;
      const f = jobCtx.finishedCondition;
      jobCtx.finishedCondition = this.newCondition('Failed', f.reason ?? '', f.message ?? '');
    }
    if (jobCtx.finishedCondition?.type === 'SuccessCriteriaMet') {
      const f = jobCtx.finishedCondition;
      if (!findCondition(job, 'SuccessCriteriaMet')) {
        status.conditions = [...(status.conditions ?? []), f];
        needsFlush = true;
      }
      jobCtx.finishedCondition = this.newCondition('Complete', f.reason ?? '', f.message ?? '');
    }
    needsFlush = await this.flushUncountedAndRemoveFinalizers(
      key,
      jobCtx,
      podsToRemoveFinalizer,
      uidsWithFinalizer,
      needsFlush,
    );
    const jobFinished = !reachedMaxUncountedPods && this.enactJobFinished(jobCtx);
    if (jobFinished) needsFlush = true;
    if (needsFlush) {
      jobCtx.job = await this.updateJobStatus(jobCtx.job);
      if (jobFinished) this.recordJobFinished(jobCtx.job, jobCtx.finishedCondition as JobCondition);
    }
  }

  /**
   * flushUncountedAndRemoveFinalizers: writes the status with the new uncounted pods, removes their
   * finalizers, then counts those whose finalizer is gone. Returns whether a write is still pending.
   */
  private async flushUncountedAndRemoveFinalizers(
    key: string,
    jobCtx: SyncJobCtx,
    podsToRemoveFinalizer: Pod[],
    uidsWithFinalizer: Set<string>,
    needsFlush: boolean,
  ): Promise<boolean> {
    if (needsFlush) {
      jobCtx.job = await this.updateJobStatus(jobCtx.job);
      this.backoffStore.set(key, jobCtx.newBackoffRecord);
      needsFlush = false;
    }
    let rmErr: Error | undefined;
    if (podsToRemoveFinalizer.length > 0) {
      const r = await this.removeTrackingFinalizerFromPods(key, podsToRemoveFinalizer);
      rmErr = r.error;
      podsToRemoveFinalizer.forEach((p, i) => {
        if (r.succeeded[i]) uidsWithFinalizer.delete(p.metadata?.uid ?? '');
      });
    }
    const status = (jobCtx.job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    if (cleanUncountedPodsWithoutFinalizers(status, uidsWithFinalizer)) needsFlush = true;
    if (rmErr) {
      if (needsFlush) jobCtx.job = await this.updateJobStatus(jobCtx.job);
      throw rmErr;
    }
    return needsFlush;
  }

  private async removeTrackingFinalizerFromPods(
    key: string,
    pods: Pod[],
  ): Promise<{ succeeded: boolean[]; error?: Error }> {
    let set = this.finalizerExpectations.get(key);
    if (!set) this.finalizerExpectations.set(key, (set = new Set()));
    for (const p of pods) set.add(p.metadata?.uid ?? '');
    const succeeded = pods.map(() => false);
    let error: Error | undefined;
    await Promise.all(
      pods.map(async (p, i) => {
        if (!hasJobTrackingFinalizer(p)) return;
        try {
          await this.c.client.patch(
            GR.pods,
            p.metadata?.namespace ?? '',
            p.metadata?.name ?? '',
            'strategic',
            removeTrackingFinalizerPatch(),
          );
        } catch (e) {
          this.finalizerRemovalObserved(key, p.metadata?.uid ?? '');
          if (!isNotFound(e)) {
            error ??= e as Error;
            return;
          }
        }
        succeeded[i] = true;
      }),
    );
    return { succeeded, error };
  }

  /** enactJobFinished: adds Complete or Failed once nothing is uncounted or terminating. */
  private enactJobFinished(jobCtx: SyncJobCtx): boolean {
    const cond = jobCtx.finishedCondition;
    if (!cond) return false;
    const job = jobCtx.job;
    const u = job.status?.uncountedTerminatedPods;
    if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
    if (jobCtx.terminating > 0) return false;
    this.ensureJobConditionStatus(job, cond.type, cond.status, cond.reason ?? '', cond.message ?? '');
    if (cond.type === 'Complete') {
      const c = findCondition(job, 'Complete');
      (job.status as JobStatus).completionTime = c?.lastTransitionTime ?? formatRFC3339(this.c.nowMs());
    }
    return true;
  }

  private recordJobFinished(job: Job, cond: JobCondition): void {
    if (cond.type === 'Complete') {
      if (job.spec.completions !== undefined && (job.status?.succeeded ?? 0) > job.spec.completions)
        this.recorder().event(
          job,
          'Warning',
          'TooManySucceededPods',
          'Too many succeeded pods running after completion count reached',
        );
      this.recorder().event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.recorder().event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
    }
  }

  /** updateJobStatus: PUT /status with the fields serialized as the API does (omitempty counters). */
  private async updateJobStatus(job: Job): Promise<Job> {
    const s: JobStatus = structuredClone(job.status ?? {});
    for (const k of ['active', 'succeeded', 'failed'] as const) if (!s[k]) delete s[k];
    if (!s.completedIndexes) delete s.completedIndexes;
    const u = s.uncountedTerminatedPods ?? {};
    if (!u.succeeded?.length) delete u.succeeded;
    if (!u.failed?.length) delete u.failed;
    s.uncountedTerminatedPods = u;
    const out = await this.c.client.updateStatus<Job>(GR.jobs, { ...job, status: s });
    out.status ??= {};
    out.status.uncountedTerminatedPods ??= {};
    return out;
  }
}

/** The strategic merge patch removeTrackingFinalizerPatch sends. */
function removeTrackingFinalizerPatch(): unknown {
  return { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
}

/** cleanUncountedPodsWithoutFinalizers: uncounted pods whose finalizer is gone move into the counters. */
function cleanUncountedPodsWithoutFinalizers(status: JobStatus, uidsWithFinalizer: Set<string>): boolean {
  let updated = false;
  const u = (status.uncountedTerminatedPods ??= {});
  const succ = (u.succeeded ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  if (succ.length !== (u.succeeded ?? []).length) {
    updated = true;
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded ?? []).length - succ.length;
    u.succeeded = succ;
  }
  const fail = (u.failed ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  if (fail.length !== (u.failed ?? []).length) {
    updated = true;
    status.failed = (status.failed ?? 0) + (u.failed ?? []).length - fail.length;
    u.failed = fail;
  }
  return updated;
}
