/**
 * The Deployment controller (pkg/controller/deployment: deployment_controller.go, sync.go,
 * rolling.go, recreate.go, progress.go, util/deployment_util.go): owns ReplicaSets named
 * `<deployment>-<pod-template-hash>`, rolls from old to new within maxSurge and maxUnavailable,
 * or recreates; scales proportionally; keeps revisionHistoryLimit old ReplicaSets; reports
 * Available and Progressing conditions. `kubectl rollout undo` works as upstream's does, by
 * copying an old ReplicaSet's template back into the Deployment.
 */
import { formatRFC3339, parseRFC3339 } from '../../../src/machinery/api/time.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isAlreadyExists, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import {
  type Controller,
  type ControllerContext,
  computeHash,
  controllerRef,
  jsonEqual,
  newControllerRef,
  selectorMatches,
} from '../shared.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const HASH = 'pod-template-hash';

type IntOrString = number | string;
type Template = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
};
export type Deployment = KObject & {
  spec: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: Template;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: { conditions?: Condition[]; collisionCount?: number; observedGeneration?: number };
};
export type ReplicaSet = KObject & {
  spec: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: Template;
    minReadySeconds?: number;
  };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
};
interface Condition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

const replicas = (rs: ReplicaSet) => rs.spec.replicas ?? 0;
const sum = (rss: ReplicaSet[], f: (r: ReplicaSet) => number) => rss.reduce((a, r) => a + f(r), 0);
const created = (o: KObject) => o.metadata?.creationTimestamp ?? '';
const revisionOf = (o: KObject) => Number(o.metadata?.annotations?.[REVISION] ?? 0);

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaled(v: IntOrString | undefined, total: number, roundUp: boolean, dflt: IntOrString): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number(x) || 0;
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** ResolveFenceposts: surge rounds up, unavailability down; both zero means one may be unavailable. */
export function resolveFenceposts(d: Deployment): [number, number] {
  const want = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaled(ru?.maxSurge, want, true, '25%');
  let unavailable = scaled(ru?.maxUnavailable, want, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, Math.min(unavailable, want)];
}

