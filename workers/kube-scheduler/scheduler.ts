/**
 * kube-scheduler (cmd/kube-scheduler, pkg/scheduler/scheduler.go, eventhandlers.go,
 * schedule_one.go): informers for pods and nodes (and the Services, ReplicaSets, StatefulSets and
 * Namespaces the default plugins read), a scheduling queue, the scheduler cache, and — once this
 * instance holds the `kube-system/kube-scheduler` Lease — the scheduleOne loop:
 *
 *   scheduleOne → schedulingCycle (filter, score, select, assume) → bindingCycle (POST
 *   pods/<name>/binding, `Scheduled` event), or on failure handleSchedulingFailure
 *   (`FailedScheduling` event, PodScheduled=False condition, back to the queue).
 *
 * Every attempt's decision (each node's filter verdicts, each plugin's raw, normalized and
 * weighted score, the choice) is written to the trace as a note and the last 1000 are kept.
 *
 * Simplifications (see README.md): no volume plugins, DRA, extenders or multiple profiles; no
 * PodDisruptionBudgets in preemption; pods of other schedulers are ignored, as upstream.
 */

import { DEFAULT_EPOCH, formatRFC3339 } from '../../src/machinery/api/time.ts';
import type { KObject } from '../../src/machinery/api/types.ts';
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import { ApiError, Clientset, GR } from '../../src/machinery/client/clientset.ts';
import { EventRecorder } from '../../src/machinery/client/events.ts';
import { Informer } from '../../src/machinery/client/informer.ts';
import { LeaderElector } from '../../src/machinery/client/leaderelection.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import { DEFAULT_SCHEDULER_NAME, type Node, type Pod, type PodCondition, schedulerNameOf } from './api.ts';
import { Cache } from './cache.ts';
import { DecisionStore, decisionSummary, encodeDecisionNote, type SchedulingDecision } from './decisions.ts';
import { Framework, type ScheduleOutcome } from './framework.ts';
import type { Listers, Snapshot } from './framework-types.ts';
import { defaultQueueingHint, nodeSchedulingPropertiesChanged } from './hints.ts';
import { type QueuedPodInfo, SchedulingQueue } from './queue.ts';
import { newPodInfo, type PodInfo } from './types.ts';

export const KUBE_SCHEDULER_VERSION = 'v1.33.1';
/** `validation.NoteLengthLimit`: event messages are truncated past this. */
export const NOTE_LENGTH_LIMIT = 1024;

export interface KubeSchedulerConfig {
  /** Epoch ms of simulated time 0 (timestamps in events, conditions, the Lease). */
  epoch?: number;
  /** The node this instance runs on (the leader identity's prefix). */
  hostname?: string;
  /** percentageOfNodesToScore; 0 (default) is adaptive. */
  percentageOfNodesToScore?: number;
  /** Decisions kept in memory. */
  decisionCapacity?: number;
  /** Run leader election (default true); false schedules at once. */
  leaderElect?: boolean;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
}

interface Nominated {
  node: string;
  info: PodInfo;
}

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** `truncateMessage`. */
export function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

