/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keeps the number of active
 * pods owned by each ReplicaSet at spec.replicas. Creates in slow-start batches (1, 2, 4, …),
 * deletes the least valuable pods first (getPodsToDelete's ranking), adopts orphans that match its
 * selector, and uses expectations so a stale cache never makes it create or delete twice.
 */
import { formatRFC3339 } from '../../../src/machinery/api/time.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import {
  type Controller,
  type ControllerContext,
  claimPods,
  controllerRef,
  isPodActive,
  isPodAvailable,
  isPodReady,
  newControllerRef,
  selectorMatches,
} from '../shared.ts';

const BURST_REPLICAS = 500;
/** ExpectationsTimeout: expectations older than this are assumed lost. */
const EXPECTATIONS_TIMEOUT = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  at: number;
}

type RS = KObject & {
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
  };
  status?: Record<string, unknown>;
};
type Pod = KObject & {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
};

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  private queue: WorkQueue;
  private expectations = new Map<string, Expectation>();

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'replicaset', (key) => this.syncReplicaSet(key), 5);
  }

  private get rss() {
    return this.c.informers.for<RS>(GR.replicasets);
  }

  private get pods() {
    return this.c.informers.for<Pod>(GR.pods);
  }

  setup(): void {
    this.rss.addHandlers({
      add: (rs) => this.queue.add(keyOf(rs)),
      update: (_o, rs) => this.queue.add(keyOf(rs)),
      delete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    this.pods.addHandlers({
      add: (p) => {
        const owner = this.ownerKey(p);
        if (!owner) return;
        const e = this.expectations.get(owner);
        if (e && e.add > 0) e.add--;
        this.queue.add(owner);
      },
      update: (o, p) => {
        const a = this.ownerKey(o);
        const b = this.ownerKey(p);
        if (a && a !== b) this.queue.add(a);
        if (b) this.queue.add(b);
        if (!b) for (const rs of this.matchingRSs(p)) this.queue.add(keyOf(rs));
      },
      delete: (p) => {
        const owner = this.ownerKey(p);
        if (!owner) return;
        const e = this.expectations.get(owner);
        if (e && e.del > 0) e.del--;
        this.queue.add(owner);
      },
    });
  }

  run(): void {
    for (const rs of this.rss.list()) this.queue.add(keyOf(rs));
  }

  private ownerKey(p: Pod): string | undefined {
    const ref = controllerRef(p);
    if (ref?.kind !== 'ReplicaSet') return undefined;
    const rs = this.rss.getByName(p.metadata?.namespace ?? '', ref.name);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    return keyOf(rs);
  }

  private matchingRSs(p: Pod): RS[] {
    return this.rss.list(p.metadata?.namespace).filter((rs) => selectorMatches(rs.spec.selector, p.metadata?.labels));
  }

  private satisfied(key: string): boolean {
    const e = this.expectations.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.c.ctx.now() - e.at > EXPECTATIONS_TIMEOUT;
  }

  private async syncReplicaSet(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const rs = this.rss.getByName(ns, name);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.satisfied(key);
    const pods = await this.claimPods(rs);
    const active = pods.filter(isPodActive);
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(active, rs, key);
      } catch (e) {
        manageError = e as Error;
      }
    }
    await this.updateStatus(rs, active, manageError);
    if (manageError) throw manageError;
  }

  /** Adopts matching orphans and releases owned pods that stopped matching (ClaimPods). */
  private claimPods(rs: RS): Promise<Pod[]> {
    // As upstream, only active pods are claimed.
    return claimPods(
      this.c,
      rs,
      'apps/v1',
      'ReplicaSet',
      this.pods.list(rs.metadata?.namespace).filter(isPodActive),
      (p) => selectorMatches(rs.spec.selector, p.metadata?.labels),
    );
  }

  private async manageReplicas(active: Pod[], rs: RS, key: string): Promise<void> {
    const want = rs.spec.replicas ?? 1;
    const diff = active.length - want;
    const recorder = this.c.recorder('replicaset-controller');
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.set(key, { add: count, del: 0, at: this.c.ctx.now() });
      // slowStartBatch: 1, 2, 4, … at a time; stop at the first failing batch.
      let remaining = count;
      let batch = 1;
      while (remaining > 0) {
        const n = Math.min(batch, remaining);
        const results = await Promise.allSettled(Array.from({ length: n }, () => this.createPod(rs)));
        const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
        for (const r of results) {
          if (r.status === 'fulfilled') recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value}`);
        }
        remaining -= n;
        if (failed.length > 0) {
          const e = this.expectations.get(key);
          if (e) e.add -= failed.length + remaining;
          const err = failed[0]?.reason as Error;
          recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${err.message}`);
          throw err;
        }
        batch *= 2;
      }
    } else if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = this.getPodsToDelete(active, count);
      this.expectations.set(key, { add: 0, del: victims.length, at: this.c.ctx.now() });
      await Promise.all(
        victims.map(async (p) => {
          try {
            await this.c.client.delete(GR.pods, p.metadata?.namespace ?? '', p.metadata?.name ?? '');
            recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
          } catch {
            const e = this.expectations.get(key);
            if (e) e.del--;
          }
        }),
      );
    }
  }

  private async createPod(rs: RS): Promise<string> {
    const t = rs.spec.template ?? {};
    const pod: KObject = {
      metadata: {
        generateName: `${rs.metadata?.name}-`,
        namespace: rs.metadata?.namespace,
        labels: { ...(t.metadata?.labels ?? {}) },
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
        ownerReferences: [newControllerRef(rs, 'apps/v1', 'ReplicaSet')],
      },
      spec: structuredClone(t.spec ?? {}),
    };
    const created = await this.c.client.create(GR.pods, rs.metadata?.namespace ?? '', pod);
    return created.metadata?.name ?? '';
  }

  /** getPodsToDelete: the lowest-ranked pods go first (controller.ActivePodsWithRanks). */
  private getPodsToDelete(pods: Pod[], n: number): Pod[] {
    const phaseRank = (p: Pod) => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? 'Pending'] ?? 0;
    const onNode = new Map<string, number>();
    for (const p of pods) if (p.spec?.nodeName) onNode.set(p.spec.nodeName, (onNode.get(p.spec.nodeName) ?? 0) + 1);
    const restarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
    const sorted = [...pods].sort((a, b) => {
      const an = a.spec?.nodeName ? 1 : 0;
      const bn = b.spec?.nodeName ? 1 : 0;
      if (an !== bn) return an - bn;
      if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
      const ar = isPodReady(a) ? 1 : 0;
      const br = isPodReady(b) ? 1 : 0;
      if (ar !== br) return ar - br;
      const ac = onNode.get(a.spec?.nodeName ?? '') ?? 0;
      const bc = onNode.get(b.spec?.nodeName ?? '') ?? 0;
      if (ac !== bc) return bc - ac;
      if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
      const at = a.metadata?.creationTimestamp ?? '';
      const bt = b.metadata?.creationTimestamp ?? '';
      if (at !== bt) return at < bt ? 1 : -1;
      return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? 1 : -1;
    });
    return sorted.slice(0, n);
  }

  private async updateStatus(rs: RS, active: Pod[], err: Error | undefined): Promise<void> {
    const min = rs.spec.minReadySeconds ?? 0;
    const now = this.c.nowMs();
    const tl = rs.spec.template?.metadata?.labels ?? {};
    const status: Record<string, unknown> = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(tl).every(([k, v]) => p.metadata?.labels?.[k] === v))
        .length,
      readyReplicas: active.filter(isPodReady).length,
      availableReplicas: active.filter((p) => isPodAvailable(p, min, now)).length,
      observedGeneration: rs.metadata?.generation ?? 0,
    };
    const prior = (rs.status ?? {}) as { conditions?: unknown[] };
    if (err) {
      status.conditions = [
        {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: formatRFC3339(now),
          reason: 'FailedCreate',
          message: err.message,
        },
      ];
    } else if (prior.conditions) status.conditions = undefined;
    const cur = rs.status ?? {};
    const same = Object.entries(status).every(
      ([k, v]) => JSON.stringify(v ?? 0) === JSON.stringify((cur as Record<string, unknown>)[k] ?? 0),
    );
    if (same) return;
    const clean = Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined && v !== 0));
    await this.c.client.updateStatus(GR.replicasets, { ...rs, status: clean });
    // A pod that will become available later needs another look then.
    if (min > 0 && status.readyReplicas !== status.availableReplicas) this.queue.addAfter(keyOf(rs), min * 1000);
  }
}