function templateWithoutHash(t: Template | undefined): Template {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[HASH];
  return c;
}

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  private queue: WorkQueue;

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'deployment', (key) => this.syncDeployment(key), 5);
  }

  private get deployments() {
    return this.c.informers.for<Deployment>(GR.deployments);
  }

  private get rss() {
    return this.c.informers.for<ReplicaSet>(GR.replicasets);
  }

  setup(): void {
    this.deployments.addHandlers({
      add: (d) => this.queue.add(keyOf(d)),
      update: (_o, d) => this.queue.add(keyOf(d)),
      delete: (d) => this.queue.add(keyOf(d)),
    });
    const owner = (rs: ReplicaSet) => {
      const ref = controllerRef(rs);
      if (ref?.kind === 'Deployment') this.queue.add(`${rs.metadata?.namespace}/${ref.name}`);
      else
        for (const d of this.deployments.list(rs.metadata?.namespace))
          if (selectorMatches(d.spec.selector, rs.metadata?.labels)) this.queue.add(keyOf(d));
    };
    this.rss.addHandlers({ add: owner, update: (_o, rs) => owner(rs), delete: owner });
    // Pods matter to Recreate, which waits for old pods to be gone.
    this.c.informers.for(GR.pods).addHandlers({
      delete: (p) => {
        for (const d of this.deployments.list(p.metadata?.namespace)) {
          if (d.spec.strategy?.type === 'Recreate' && selectorMatches(d.spec.selector, p.metadata?.labels))
            this.queue.add(keyOf(d));
        }
      },
    });
  }

  run(): void {
    for (const d of this.deployments.list()) this.queue.add(keyOf(d));
  }

  private recorder() {
    return this.c.recorder('deployment-controller');
  }

  private async syncDeployment(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const d0 = this.deployments.getByName(ns, name);
    if (!d0) return;
    const d = structuredClone(d0);
    const sel = d.spec.selector;
    if (
      !sel ||
      (Object.keys(sel.matchLabels ?? {}).length === 0 &&
        !(sel as { matchExpressions?: unknown[] }).matchExpressions?.length)
    ) {
      this.recorder().event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    const rsList = await this.getReplicaSetsForDeployment(d);
    if (d.metadata?.deletionTimestamp) {
      await this.syncStatusOnly(d, rsList);
      return;
    }
    if (d.spec.paused || this.isScalingEvent(d, rsList)) {
      await this.sync(d, rsList);
      return;
    }
    if (d.spec.strategy?.type === 'Recreate') await this.rolloutRecreate(d, rsList);
    else await this.rolloutRolling(d, rsList);
  }

  /** ReplicaSets this Deployment controls, adopting orphans that match (ClaimReplicaSets). */
  private async getReplicaSetsForDeployment(d: Deployment): Promise<ReplicaSet[]> {
    const out: ReplicaSet[] = [];
    for (const rs of this.rss.list(d.metadata?.namespace)) {
      const ref = controllerRef(rs);
      if (ref) {
        if (ref.uid === d.metadata?.uid) out.push(rs);
      } else if (selectorMatches(d.spec.selector, rs.metadata?.labels) && !d.metadata?.deletionTimestamp) {
        try {
          out.push(
            await this.c.client.patch<ReplicaSet>(
              GR.replicasets,
              rs.metadata?.namespace ?? '',
              rs.metadata?.name ?? '',
              'merge',
              {
                metadata: {
                  ownerReferences: [
                    ...(rs.metadata?.ownerReferences ?? []),
                    newControllerRef(d, 'apps/v1', 'Deployment'),
                  ],
                  uid: rs.metadata?.uid,
                },
              },
            ),
          );
        } catch {
          // changed meanwhile
        }
      }
    }
    return out;
  }

  private findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
    const want = templateWithoutHash(d.spec.template);
    return [...rsList]
      .sort((a, b) => (created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : 0))
      .find((rs) => jsonEqual(templateWithoutHash(rs.spec.template), want));
  }

  private isScalingEvent(d: Deployment, rsList: ReplicaSet[]): boolean {
    const newRS = this.findNewReplicaSet(d, rsList);
    const active = rsList.filter((rs) => replicas(rs) > 0 || rs === newRS);
    for (const rs of active) {
      const desired = rs.metadata?.annotations?.[DESIRED];
      if (desired !== undefined && Number(desired) !== (d.spec.replicas ?? 1)) return true;
    }
    return false;
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when missing and asked to), the
   * old ones, and the Deployment's revision annotation kept at the newest revision.
   */
  private async getAll(
    d: Deployment,
    rsList: ReplicaSet[],
    create: boolean,
  ): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    let newRS = this.findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== newRS);
    const maxOld = Math.max(0, ...oldRSs.map(revisionOf));
    const newRevision = String(maxOld + 1);
    const [surge] = resolveFenceposts(d);
    const want = d.spec.replicas ?? 1;
    if (newRS) {
      const ann = newRS.metadata?.annotations ?? {};
      if (revisionOf(newRS) < maxOld + 1 || ann[DESIRED] !== String(want) || ann[MAX] !== String(want + surge)) {
        const annotations: Record<string, string> = { ...ann, [DESIRED]: String(want), [MAX]: String(want + surge) };
        if (revisionOf(newRS) < maxOld + 1) annotations[REVISION] = newRevision;
        newRS = await this.c.client.patch<ReplicaSet>(
          GR.replicasets,
          newRS.metadata?.namespace ?? '',
          newRS.metadata?.name ?? '',
          'merge',
          { metadata: { annotations } },
        );
      }
    } else if (create) {
      newRS = await this.createNewReplicaSet(d, oldRSs, newRevision);
    }
    if (newRS && d.metadata?.annotations?.[REVISION] !== newRS.metadata?.annotations?.[REVISION]) {
      const rev = newRS.metadata?.annotations?.[REVISION] ?? newRevision;
      const patched = await this.c.client.patch<Deployment>(
        GR.deployments,
        d.metadata?.namespace ?? '',
        d.metadata?.name ?? '',
        'merge',
        {
          metadata: { annotations: { [REVISION]: rev } },
        },
      );
      d.metadata = patched.metadata;
    }
    return { newRS, oldRSs };
  }

  private async createNewReplicaSet(d: Deployment, oldRSs: ReplicaSet[], revision: string): Promise<ReplicaSet> {
    const want = d.spec.replicas ?? 1;
    const [surge] = resolveFenceposts(d);
    for (let attempt = 0; attempt < 5; attempt++) {
      const collision = d.status?.collisionCount;
      const hash = computeHash(templateWithoutHash(d.spec.template), collision);
      const template = structuredClone(d.spec.template ?? {});
      template.metadata = {
        ...(template.metadata ?? {}),
        labels: { ...(template.metadata?.labels ?? {}), [HASH]: hash },
      };
      const rsName = `${d.metadata?.name}-${hash}`;
      const newReplicas = d.spec.strategy?.type === 'Recreate' ? 0 : this.newRSNewReplicas(d, [...oldRSs], undefined);
      const rs: ReplicaSet = {
        metadata: {
          name: rsName,
          namespace: d.metadata?.namespace,
          labels: { ...(template.metadata.labels ?? {}) },
          annotations: {
            ...copyableAnnotations(d),
            [DESIRED]: String(want),
            [MAX]: String(want + surge),
            [REVISION]: revision,
          },
          ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        },
        spec: {
          replicas: newReplicas,
          minReadySeconds: d.spec.minReadySeconds ?? 0,
          selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), [HASH]: hash } },
          template,
        },
      };
      try {
        const created = await this.c.client.create<ReplicaSet>(GR.replicasets, d.metadata?.namespace ?? '', rs);
        this.recorder().event(
          d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${rsName} from 0 to ${newReplicas}`,
        );
        return created;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const existing = await this.c.client.get<ReplicaSet>(GR.replicasets, d.metadata?.namespace ?? '', rsName);
        if (
          controllerRef(existing)?.uid === d.metadata?.uid &&
          jsonEqual(templateWithoutHash(existing.spec.template), templateWithoutHash(d.spec.template))
        )
          return existing;
        // A hash collision: count it and try the next hash.
        const count = (d.status?.collisionCount ?? 0) + 1;
        d.status = { ...(d.status ?? {}), collisionCount: count };
        await this.c.client.updateStatus(GR.deployments, d).catch(() => undefined);
      }
    }
    throw new Error(`could not find a free name for a new replica set of ${d.metadata?.name}`);
  }

  /** NewRSNewReplicas for RollingUpdate: grow the new set as far as maxSurge allows. */
  private newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): number {
    const want = d.spec.replicas ?? 1;
    const [surge] = resolveFenceposts(d);
    const current = sum(allRSs, replicas);
    const cur = newRS ? replicas(newRS) : 0;
    const maxTotal = want + surge;
    if (current >= maxTotal) return cur;
    return cur + Math.max(0, Math.min(maxTotal - current, want - cur));
  }

  private async scaleRS(rs: ReplicaSet, to: number, d: Deployment): Promise<ReplicaSet> {
    const from = replicas(rs);
    const want = d.spec.replicas ?? 1;
    const [surge] = resolveFenceposts(d);
    const ann = rs.metadata?.annotations ?? {};
    if (from === to && ann[DESIRED] === String(want) && ann[MAX] === String(want + surge)) return rs;
    const out = await this.c.client.patch<ReplicaSet>(
      GR.replicasets,
      rs.metadata?.namespace ?? '',
      rs.metadata?.name ?? '',
      'merge',
      {
        metadata: { annotations: { [DESIRED]: String(want), [MAX]: String(want + surge) } },
        spec: { replicas: to },
      },
    );
    if (from !== to) {
      this.recorder().event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata?.name} from ${from} to ${to}`,
      );
    }
    return out;
  }

  // ---- RollingUpdate ------------------------------------------------------------------------

  private async rolloutRolling(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAll(d, rsList, true);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    if (newRS && (await this.reconcileNewReplicaSet(all, newRS, d))) {
      await this.syncRolloutStatus(all, newRS, d);
      return;
    }
    const scaledDown = await this.reconcileOldReplicaSets(
      all,
      oldRSs.filter((rs) => replicas(rs) > 0),
      newRS,
      d,
    );
    if (scaledDown) {
      await this.syncRolloutStatus(all, newRS, d);
      return;
    }
    if (newRS && this.complete(d, newRS, all)) await this.cleanupDeployment(oldRSs, d);
    await this.syncRolloutStatus(all, newRS, d);
  }

  private async reconcileNewReplicaSet(all: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
    const want = d.spec.replicas ?? 1;
    if (replicas(newRS) === want) return false;
    if (replicas(newRS) > want) {
      await this.scaleRS(newRS, want, d);
      return true;
    }
    const next = this.newRSNewReplicas(d, all, newRS);
    if (next === replicas(newRS)) return false;
    await this.scaleRS(newRS, next, d);
    return true;
  }

  private async reconcileOldReplicaSets(
    all: ReplicaSet[],
    oldRSs: ReplicaSet[],
    newRS: ReplicaSet | undefined,
    d: Deployment,
  ): Promise<boolean> {
    const oldCount = sum(oldRSs, replicas);
    if (oldCount === 0) return false;
    const allCount = sum(all, replicas);
    const [, maxUnavailable] = resolveFenceposts(d);
    const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable;
    const newUnavailable = newRS ? replicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
    const maxScaledDown = allCount - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // cleanupUnhealthyReplicas: scale down unavailable old pods first, oldest sets first.
    let cleaned = 0;
    const byAge = [...oldRSs].sort((a, b) => (created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : 0));
    const updated: ReplicaSet[] = [];
    for (const rs of byAge) {
      if (cleaned >= maxScaledDown) {
        updated.push(rs);
        continue;
      }
      const unhealthy = replicas(rs) - (rs.status?.availableReplicas ?? 0);
      const n = Math.min(maxScaledDown - cleaned, unhealthy);
      if (n > 0) {
        updated.push(await this.scaleRS(rs, replicas(rs) - n, d));
        cleaned += n;
      } else updated.push(rs);
    }
    // scaleDownOldReplicaSetsForRollingUpdate: then available old pods, down to minAvailable.
    const allNow = newRS ? [...updated, newRS] : updated;
    const available = sum(allNow, (r) => r.status?.availableReplicas ?? 0);
    let scaled = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of updated) {
        if (scaled >= total) break;
        if (replicas(rs) === 0) continue;
        const n = Math.min(replicas(rs), total - scaled);
        await this.scaleRS(rs, replicas(rs) - n, d);
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  // ---- Recreate -----------------------------------------------------------------------------

  private async rolloutRecreate(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.getAll(d, rsList, false);
    const activeOld = oldRSs.filter((rs) => replicas(rs) > 0);
    if (activeOld.length > 0) {
      for (const rs of activeOld) await this.scaleRS(rs, 0, d);
      await this.syncRolloutStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS, d);
      return;
    }
    // Wait until every old pod is gone.
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata?.uid));
    const running = this.c.informers
      .for(GR.pods)
      .list(d.metadata?.namespace)
      .some((p) => {
        const ref = controllerRef(p);
        const phase = (p.status as { phase?: string } | undefined)?.phase;
        return ref && oldUids.has(ref.uid) && phase !== 'Succeeded' && phase !== 'Failed';
      });
    if (running) {
      await this.syncRolloutStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS, d);
      return;
    }
    if (!newRS) ({ newRS, oldRSs } = await this.getAll(d, rsList, true));
    if (newRS) newRS = await this.scaleRS(newRS, d.spec.replicas ?? 1, d);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    if (newRS && this.complete(d, newRS, all)) await this.cleanupDeployment(oldRSs, d);
    await this.syncRolloutStatus(all, newRS, d);
  }

  // ---- scaling (paused, or replicas changed mid-rollout) -----------------------------------

  private async sync(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAll(d, rsList, false);
    await this.scale(d, newRS, oldRSs);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    if (d.spec.paused && newRS && this.complete(d, newRS, all)) await this.cleanupDeployment(oldRSs, d);
    await this.syncRolloutStatus(all, newRS, d);
  }

  /** scale: one active set takes the new size; several share it in proportion (getProportion). */
  private async scale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const want = d.spec.replicas ?? 1;
    const active = [...oldRSs, ...(newRS ? [newRS] : [])].filter((rs) => replicas(rs) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...oldRSs].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
      if (target) await this.scaleRS(target, want, d);
      return;
    }
    if (newRS && replicas(newRS) === want && (newRS.status?.availableReplicas ?? 0) === want) {
      for (const rs of oldRSs) if (replicas(rs) > 0) await this.scaleRS(rs, 0, d);
      return;
    }
    const [surge] = resolveFenceposts(d);
    const allowed = want + surge;
    const current = sum(active, replicas);
    let toAdd = allowed - current;
    if (toAdd === 0) return;
    const sorted = [...active].sort(
      (a, b) =>
        (toAdd > 0 ? replicas(b) - replicas(a) : replicas(a) - replicas(b)) || (created(a) < created(b) ? 1 : -1),
    );
    const plan = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of sorted) {
      const share = Math.trunc((replicas(rs) * toAdd) / current);
      const portion = toAdd > 0 ? Math.min(share, toAdd - added) : Math.max(share, toAdd - added);
      plan.set(rs, replicas(rs) + portion);
      added += portion;
    }
    // Leftovers go to the largest set (the first after sorting).
    const first = sorted[0] as ReplicaSet;
    if (added !== toAdd) plan.set(first, Math.max(0, (plan.get(first) ?? 0) + toAdd - added));
    toAdd = 0;
    for (const [rs, n] of plan) await this.scaleRS(rs, n, d);
  }

  // ---- status, cleanup ------------------------------------------------------------------------

  private complete(d: Deployment, newRS: ReplicaSet, all: ReplicaSet[]): boolean {
    const want = d.spec.replicas ?? 1;
    return (
      (newRS.status?.replicas ?? 0) === want &&
      (newRS.status?.availableReplicas ?? 0) === want &&
      replicas(newRS) === want &&
      sum(all, (r) => r.status?.replicas ?? 0) === want
    );
  }

  private async cleanupDeployment(oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const dead = oldRSs.filter(
      (rs) => replicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata?.deletionTimestamp,
    );
    const excess = dead.length - limit;
    if (excess <= 0) return;
    const byRevision = [...dead].sort((a, b) => revisionOf(a) - revisionOf(b) || (created(a) < created(b) ? -1 : 1));
    for (const rs of byRevision.slice(0, excess)) {
      await this.c.client
        .delete(GR.replicasets, rs.metadata?.namespace ?? '', rs.metadata?.name ?? '')
        .catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        });
    }
  }

  private async syncStatusOnly(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAll(d, rsList, false);
    await this.syncRolloutStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS, d);
  }

  private condition(d: Deployment, type: string, status: string, reason: string, message: string): Condition {
    const now = formatRFC3339(this.c.nowMs());
    const prev = d.status?.conditions?.find((c) => c.type === type);
    if (prev && prev.status === status && prev.reason === reason && prev.message === message) return prev;
    const transition = prev && prev.status === status ? (prev.lastTransitionTime ?? now) : now;
    return { type, status, lastUpdateTime: now, lastTransitionTime: transition, reason, message };
  }

  private async syncRolloutStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
    const want = d.spec.replicas ?? 1;
    const [, maxUnavailable] = resolveFenceposts(d);
    const available = sum(all, (r) => r.status?.availableReplicas ?? 0);
    const total = sum(all, (r) => r.status?.replicas ?? 0);
    const status: Record<string, unknown> = {
      observedGeneration: d.metadata?.generation ?? 0,
      replicas: total,
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum(all, (r) => r.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available, want - available),
    };
    if (d.status?.collisionCount) status.collisionCount = d.status.collisionCount;
    const availableCond =
      available >= want - maxUnavailable
        ? this.condition(d, 'Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : this.condition(
            d,
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          );
    let progressing: Condition | undefined = d.status?.conditions?.find((c) => c.type === 'Progressing');
    const rsName = newRS?.metadata?.name ?? '';
    if (d.spec.paused) {
      progressing = this.condition(d, 'Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    } else if (newRS && this.complete(d, newRS, all)) {
      progressing = this.condition(
        d,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      );
    } else if (newRS) {
      const prev = d.status?.conditions?.find((c) => c.type === 'Progressing');
      const deadline = d.spec.progressDeadlineSeconds ?? 600;
      const since = prev?.lastUpdateTime ? parseRFC3339(prev.lastUpdateTime) : this.c.nowMs();
      const progressed = JSON.stringify(status) !== JSON.stringify(pick(d.status ?? {}, Object.keys(status)));
      if (!progressed && prev?.reason !== 'ProgressDeadlineExceeded' && this.c.nowMs() - since > deadline * 1000) {
        progressing = this.condition(
          d,
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${rsName}" has timed out progressing.`,
        );
      } else if (!prev || prev.reason === 'NewReplicaSetAvailable' || !prev.message?.includes(rsName)) {
        progressing = this.condition(
          d,
          'Progressing',
          'True',
          prev?.message?.includes(rsName) ? 'ReplicaSetUpdated' : 'NewReplicaSetCreated',
          prev?.message?.includes(rsName)
            ? `ReplicaSet "${rsName}" is progressing.`
            : `Created new replica set "${rsName}"`,
        );
      } else if (progressed) {
        progressing = this.condition(
          d,
          'Progressing',
          'True',
          'ReplicaSetUpdated',
          `ReplicaSet "${rsName}" is progressing.`,
        );
        progressing.lastUpdateTime = formatRFC3339(this.c.nowMs());
      }
      // Check again when the deadline would pass.
      if (prev?.reason !== 'ProgressDeadlineExceeded') this.queue.addAfter(keyOf(d), deadline * 1000 + 1000);
    }
    const conditions = [availableCond, ...(progressing ? [progressing] : [])];
    status.conditions = conditions;
    const clean = Object.fromEntries(Object.entries(status).filter(([k, v]) => v !== 0 || k === 'observedGeneration'));
    if (
      JSON.stringify(clean) === JSON.stringify(pick(d.status ?? {}, Object.keys(clean))) &&
      Object.keys(d.status ?? {}).length === Object.keys(clean).length
    )
      return;
    const fresh = this.deployments.getByName(d.metadata?.namespace ?? '', d.metadata?.name ?? '');
    await this.c.client.updateStatus(GR.deployments, { ...(fresh ?? d), status: clean });
  }
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

/** Annotations copied from a Deployment to its ReplicaSets (all but kubectl's bookkeeping). */
function copyableAnnotations(d: Deployment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (
      k === 'kubectl.kubernetes.io/last-applied-configuration' ||
      k === REVISION ||
      k === 'deployment.kubernetes.io/revision-history' ||
      k === DESIRED ||
      k === MAX
    )
      continue;
    out[k] = v;
  }
  return out;
}