/** A v4 UUID from the component's seeded random stream. */
function uuidFrom(randInt: (n: number) => number): string {
  const b = Array.from({ length: 16 }, () => randInt(256));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class KubeScheduler implements Component {
  private ctx!: Context;
  private client!: Clientset;
  private recorder!: EventRecorder;
  readonly cache = new Cache();
  queue!: SchedulingQueue;
  framework!: Framework;
  readonly decisions: DecisionStore;
  private pods!: Informer<Pod>;
  private nodes!: Informer<Node>;
  private services!: Informer;
  private replicaSets!: Informer;
  private statefulSets!: Informer;
  private namespaces!: Informer;
  private listers!: Listers;
  private elector: LeaderElector | undefined;
  private nominated = new Map<string, Nominated>();
  private leading = false;
  private kicked = false;
  readonly epoch: number;
  identity = '';
  /** Scheduling attempts made and pods bound, for tests and benchmarks. */
  readonly stats = { attempts: 0, scheduled: 0, unschedulable: 0, errors: 0, bound: 0, bindFailures: 0 };

  constructor(readonly config: KubeSchedulerConfig = {}) {
    this.epoch = config.epoch ?? DEFAULT_EPOCH;
    this.decisions = new DecisionStore(config.decisionCapacity ?? 1000);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(ctx: Context): void {
    this.ctx = ctx;
    this.client = new Clientset(ctx, `kube-scheduler/${KUBE_SCHEDULER_VERSION} (linux/amd64) kubernetes/8adc0f0`);
    this.recorder = new EventRecorder(ctx, this.client, { component: DEFAULT_SCHEDULER_NAME }, this.epoch);
    this.queue = new SchedulingQueue({
      clock: {
        now: () => ctx.now(),
        setTimer: (delay, fn, tag) => ctx.setTimer(delay, fn, tag),
        clearTimer: (id) => ctx.clearTimer(id),
      },
      hint: defaultQueueingHint,
      onActive: () => this.kick(),
      initialBackoff: (this.config.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoff: (this.config.podMaxBackoffSeconds ?? 10) * 1000,
    });
    this.framework = new Framework({
      percentageOfNodesToScore: this.config.percentageOfNodesToScore ?? 0,
      randInt: (n) => ctx.randInt(n),
      nominatedPods: (node) => this.nominatedPodsForNode(node),
    });
    this.pods = new Informer<Pod>(this.client, GR.pods, {
      fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
    });
    this.nodes = new Informer<Node>(this.client, GR.nodes);
    this.services = new Informer(this.client, GR.services);
    this.replicaSets = new Informer(this.client, GR.replicasets);
    this.statefulSets = new Informer(this.client, GR.statefulsets);
    this.namespaces = new Informer(this.client, GR.namespaces);
    this.listers = {
      services: (ns) => this.services.list(ns),
      replicaSet: (ns, name) => this.replicaSets.getByName(ns, name),
      statefulSet: (ns, name) => this.statefulSets.getByName(ns, name),
      replicationController: () => undefined,
      namespaceLabels: (ns) => this.namespaces.getByName('', ns)?.metadata?.labels,
      namespaces: () =>
        this.namespaces.list().map((n) => ({ name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} })),
    };
    this.addAllEventHandlers();
    void this.run();
  }

  recover(_records: unknown[], ctx: Context): void {
    this.start(ctx);
  }

  receive(env: Envelope, ctx: Context): void {
    if (this.client.dispatch(env.kind, env.payload)) return;
    if (env.kind === 'scheduler.decision') {
      const p = env.payload as { namespace?: string; name?: string };
      const d = this.decisions.get(p.namespace ?? 'default', p.name ?? '');
      ctx.reply(env, 'scheduler.decision.result', d ?? null, d ? decisionSummary(d) : 'no decision');
    }
  }

  /** Starts the informers, waits for them to sync, then runs for the Lease. */
  private async run(): Promise<void> {
    await Promise.all(
      [this.nodes, this.pods, this.services, this.replicaSets, this.statefulSets, this.namespaces].map((i) =>
        i.start(),
      ),
    );
    this.identity = `${this.config.hostname ?? 'kind-control-plane'}_${uuidFrom((n) => this.ctx.randInt(n))}`;
    if (this.config.leaderElect === false) {
      this.startedLeading();
      return;
    }
    this.elector = new LeaderElector(this.ctx, this.client, {
      name: 'kube-scheduler',
      namespace: 'kube-system',
      identity: this.identity,
      epoch: this.epoch,
      onStartedLeading: () => this.startedLeading(),
      onStoppedLeading: () => {
        // Upstream exits ("leaderelection lost") and is restarted; here it stops scheduling.
        this.leading = false;
      },
    });
    this.elector.run();
  }

  private startedLeading(): void {
    this.leading = true;
    this.kick();
  }

  // ---- informer event handlers (eventhandlers.go) -----------------------------------------------

  private responsible(pod: Pod): boolean {
    return schedulerNameOf(pod) === DEFAULT_SCHEDULER_NAME;
  }

  private addAllEventHandlers(): void {
    this.pods.addHandlers({
      add: (pod) => {
        if (isTerminal(pod)) return;
        if (pod.spec?.nodeName) this.addPodToCache(pod);
        else if (this.responsible(pod)) this.addPodToSchedulingQueue(pod);
      },
      update: (old, pod) => {
        if (isTerminal(pod)) {
          this.deletePod(pod);
          return;
        }
        const wasAssigned = !!old.spec?.nodeName;
        if (pod.spec?.nodeName) {
          if (!wasAssigned) {
            // The unassigned-pods handler sees a delete, the assigned-pods handler an add.
            this.queue.delete(newPodInfo(pod).key);
            this.nominated.delete(newPodInfo(pod).key);
            this.addPodToCache(pod);
          } else this.updatePodInCache(old, pod);
        } else if (this.responsible(pod)) {
          this.updatePodInSchedulingQueue(pod);
        }
      },
      delete: (pod) => this.deletePod(pod),
    });
    this.nodes.addHandlers({
      add: (node) => {
        this.cache.addNode(node);
        this.queue.moveAllToActiveOrBackoffQueue({ type: 'NodeAdd', newObj: node });
      },
      update: (old, node) => {
        this.cache.updateNode(old, node);
        if (nodeSchedulingPropertiesChanged(old, node)) {
          this.queue.moveAllToActiveOrBackoffQueue({ type: 'NodeUpdate', oldObj: old, newObj: node });
        }
      },
      delete: (node) => this.cache.removeNode(node),
    });
  }

  private addPodToSchedulingQueue(pod: Pod): void {
    const info = newPodInfo(pod);
    this.updateNominated(info);
    this.queue.add(info);
  }

  private updatePodInSchedulingQueue(pod: Pod): void {
    const info = newPodInfo(pod);
    // An assumed pod's update (before its binding shows up) must not send it round again.
    if (this.cache.isAssumed(info.key)) return;
    this.updateNominated(info);
    this.queue.update(info);
  }

  private addPodToCache(pod: Pod): void {
    const info = newPodInfo(pod);
    this.cache.addPod(info, pod.spec.nodeName as string);
    this.queue.moveAllToActiveOrBackoffQueue({ type: 'AssignedPodAdd', newObj: pod });
  }

  private updatePodInCache(old: Pod, pod: Pod): void {
    this.cache.updatePod(newPodInfo(pod), pod.spec.nodeName as string);
    this.queue.moveAllToActiveOrBackoffQueue({ type: 'AssignedPodUpdate', oldObj: old, newObj: pod });
  }

  private deletePod(pod: Pod): void {
    const key = newPodInfo(pod).key;
    this.nominated.delete(key);
    this.queue.delete(key);
    if (this.cache.removePod(key)) {
      this.queue.moveAllToActiveOrBackoffQueue({ type: 'AssignedPodDelete', oldObj: pod });
    }
  }

  // ---- nominator ---------------------------------------------------------------------------------

  private updateNominated(info: PodInfo): void {
    const node = info.pod.status?.nominatedNodeName;
    if (node) this.nominated.set(info.key, { node, info });
    else this.nominated.delete(info.key);
  }

  private nominatedPodsForNode(node: string): PodInfo[] {
    if (this.nominated.size === 0) return [];
    const out: PodInfo[] = [];
    for (const n of this.nominated.values()) if (n.node === node) out.push(n.info);
    return out;
  }

  // ---- scheduleOne -------------------------------------------------------------------------------

  /** Runs scheduleOne after the current message is handled, until activeQ is empty. */
  private kick(): void {
    if (this.kicked || !this.leading) return;
    this.kicked = true;
    void Promise.resolve().then(() => {
      this.kicked = false;
      while (this.leading && this.queue.activeCount > 0) this.scheduleOne();
    });
  }

  private snapshot(): Snapshot {
    const cache = this.cache;
    return {
      nodes: cache.list(),
      get: (name) => cache.getNode(name),
      imageNumNodes: (image) => cache.imageNumNodes(image),
      listers: this.listers,
    };
  }

  /** `ScheduleOne`: one pod through the scheduling cycle; binding continues asynchronously. */
  scheduleOne(): void {
    const q = this.queue.pop();
    if (!q) return;
    const pi = q.info;
    // skipPodSchedule
    if (pi.deleting) {
      this.recorder.event(
        this.podObject(pi.pod),
        'Warning',
        'FailedScheduling',
        `skip schedule deleting pod: ${pi.namespace}/${pi.name}`,
      );
      this.queue.done(pi.key);
      return;
    }
    if (this.cache.isAssumed(pi.key)) {
      this.queue.done(pi.key);
      return;
    }
    this.stats.attempts++;
    const outcome = this.framework.schedulePod(pi, this.snapshot());
    const decision = this.recordDecision(q, outcome);
    if (!outcome.result) {
      const rejected = !!outcome.diagnosis || outcome.noNodes === true;
      if (rejected) {
        this.stats.unschedulable++;
        q.unschedulablePlugins = outcome.diagnosis?.unschedulablePlugins ?? new Set();
      } else {
        this.stats.errors++;
        q.unschedulablePlugins = new Set();
      }
      if (outcome.postFilter?.nominatedNode && outcome.postFilter.victims) {
        void this.prepareCandidate(pi, outcome.postFilter.nominatedNode, outcome.postFilter.victims);
      }
      this.handleSchedulingFailure(
        q,
        rejected ? 'Unschedulable' : 'SchedulerError',
        decision.message ?? '',
        outcome.postFilter?.nominatedNode,
      );
      return;
    }
    this.stats.scheduled++;
    const host = outcome.result.suggestedHost;
    // assume: the pod counts on its node from now on, before the binding is observed.
    const assumed = newPodInfo({ ...pi.pod, spec: { ...pi.pod.spec, nodeName: host } });
    try {
      this.cache.assumePod(assumed, host);
    } catch (e) {
      this.handleSchedulingFailure(q, 'SchedulerError', (e as Error).message);
      return;
    }
    this.nominated.delete(pi.key);
    void this.bindingCycle(q, assumed, host);
  }

  private recordDecision(q: QueuedPodInfo, outcome: ScheduleOutcome): SchedulingDecision {
    const pi = q.info;
    const at = this.ctx.now();
    const d: SchedulingDecision = {
      type: 'SchedulingDecision',
      pod: { namespace: pi.namespace, name: pi.name, uid: pi.pod.metadata.uid ?? '' },
      cycle: this.queue.schedulingCycle,
      attempt: q.attempts,
      at,
      time: formatRFC3339(this.epoch + at),
      result: outcome.result ? 'Scheduled' : outcome.diagnosis || outcome.noNodes ? 'Unschedulable' : 'Error',
      ...outcome.decision,
    };
    if (outcome.result) d.node = outcome.result.suggestedHost;
    if (outcome.message) d.message = outcome.message;
    const json = JSON.stringify(d);
    this.decisions.add(d, json);
    this.ctx.annotate(decisionSummary(d), encodeDecisionNote(d, json));
    return d;
  }

  /** `bindingCycle` with the DefaultBinder: POST the Binding, then the `Scheduled` event. */
  private async bindingCycle(q: QueuedPodInfo, assumed: PodInfo, host: string): Promise<void> {
    const pod = assumed.pod;
    const ns = assumed.namespace;
    this.queue.done(assumed.key);
    try {
      await this.client.create(
        GR.pods,
        ns,
        {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: assumed.name, namespace: ns, uid: pod.metadata.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: host },
        },
        { name: assumed.name, sub: 'binding' },
      );
    } catch (e) {
      this.stats.bindFailures++;
      this.cache.finishBinding(assumed.key);
      this.cache.forgetPod(assumed.key);
      // Forgetting the assumed pod frees its resources, as a pod deletion would.
      this.queue.moveAllToActiveOrBackoffQueue(
        { type: 'AssignedPodDelete', oldObj: pod },
        (x) => x.info.key !== assumed.key,
      );
      q.unschedulablePlugins = new Set();
      this.handleSchedulingFailure(q, 'SchedulerError', e instanceof ApiError ? e.message : String(e));
      return;
    }
    this.cache.finishBinding(assumed.key);
    this.stats.bound++;
    this.recorder.event(
      this.podObject(pod),
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${assumed.name} to ${host}`,
    );
  }

  private podObject(pod: Pod): KObject {
    return { ...pod, apiVersion: 'v1', kind: 'Pod' };
  }

  /**
   * `handleSchedulingFailure`: the pod goes back to the queue (from the informer's latest copy;
   * not if it was deleted or bound meanwhile), a `FailedScheduling` event is recorded and the
   * PodScheduled condition (and nominatedNodeName) patched.
   */
  private handleSchedulingFailure(
    q: QueuedPodInfo,
    reason: 'Unschedulable' | 'SchedulerError',
    message: string,
    nominatedNode?: string,
  ): void {
    const pi = q.info;
    const cached = this.pods.getByName(pi.namespace, pi.name);
    if (!cached || cached.metadata.uid !== pi.pod.metadata.uid) {
      this.queue.done(pi.key);
    } else if (cached.spec?.nodeName) {
      this.queue.done(pi.key);
    } else {
      q.info = newPodInfo(cached);
      this.queue.addUnschedulableIfNotPresent(q);
    }
    if (nominatedNode) this.nominated.set(pi.key, { node: nominatedNode, info: q.info });
    const pod = cached ?? pi.pod;
    this.recorder.event(this.podObject(pod), 'Warning', 'FailedScheduling', truncateMessage(message));
    if (!cached || cached.spec?.nodeName) return;
    void this.updatePod(pod, { type: 'PodScheduled', status: 'False', reason, message }, nominatedNode).catch(
      (e: unknown) => this.ctx.annotate(`Error updating pod ${pi.namespace}/${pi.name}: ${(e as Error).message}`),
    );
  }

  /** `updatePod` + `util.PatchPodStatus`: only when the condition or the nominated node changes. */
  private async updatePod(pod: Pod, condition: PodCondition, nominatedNode?: string): Promise<void> {
    const now = formatRFC3339(this.epoch + this.ctx.now());
    const conditions = [...(pod.status?.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === condition.type);
    const next: PodCondition = {
      type: condition.type,
      status: condition.status,
      lastProbeTime: null,
      lastTransitionTime: now,
    };
    if (condition.reason) next.reason = condition.reason;
    if (condition.message) next.message = condition.message;
    let changed: boolean;
    if (i < 0) {
      conditions.push(next);
      changed = true;
    } else {
      const old = conditions[i] as PodCondition;
      if (old.status === next.status) next.lastTransitionTime = old.lastTransitionTime ?? now;
      changed =
        old.status !== next.status ||
        (old.reason ?? '') !== (next.reason ?? '') ||
        (old.message ?? '') !== (next.message ?? '') ||
        (old.lastProbeTime ?? null) !== null ||
        old.lastTransitionTime !== next.lastTransitionTime;
      conditions[i] = next;
    }
    const nnnChanged = nominatedNode !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNode;
    if (!changed && !nnnChanged) return;
    const status: Record<string, unknown> = { conditions };
    if (nnnChanged) status.nominatedNodeName = nominatedNode;
    await this.client.patch(
      GR.pods,
      pod.metadata.namespace ?? '',
      pod.metadata.name ?? '',
      'strategic',
      { status },
      'status',
    );
  }

  /**
   * DefaultPreemption's `prepareCandidate`: each victim gets the DisruptionTarget condition and is
   * deleted, with a `Preempted` event.
   */
  private async prepareCandidate(preemptor: PodInfo, node: string, victims: PodInfo[]): Promise<void> {
    const now = formatRFC3339(this.epoch + this.ctx.now());
    await Promise.all(
      victims.map(async (v) => {
        try {
          const conditions = (v.pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
          conditions.push({
            type: 'DisruptionTarget',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: now,
            reason: 'PreemptionByScheduler',
            message: `${DEFAULT_SCHEDULER_NAME}: preempting to accommodate a higher priority pod`,
          });
          await this.client.patch(GR.pods, v.namespace, v.name, 'strategic', { status: { conditions } }, 'status');
          await this.client.delete(GR.pods, v.namespace, v.name);
          this.recorder.event(
            this.podObject(v.pod),
            'Normal',
            'Preempted',
            `Preempted by pod ${preemptor.pod.metadata.uid ?? ''} on node ${node}`,
          );
        } catch (e) {
          this.ctx.annotate(`preemption of ${v.namespace}/${v.name} failed: ${(e as Error).message}`);
        }
      }),
    );
  }
}

export function createKubeScheduler(spec: ComponentSpec): Component {
  return new KubeScheduler((spec.config ?? {}) as KubeSchedulerConfig);
}
