/**
 * The garbage collector (pkg/controller/garbagecollector): follows ownerReferences. When an owner
 * is gone, dependents whose owners are all gone are deleted (background propagation). An owner
 * being deleted with the `foregroundDeletion` finalizer waits until its blocking dependents are
 * deleted; with the `orphan` finalizer its dependents are released (their ownerReference removed)
 * and it goes alone.
 */
import type { KObject, OwnerReference } from '../../../src/machinery/api/types.ts';
import { GR, type GR as GRType, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import type { Controller, ControllerContext } from '../shared.ts';

/** The resources whose objects own, or are owned by, others. */
const TRACKED: GRType[] = [
  GR.pods,
  GR.replicasets,
  GR.deployments,
  GR.daemonsets,
  GR.statefulsets,
  GR.jobs,
  GR.cronjobs,
  GR.endpointslices,
  GR.nodes,
  GR.leases,
  GR.services,
  GR.configmaps,
  GR.secrets,
];

interface Node {
  gr: GRType;
  obj: KObject;
}

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector-controller';
  private byUid = new Map<string, Node>();
  private dependents = new Map<string, Set<string>>();
  private queue: WorkQueue;
  private trackedKinds = new Set([
    'Pod',
    'ReplicaSet',
    'Deployment',
    'DaemonSet',
    'StatefulSet',
    'Job',
    'CronJob',
    'EndpointSlice',
    'Node',
    'Lease',
    'Service',
    'ConfigMap',
    'Secret',
  ]);

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'garbage-collector', (uid) => this.attemptToDelete(uid), 10);
  }

  setup(): void {
    for (const gr of TRACKED) {
      this.c.informers.for(gr).addHandlers({
        add: (o) => this.observe(gr, o),
        update: (_o, o) => this.observe(gr, o),
        delete: (o) => this.forget(o),
      });
    }
  }

  run(): void {
    for (const uid of this.byUid.keys()) this.queue.add(uid);
  }

  private observe(gr: GRType, obj: KObject): void {
    const uid = obj.metadata?.uid ?? '';
    const old = this.byUid.get(uid);
    for (const r of old?.obj.metadata?.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(uid);
    this.byUid.set(uid, { gr, obj });
    for (const r of obj.metadata?.ownerReferences ?? []) {
      let s = this.dependents.get(r.uid);
      if (!s) this.dependents.set(r.uid, (s = new Set()));
      s.add(uid);
    }
    const fin = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp && (fin.includes('foregroundDeletion') || fin.includes('orphan')))
      this.queue.add(uid);
    if ((obj.metadata?.ownerReferences ?? []).length > 0) this.queue.add(uid);
    // An owner in foreground deletion waits for this dependent; tell it when things change.
    for (const r of obj.metadata?.ownerReferences ?? [])
      if (this.byUid.get(r.uid)?.obj.metadata?.deletionTimestamp) this.queue.add(r.uid);
  }

  private forget(obj: KObject): void {
    const uid = obj.metadata?.uid ?? '';
    this.byUid.delete(uid);
    for (const r of obj.metadata?.ownerReferences ?? []) {
      this.dependents.get(r.uid)?.delete(uid);
      this.queue.add(r.uid);
    }
    for (const d of this.dependents.get(uid) ?? []) this.queue.add(d);
  }

  private ownerGone(r: OwnerReference): boolean {
    if (!this.trackedKinds.has(r.kind)) return false;
    const o = this.byUid.get(r.uid);
    return !o;
  }

  private async attemptToDelete(uid: string): Promise<void> {
    const node = this.byUid.get(uid);
    if (!node) return;
    const m = node.obj.metadata ?? {};
    const fin = m.finalizers ?? [];
    if (m.deletionTimestamp && fin.includes('orphan')) {
      await this.orphanDependents(uid);
      await this.removeFinalizer(node, 'orphan');
      return;
    }
    if (m.deletionTimestamp && fin.includes('foregroundDeletion')) {
      const deps = [...(this.dependents.get(uid) ?? [])]
        .map((d) => this.byUid.get(d))
        .filter((d): d is Node => d !== undefined);
      const blocking = deps.filter((d) =>
        d.obj.metadata?.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion),
      );
      for (const d of deps) {
        if (d.obj.metadata?.deletionTimestamp) continue;
        await this.deleteObject(d, 'Foreground');
      }
      if (blocking.length === 0) await this.removeFinalizer(node, 'foregroundDeletion');
      return;
    }
    const refs = m.ownerReferences ?? [];
    if (refs.length === 0) return;
    const gone = refs.filter((r) => this.ownerGone(r));
    if (gone.length === 0) return;
    // Are the owners really gone? Ask the API server, as the collector does before deleting.
    const reallyGone: OwnerReference[] = [];
    for (const r of gone) {
      if (await this.absentInAPI(r, m.namespace ?? '')) reallyGone.push(r);
    }
    if (reallyGone.length === 0) return;
    if (reallyGone.length === refs.length) {
      // Owners waiting in foreground deletion make their dependents go in foreground too.
      await this.deleteObject(node, 'Background');
    } else {
      const keep = refs.filter((r) => !reallyGone.some((g) => g.uid === r.uid));
      await this.c.client
        .patch(node.gr, m.namespace ?? '', m.name ?? '', 'merge', { metadata: { ownerReferences: keep, uid: m.uid } })
        .catch(() => undefined);
    }
  }

  private async absentInAPI(r: OwnerReference, namespace: string): Promise<boolean> {
    const gr = TRACKED.find((g) => kindOf(g) === r.kind);
    if (!gr) return false;
    const nodeScoped = r.kind === 'Node';
    try {
      const o = await this.c.client.get(gr, nodeScoped ? '' : namespace, r.name);
      return o.metadata?.uid !== r.uid;
    } catch (e) {
      return isNotFound(e);
    }
  }

  private async deleteObject(n: Node, policy: 'Background' | 'Foreground'): Promise<void> {
    const m = n.obj.metadata ?? {};
    this.c.ctx.annotate(
      `garbage collector: deleting ${kindOf(n.gr)} ${m.namespace ? `${m.namespace}/` : ''}${m.name} (${policy.toLowerCase()})`,
    );
    await this.c.client
      .delete(n.gr, m.namespace ?? '', m.name ?? '', { propagationPolicy: policy, preconditions: { uid: m.uid ?? '' } })
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }

  private async orphanDependents(uid: string): Promise<void> {
    for (const d of [...(this.dependents.get(uid) ?? [])]) {
      const n = this.byUid.get(d);
      if (!n) continue;
      const m = n.obj.metadata ?? {};
      const keep = (m.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await this.c.client
        .patch(n.gr, m.namespace ?? '', m.name ?? '', 'merge', {
          metadata: { ownerReferences: keep.length ? keep : null, uid: m.uid },
        })
        .catch(() => undefined);
    }
  }

  private async removeFinalizer(n: Node, f: string): Promise<void> {
    const m = n.obj.metadata ?? {};
    const rest = (m.finalizers ?? []).filter((x) => x !== f);
    await this.c.client
      .patch(n.gr, m.namespace ?? '', m.name ?? '', 'merge', {
        metadata: { finalizers: rest.length ? rest : null, resourceVersion: m.resourceVersion },
      })
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }
}

function kindOf(gr: GRType): string {
  const k: Record<string, string> = {
    pods: 'Pod',
    replicasets: 'ReplicaSet',
    deployments: 'Deployment',
    daemonsets: 'DaemonSet',
    statefulsets: 'StatefulSet',
    jobs: 'Job',
    cronjobs: 'CronJob',
    endpointslices: 'EndpointSlice',
    nodes: 'Node',
    leases: 'Lease',
    services: 'Service',
    configmaps: 'ConfigMap',
    secrets: 'Secret',
  };
  return k[gr.resource] ?? gr.resource;
}
