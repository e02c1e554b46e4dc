/**
 * The StatefulSet controller (pkg/controller/statefulset: stateful_set.go, stateful_set_control.go,
 * stateful_set_utils.go, stateful_pod_control.go): pods with stable names `<set>-<ordinal>`, a stable
 * hostname and the set's service as subdomain. OrderedReady creates one pod at a time, each only
 * once every lower ordinal is Running and Ready, and removes pods from the highest ordinal down, one
 * at a time; Parallel does both all at once. RollingUpdate replaces pods from the highest ordinal
 * down to the partition, one at a time, each once the previous one is healthy; OnDelete waits for
 * the user to delete them.
 *
 * Simplified: ControllerRevision objects are not served by this API server. Revisions are named as
 * upstream's (`<set>-<hash of the template>`) and written to the pods' `controller-revision-hash`
 * label and to status.currentRevision/updateRevision, but the templates of past revisions live only
 * in this controller's memory: after a controller-manager restart in the middle of a partitioned
 * rollout, the current revision is taken to be the update revision (what upstream does when the
 * current ControllerRevision is missing). volumeClaimTemplates are accepted and ignored: no
 * PersistentVolumeClaims are created or bound. maxUnavailable (alpha) is not implemented.
 */
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isAlreadyExists, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
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
import { CONTROLLER_REVISION_HASH, type Pod, type PodSpec, Requeuer, updateStatusWithRetry } from './daemonset.ts';

export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

type Template = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
};
export type StatefulSet = KObject & {
  spec: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: Template;
    serviceName?: string;
    podManagementPolicy?: string;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    minReadySeconds?: number;
    ordinals?: { start?: number };
    revisionHistoryLimit?: number;
    volumeClaimTemplates?: unknown[];
  };
  status?: StatefulSetStatus;
};
interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas?: number;
  conditions?: unknown[];
}
interface Revision {
  name: string;
  template: Template;
}

// ---- stateful_set_utils.go ------------------------------------------------------------------------

/** getParentNameAndOrdinal: `web-2` → ['web', 2]; -1 when the name has no ordinal. */
export function getParentNameAndOrdinal(pod: KObject): [string, number] {
  const m = /^(.*)-([0-9]+)$/.exec(pod.metadata?.name ?? '');
  if (!m) return ['', -1];
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? [m[1] as string, n] : ['', -1];
}

const getOrdinal = (pod: KObject) => getParentNameAndOrdinal(pod)[1];
const getPodName = (set: StatefulSet, ordinal: number) => `${set.metadata?.name}-${ordinal}`;
const getStartOrdinal = (set: StatefulSet) => set.spec.ordinals?.start ?? 0;
const replicasOf = (set: StatefulSet) => set.spec.replicas ?? 1;
const getEndOrdinal = (set: StatefulSet) => getStartOrdinal(set) + replicasOf(set) - 1;
const podInOrdinalRange = (pod: KObject, set: StatefulSet) => {
  const o = getOrdinal(pod);
  return o >= getStartOrdinal(set) && o <= getEndOrdinal(set);
};
const isMemberOf = (set: StatefulSet, pod: KObject) => getParentNameAndOrdinal(pod)[0] === set.metadata?.name;
const isCreated = (pod: Pod) => (pod.status?.phase ?? '') !== '';
const isFailed = (pod: Pod) => pod.status?.phase === 'Failed';
const isSucceeded = (pod: Pod) => pod.status?.phase === 'Succeeded';
const isTerminating = (pod: Pod) => !!pod.metadata?.deletionTimestamp;
const isRunningAndReady = (pod: Pod) => pod.status?.phase === 'Running' && isPodReady(pod);
const isHealthy = (pod: Pod) => isRunningAndReady(pod) && !isTerminating(pod);
const getPodRevision = (pod: Pod) => pod.metadata?.labels?.[CONTROLLER_REVISION_HASH] ?? '';
const allowsBurst = (set: StatefulSet) => set.spec.podManagementPolicy === 'Parallel';

