/**
 * The node lifecycle controller (pkg/controller/nodelifecycle) and the taint eviction controller
 * (pkg/controller/tainteviction). Every --node-monitor-period (5 s) it checks each node's last
 * heartbeat (its Lease renewal or Ready condition); past --node-monitor-grace-period (50 s) the
 * node's conditions become Unknown ("Kubelet stopped posting node status."), its pods are marked
 * not ready, and it is tainted node.kubernetes.io/unreachable (NoSchedule and NoExecute); a node
 * reporting Ready=False gets node.kubernetes.io/not-ready instead. Pods on a NoExecute-tainted
 * node are evicted at once unless they tolerate the taint, and after their tolerationSeconds if
 * they do (300 s by default, from the DefaultTolerationSeconds admission plugin).
 */
import { formatRFC3339, parseRFC3339 } from '../../../src/machinery/api/time.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isNotFound } from '../../../src/machinery/client/clientset.ts';
import type { Controller, ControllerContext } from '../shared.ts';

const MONITOR_PERIOD = 5_000;
const GRACE_PERIOD = 50_000;
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const NOT_READY = 'node.kubernetes.io/not-ready';

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
type Node = KObject & {
  spec?: { taints?: Taint[] };
  status?: {
    conditions?: {
      type: string;
      status: string;
      lastHeartbeatTime?: string;
      lastTransitionTime?: string;
      reason?: string;
      message?: string;
    }[];
  };
};
type Pod = KObject & {
  spec?: { nodeName?: string; tolerations?: Toleration[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
};

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

interface Health {
  /** When we last saw the kubelet heartbeat change (our clock, not the kubelet's). */
  probe: number;
  lease: string;
  heartbeat: string;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private health = new Map<string, Health>();
  /** Scheduled evictions: pod key → timer. */
  private evictions = new Map<string, number>();

  constructor(private c: ControllerContext) {}

  setup(): void {
    this.c.informers.for<Node>(GR.nodes).addHandlers({
      update: (_o, n) => this.processTaints(n),
      add: (n) => this.processTaints(n),
      delete: (n) => this.gcOrphaned(n.metadata?.name ?? ''),
    });
    this.c.informers.for(GR.leases);
    this.c.informers.for<Pod>(GR.pods).addHandlers({
      add: (p) => this.processPod(p),
      update: (_o, p) => this.processPod(p),
    });
  }

  run(): void {
    this.c.ctx.setTimer(MONITOR_PERIOD, () => this.monitorNodeHealth(), 'node monitor');
  }

  private async monitorNodeHealth(): Promise<void> {
    this.c.ctx.setTimer(MONITOR_PERIOD, () => this.monitorNodeHealth(), 'node monitor');
    const now = this.c.ctx.now();
    for (const node of this.c.informers.for<Node>(GR.nodes).list()) {
      const name = node.metadata?.name ?? '';
      const lease = this.c.informers.for(GR.leases).getByName('kube-node-lease', name);
      const renew = String((lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? '');
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      const hb = ready?.lastHeartbeatTime ?? '';
      let h = this.health.get(name);
      if (!h) {
        h = { probe: now, lease: renew, heartbeat: hb };
        this.health.set(name, h);
      }
      if (renew !== h.lease || hb !== h.heartbeat) {
        h.probe = now;
        h.lease = renew;
        h.heartbeat = hb;
      }
      if (now - h.probe <= GRACE_PERIOD) continue;
      if (ready?.status === 'Unknown') continue;
      await this.markUnknown(node, ready === undefined);
    }
  }

  /** Sets every condition to Unknown, as tryUpdateNodeHealth does after the grace period. */
  private async markUnknown(node: Node, never: boolean): Promise<void> {
    const name = node.metadata?.name ?? '';
    const now = formatRFC3339(this.c.nowMs());
    const types = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
    const existing = node.status?.conditions ?? [];
    const conditions = types.map((type) => {
      const old = existing.find((c) => c.type === type);
      return {
        type,
        status: 'Unknown',
        lastHeartbeatTime: old?.lastHeartbeatTime ?? now,
        lastTransitionTime: now,
        reason: never ? 'NodeStatusNeverUpdated' : 'NodeStatusUnknown',
        message: never ? 'Kubelet never posted node status.' : 'Kubelet stopped posting node status.',
      };
    });
    this.c.ctx.annotate(`node ${name}: no heartbeat for ${GRACE_PERIOD / 1000}s; Ready=Unknown`);
    await this.c.client.patch(GR.nodes, '', name, 'merge', { status: { conditions } }, 'status').catch(() => undefined);
    this.c
      .recorder('node-controller')
      .event(
        { ...node, kind: 'Node', apiVersion: 'v1' },
        'Normal',
        'NodeNotReady',
        `Node ${name} status is now: NodeNotReady`,
      );
    // MarkPodsNotReady.
    for (const p of this.c.informers.for<Pod>(GR.pods).list()) {
      if (p.spec?.nodeName !== name) continue;
      const conds = (p.status?.conditions ?? []).map((c) =>
        c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', lastTransitionTime: now } : c,
      );
      await this.c.client
        .patch(
          GR.pods,
          p.metadata?.namespace ?? '',
          p.metadata?.name ?? '',
          'merge',
          { status: { conditions: conds } },
          'status',
        )
        .catch(() => undefined);
    }
  }

  /** doNoScheduleTaintingPass and doNoExecuteTaintingPass: taints follow the Ready condition. */
  private async processTaints(node: Node): Promise<void> {
    const name = node.metadata?.name ?? '';
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const want: Taint[] = [];
    if (ready?.status === 'Unknown')
      want.push({ key: UNREACHABLE, effect: 'NoSchedule' }, { key: UNREACHABLE, effect: 'NoExecute' });
    else if (ready?.status === 'False')
      want.push({ key: NOT_READY, effect: 'NoSchedule' }, { key: NOT_READY, effect: 'NoExecute' });
    else if (!ready) want.push({ key: NOT_READY, effect: 'NoSchedule' });
    const current = node.spec?.taints ?? [];
    const managed = (t: Taint) => t.key === UNREACHABLE || t.key === NOT_READY;
    const kept = current.filter((t) => !managed(t));
    const now = formatRFC3339(this.c.nowMs());
    const next = [
      ...kept,
      ...want.map(
        (w) =>
          current.find((t) => t.key === w.key && t.effect === w.effect) ??
          (w.effect === 'NoExecute' ? { ...w, timeAdded: now } : w),
      ),
    ];
    const same =
      next.length === current.length &&
      next.every((t) => current.some((c) => c.key === t.key && c.effect === t.effect));
    if (!same) {
      await this.c.client
        .patch(GR.nodes, '', name, 'merge', { spec: { taints: next.length ? next : null } })
        .catch(() => undefined);
      return;
    }
    for (const p of this.c.informers.for<Pod>(GR.pods).list()) if (p.spec?.nodeName === name) this.processPod(p);
  }

  /**
   * The pod garbage collector's gcOrphaned (pkg/controller/podgc): pods bound to a node that no
   * longer exists are deleted at once (grace 0) after a 40 s quarantine, in case the node returns.
   */
  private gcOrphaned(node: string): void {
    this.c.ctx.setTimer(
      40_000,
      async () => {
        if (this.c.informers.for<Node>(GR.nodes).getByName('', node)) return;
        for (const p of this.c.informers.for<Pod>(GR.pods).list()) {
          if (p.spec?.nodeName !== node) continue;
          await this.c.client
            .delete(GR.pods, p.metadata?.namespace ?? '', p.metadata?.name ?? '', { gracePeriodSeconds: 0 })
            .catch(() => undefined);
        }
      },
      `podgc ${node}`,
    );
  }

  /** The taint eviction controller's decision for one pod. */
  private processPod(p: Pod): void {
    const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
    const nodeName = p.spec?.nodeName;
    const node = nodeName ? this.c.informers.for<Node>(GR.nodes).getByName('', nodeName) : undefined;
    const taints = (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    const cancel = () => {
      const t = this.evictions.get(key);
      if (t !== undefined) {
        this.c.ctx.clearTimer(t);
        this.evictions.delete(key);
      }
    };
    if (taints.length === 0 || p.metadata?.deletionTimestamp) {
      cancel();
      return;
    }
    if (this.evictions.has(key)) return;
    let wait = Number.POSITIVE_INFINITY;
    for (const taint of taints) {
      const tol = (p.spec?.tolerations ?? []).filter((t) => tolerates(t, taint));
      if (tol.length === 0) {
        wait = 0;
        break;
      }
      const secs = Math.min(
        ...tol.map((t) =>
          t.tolerationSeconds === undefined ? Number.POSITIVE_INFINITY : Math.max(0, t.tolerationSeconds),
        ),
      );
      const added = taint.timeAdded ? parseRFC3339(taint.timeAdded) : this.c.nowMs();
      wait = Math.min(wait, added + secs * 1000 - this.c.nowMs());
    }
    if (!Number.isFinite(wait)) return;
    const uid = p.metadata?.uid ?? '';
    this.evictions.set(
      key,
      this.c.ctx.setTimer(
        Math.max(0, wait),
        async () => {
          this.evictions.delete(key);
          this.c
            .recorder('taint-eviction-controller')
            .event(
              { ...p, kind: 'Pod', apiVersion: 'v1' },
              'Normal',
              'TaintManagerEviction',
              `Marking for deletion Pod ${key}`,
            );
          await this.c.client
            .delete(GR.pods, p.metadata?.namespace ?? '', p.metadata?.name ?? '', { preconditions: { uid } })
            .catch((e: unknown) => {
              if (!isNotFound(e)) throw e;
            });
        },
        `evict ${key}`,
      ),
    );
  }
}