/** identityMatches: name, namespace and the pod-name/pod-index labels agree with the ordinal. */
function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const [parent, ordinal] = getParentNameAndOrdinal(pod);
  const labels = pod.metadata?.labels ?? {};
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    labels[STATEFULSET_POD_NAME_LABEL] === pod.metadata?.name &&
    labels[POD_INDEX_LABEL] === String(ordinal)
  );
}

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private queue: WorkQueue;
  private requeue: Requeuer;
  /** Templates of the revisions seen, by set UID: the stand-in for ControllerRevision objects. */
  private history = new Map<string, Map<string, Template>>();

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'statefulset', (key) => this.syncStatefulSet(key), 5);
    this.requeue = new Requeuer(c.ctx, this.queue);
  }

  private get sets() {
    return this.c.informers.for<StatefulSet>(GR.statefulsets);
  }

  private get pods() {
    return this.c.informers.for<Pod>(GR.pods);
  }

  private recorder() {
    return this.c.recorder('statefulset-controller');
  }

  setup(): void {
    this.sets.addHandlers({
      add: (s) => this.queue.add(keyOf(s)),
      update: (_o, s) => this.queue.add(keyOf(s)),
      delete: (s) => {
        this.history.delete(s.metadata?.uid ?? '');
        this.queue.add(keyOf(s));
      },
    });
    const enqueueFor = (p: Pod) => {
      const set = this.resolveControllerRef(p);
      if (set) this.queue.add(keyOf(set));
      else if (!controllerRef(p)) for (const s of this.getPodStatefulSets(p)) this.queue.add(keyOf(s));
    };
    this.pods.addHandlers({
      add: enqueueFor,
      update: (o, p) => {
        if (o.metadata?.resourceVersion === p.metadata?.resourceVersion) return;
        const old = this.resolveControllerRef(o);
        if (old && old !== this.resolveControllerRef(p)) this.queue.add(keyOf(old));
        enqueueFor(p);
      },
      delete: (p) => {
        const set = this.resolveControllerRef(p);
        if (set) this.queue.add(keyOf(set));
      },
    });
  }

  run(): void {
    for (const s of this.sets.list()) this.queue.add(keyOf(s));
  }

  private resolveControllerRef(p: Pod): StatefulSet | undefined {
    const ref = controllerRef(p);
    if (ref?.kind !== 'StatefulSet') return undefined;
    const set = this.sets.getByName(p.metadata?.namespace ?? '', ref.name);
    return set && set.metadata?.uid === ref.uid ? set : undefined;
  }

  private getPodStatefulSets(p: Pod): StatefulSet[] {
    return this.sets
      .list(p.metadata?.namespace)
      .filter((s) => selectorMatches(s.spec.selector, p.metadata?.labels) && isMemberOf(s, p));
  }

  // ---- sync ---------------------------------------------------------------------------------------

  private async syncStatefulSet(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const shared = this.sets.getByName(ns, name);
    if (!shared) return;
    const set = structuredClone(shared);
    const pods = await this.getPodsForStatefulSet(set);
    const { currentRevision, updateRevision } = this.getStatefulSetRevisions(set, pods);
    let status: StatefulSetStatus | undefined;
    let err: unknown;
    try {
      status = await this.updateStatefulSet(set, currentRevision, updateRevision, pods);
    } catch (e) {
      err = e;
    }
    if (status) await this.updateStatefulSetStatus(set, status);
    if (err) throw err;
    const min = set.spec.minReadySeconds ?? 0;
    if (min > 0 && status && (status.availableReplicas ?? 0) !== replicasOf(set)) this.requeue.after(key, min * 1000);
  }

  /** getPodsForStatefulSet: ClaimPods with isMemberOf as the extra filter. */
  private getPodsForStatefulSet(set: StatefulSet): Promise<Pod[]> {
    return claimPods(
      this.c,
      set,
      'apps/v1',
      'StatefulSet',
      this.pods.list(set.metadata?.namespace),
      (p) => selectorMatches(set.spec.selector, p.metadata?.labels) && isMemberOf(set, p),
    );
  }

  /**
   * getStatefulSetRevisions: the update revision is the set's template now; the current revision
   * is the one status.currentRevision names, or the update revision when that one is unknown.
   */
  private getStatefulSetRevisions(
    set: StatefulSet,
    pods: Pod[],
  ): { currentRevision: Revision; updateRevision: Revision } {
    const uid = set.metadata?.uid ?? '';
    let h = this.history.get(uid);
    if (!h) this.history.set(uid, (h = new Map()));
    const template = structuredClone(set.spec.template ?? {});
    const updateRevision: Revision = {
      name: `${set.metadata?.name}-${computeHash(template, set.status?.collisionCount ?? 0)}`,
      template,
    };
    h.set(updateRevision.name, template);
    const cur = set.status?.currentRevision;
    const curTemplate = cur ? h.get(cur) : undefined;
    const currentRevision = cur && curTemplate ? { name: cur, template: curTemplate } : updateRevision;
    // truncateHistory: keep the current and update revisions and those live pods still run.
    const live = new Set([currentRevision.name, updateRevision.name, ...pods.map(getPodRevision)]);
    for (const name of [...h.keys()]) if (!live.has(name)) h.delete(name);
    return { currentRevision, updateRevision };
  }

  /** newVersionedStatefulSetPod: below the partition, pods keep the current revision; the rest get the update. */
  private newVersionedStatefulSetPod(
    set: StatefulSet,
    currentRevision: Revision,
    updateRevision: Revision,
    ordinal: number,
  ): Pod {
    const strategy = set.spec.updateStrategy;
    const useCurrent =
      (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      ((strategy?.rollingUpdate === undefined && ordinal < (set.status?.currentReplicas ?? 0)) ||
        (strategy?.rollingUpdate !== undefined && ordinal < (strategy.rollingUpdate.partition ?? 0)));
    const rev = useCurrent ? currentRevision : updateRevision;
    return this.newStatefulSetPod(set, rev, ordinal);
  }

  /** newStatefulSetPod + initIdentity + setPodRevision. */
  private newStatefulSetPod(set: StatefulSet, rev: Revision, ordinal: number): Pod {
    const t = structuredClone(rev.template);
    const name = getPodName(set, ordinal);
    const spec: PodSpec = t.spec ?? {};
    spec.hostname = name;
    if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
    return {
      metadata: {
        name,
        generateName: `${set.metadata?.name}-`,
        namespace: set.metadata?.namespace,
        labels: {
          ...(t.metadata?.labels ?? {}),
          [STATEFULSET_POD_NAME_LABEL]: name,
          [POD_INDEX_LABEL]: String(ordinal),
          [CONTROLLER_REVISION_HASH]: rev.name,
        },
        ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
        ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
      },
      spec,
    };
  }

  private recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    const title = verb[0]?.toUpperCase() + verb.slice(1);
    const name = pod.metadata?.name;
    if (!err)
      this.recorder().event(
        set,
        'Normal',
        `Successful${title}`,
        `${verb} Pod ${name} in StatefulSet ${set.metadata?.name} successful`,
      );
    else
      this.recorder().event(
        set,
        'Warning',
        `Failed${title}`,
        `${verb} Pod ${name} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`,
      );
  }

  /** CreateStatefulPod: an AlreadyExists is sunk silently (the cache has not seen the pod yet). */
  private async createStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.c.client.create(GR.pods, set.metadata?.namespace ?? '', pod);
    } catch (e) {
      if (isAlreadyExists(e)) throw e;
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    this.recordPodEvent('create', set, pod);
  }

  private async deleteStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.c.client.delete(GR.pods, set.metadata?.namespace ?? '', pod.metadata?.name ?? '', {
        preconditions: { uid: pod.metadata?.uid },
      });
    } catch (e) {
      if (isNotFound(e)) return;
      this.recordPodEvent('delete', set, pod, e);
      throw e;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** UpdateStatefulPod: restores the identity labels of a pod that lost them. */
  private async updateStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    const ordinal = getOrdinal(pod);
    try {
      await this.c.client.patch(GR.pods, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'merge', {
        metadata: {
          labels: { [STATEFULSET_POD_NAME_LABEL]: pod.metadata?.name, [POD_INDEX_LABEL]: String(ordinal) },
        },
      });
    } catch (e) {
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
    this.recordPodEvent('update', set, pod);
  }

  /** computeReplicaStatus over every list given (updateStatus). */
  private computeStatus(
    status: StatefulSetStatus,
    set: StatefulSet,
    currentRevision: Revision,
    updateRevision: Revision,
    ...lists: Pod[][]
  ): void {
    const min = set.spec.minReadySeconds ?? 0;
    const now = this.c.nowMs();
    status.replicas = 0;
    status.readyReplicas = 0;
    status.availableReplicas = 0;
    status.currentReplicas = 0;
    status.updatedReplicas = 0;
    for (const list of lists) {
      for (const pod of list) {
        if (isCreated(pod)) status.replicas++;
        if (isRunningAndReady(pod)) {
          status.readyReplicas++;
          if (isPodAvailable(pod, min, now)) status.availableReplicas++;
        }
        if (isCreated(pod) && !isTerminating(pod)) {
          const rev = getPodRevision(pod);
          if (rev === currentRevision.name) status.currentReplicas++;
          if (rev === updateRevision.name) status.updatedReplicas++;
        }
      }
    }
  }

  /**
   * updateStatefulSet: makes the pods match the set: one per ordinal in range, none outside it, at
   * the right revision; returns the status that results.
   */
  private async updateStatefulSet(
    set: StatefulSet,
    currentRevision: Revision,
    updateRevision: Revision,
    pods: Pod[],
  ): Promise<StatefulSetStatus> {
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata?.generation ?? 0,
      currentRevision: currentRevision.name,
      updateRevision: updateRevision.name,
      collisionCount: set.status?.collisionCount ?? 0,
    };
    this.computeStatus(status, set, currentRevision, updateRevision, pods);
    const start = getStartOrdinal(set);
    const replicaCount = replicasOf(set);
    const replicas: (Pod | undefined)[] = new Array(replicaCount).fill(undefined);
    const condemned: Pod[] = [];
    for (const p of pods) {
      if (podInOrdinalRange(p, set)) replicas[getOrdinal(p) - start] = p;
      else if (getOrdinal(p) >= 0) condemned.push(p);
    }
    for (let i = 0; i < replicaCount; i++) {
      if (!replicas[i]) replicas[i] = this.newVersionedStatefulSetPod(set, currentRevision, updateRevision, start + i);
    }
    const live = replicas as Pod[];
    condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
    let firstUnhealthyPod: Pod | undefined;
    for (const p of live) if (!isHealthy(p) && !firstUnhealthyPod) firstUnhealthyPod = p;
    for (let i = condemned.length - 1; i >= 0; i--) {
      const p = condemned[i] as Pod;
      if (!isHealthy(p) && !firstUnhealthyPod) firstUnhealthyPod = p;
    }
    if (set.metadata?.deletionTimestamp) return status;
    const monotonic = !allowsBurst(set);

    // First, each ordinal in range: replace finished pods, create missing ones, and in OrderedReady
    // stop at the first one that is not yet Running and Ready.
    const processReplica = async (i: number): Promise<boolean> => {
      let pod = live[i] as Pod;
      if (isFailed(pod) || isSucceeded(pod)) {
        if (isFailed(pod))
          this.recorder().event(
            set,
            'Warning',
            'RecreatingFailedPod',
            `StatefulSet ${set.metadata?.namespace}/${set.metadata?.name} is recreating failed Pod ${pod.metadata?.name}`,
          );
        else
          this.recorder().event(
            set,
            'Normal',
            'RecreatingTerminatedPod',
            `StatefulSet ${set.metadata?.namespace}/${set.metadata?.name} is recreating terminated Pod ${pod.metadata?.name}`,
          );
        await this.deleteStatefulPod(set, pod);
        pod = live[i] = this.newVersionedStatefulSetPod(set, currentRevision, updateRevision, start + i);
      }
      if (!isCreated(pod)) {
        await this.createStatefulPod(set, pod);
        return monotonic;
      }
      if (isTerminating(pod) && monotonic) return true;
      if (!isRunningAndReady(pod) && monotonic) return true;
      if (!isPodAvailable(pod, set.spec.minReadySeconds ?? 0, this.c.nowMs()) && monotonic) return true;
      if (identityMatches(set, pod)) return false;
      await this.updateStatefulPod(set, pod);
      return false;
    };
    // Then the condemned, highest ordinal first; in OrderedReady one at a time, and only once
    // every remaining pod is healthy (or the condemned pod is the first unhealthy one).
    const processCondemned = async (i: number): Promise<boolean> => {
      const pod = condemned[i] as Pod;
      if (isTerminating(pod)) return monotonic;
      if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthyPod) return true;
      if (!isPodAvailable(pod, set.spec.minReadySeconds ?? 0, this.c.nowMs()) && monotonic && pod !== firstUnhealthyPod)
        return true;
      await this.deleteStatefulPod(set, pod);
      return true;
    };
    const finish = () => {
      this.computeStatus(status, set, currentRevision, updateRevision, live, condemned);
      return status;
    };
    try {
      if (await this.runForAll(live.length, processReplica, monotonic)) return finish();
      if (await this.runForAll(condemned.length, processCondemned, monotonic)) return finish();
    } catch (e) {
      finish();
      if (isAlreadyExists(e)) return status;
      throw e;
    }
    finish();
    if (set.spec.updateStrategy?.type === 'OnDelete') return status;
    // RollingUpdate: delete the highest ordinal not at the update revision, down to the partition,
    // waiting for each replaced pod to be healthy before the next.
    const updateMin = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = live.length - 1; target >= updateMin; target--) {
      const pod = live[target] as Pod;
      if (getPodRevision(pod) !== updateRevision.name && !isTerminating(pod)) {
        await this.deleteStatefulPod(set, pod);
        status.currentReplicas = (status.currentReplicas ?? 0) - 1;
        return status;
      }
      if (!isHealthy(pod)) return status;
    }
    return status;
  }

  /** runForAll: in order, stopping at the first that says stop (monotonic); else all in slow-start batches. */
  private async runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
    if (monotonic) {
      for (let i = 0; i < n; i++) if (await fn(i)) return true;
      return false;
    }
    let next = 0;
    for (let batch = Math.min(n, 1); next < n; batch = Math.min(2 * batch, n - next)) {
      const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(next++)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return false;
  }

  /** updateStatefulSetStatus: completeRollingUpdate, then write the status if it changed (inconsistentStatus). */
  private async updateStatefulSetStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    if (
      (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      status.updatedReplicas === status.replicas &&
      status.readyReplicas === status.replicas
    ) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const cur = set.status ?? {};
    const fields: (keyof StatefulSetStatus)[] = [
      'observedGeneration',
      'replicas',
      'readyReplicas',
      'currentReplicas',
      'updatedReplicas',
      'availableReplicas',
      'currentRevision',
      'updateRevision',
      'collisionCount',
    ];
    if (fields.every((f) => (cur[f] ?? 0) === (status[f] ?? 0))) return;
    const out: StatefulSetStatus = {
      observedGeneration: status.observedGeneration ?? 0,
      replicas: status.replicas ?? 0,
      currentRevision: status.currentRevision,
      updateRevision: status.updateRevision,
      collisionCount: status.collisionCount ?? 0,
      availableReplicas: status.availableReplicas ?? 0,
    };
    if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
    if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
    if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
    if (cur.conditions) out.conditions = cur.conditions;
    await updateStatusWithRetry(this.c.client, GR.statefulsets, set, out);
  }
}
