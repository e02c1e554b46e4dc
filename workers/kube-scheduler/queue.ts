/**
 * The scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go, `PriorityQueue`):
 *
 * - activeQ: pods ready to be tried, highest priority first, then the earliest added (PrioritySort);
 * - backoffQ: pods waiting out their back-off, 1 s doubling per attempt up to 10 s
 *   (podInitialBackoffDuration / podMaxBackoffDuration), flushed to activeQ on a 1 s tick;
 * - unschedulablePods: pods the last attempt found unschedulable, waiting for a cluster event one of
 *   the plugins that rejected them says could help (queueing hints), or for the 30 s leftover
 *   flush once they have waited podMaxInUnschedulablePodsDuration (5 min);
 * - pods with scheduling gates wait (SchedulingGates' PreEnqueue) until the gates are removed.
 *
 * Upstream runs the two flushes on fixed 1 s and 30 s tickers. Here the timers are set only when
 * something is waiting, at the tick upstream's ticker would have hit, so an idle scheduler adds
 * nothing to the trace.
 */
import type { PodInfo } from './types.ts';

export const DEFAULT_POD_INITIAL_BACKOFF = 1_000;
export const DEFAULT_POD_MAX_BACKOFF = 10_000;
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION = 5 * 60_000;
export const BACKOFF_FLUSH_PERIOD = 1_000;
export const UNSCHEDULABLE_FLUSH_PERIOD = 30_000;

/** `framework.QueuedPodInfo`. */
export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod was last added to the queue (simulated ms). */
  timestamp: number;
  /** When the first attempt started. */
  initialAttemptTimestamp?: number;
  attempts: number;
  /** Plugins that rejected the pod in its last attempt; empty after an error. */
  unschedulablePlugins: Set<string>;
}

/** A cluster event (`fwk.ClusterEvent`) with the objects involved. */
export interface ClusterEvent {
  type:
    | 'NodeAdd'
    | 'NodeUpdate'
    | 'AssignedPodAdd'
    | 'AssignedPodUpdate'
    | 'AssignedPodDelete'
    | 'UnschedulableTimeout'
    | 'ForceActivate';
  oldObj?: unknown;
  newObj?: unknown;
}

/** Queueing hint: does `event` make `pod`, rejected by `plugin`, worth retrying? */
export type QueueingHint = (plugin: string, pod: QueuedPodInfo, event: ClusterEvent) => boolean;

export interface QueueClock {
  now(): number;
  setTimer(delay: number, fn: () => void, tag: string): number;
  clearTimer(id: number): void;
}

/** A binary heap keyed by pod key, with removal. */
class KeyedHeap<T> {
  private items: T[] = [];
  private pos = new Map<string, number>();

  constructor(
    private less: (a: T, b: T) => boolean,
    private keyOf: (t: T) => string,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.pos.has(key);
  }

  get(key: string): T | undefined {
    const i = this.pos.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  values(): readonly T[] {
    return this.items;
  }

  push(t: T): void {
    const k = this.keyOf(t);
    if (this.pos.has(k)) this.remove(k);
    this.items.push(t);
    this.pos.set(k, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.remove(this.keyOf(top));
    return top;
  }

  remove(key: string): T | undefined {
    const i = this.pos.get(key);
    if (i === undefined) return undefined;
    const t = this.items[i] as T;
    const last = this.items.pop() as T;
    this.pos.delete(key);
    if (i < this.items.length) {
      this.items[i] = last;
      this.pos.set(this.keyOf(last), i);
      this.down(i);
      this.up(i);
    }
    return t;
  }

  private swap(i: number, j: number): void {
    const a = this.items[i] as T;
    const b = this.items[j] as T;
    this.items[i] = b;
    this.items[j] = a;
    this.pos.set(this.keyOf(b), i);
    this.pos.set(this.keyOf(a), j);
  }

  private up(i: number): void {
    let c = i;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.less(this.items[c] as T, this.items[p] as T)) break;
      this.swap(c, p);
      c = p;
    }
  }

  private down(i: number): void {
    let p = i;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < this.items.length && this.less(this.items[l] as T, this.items[m] as T)) m = l;
      if (r < this.items.length && this.less(this.items[r] as T, this.items[m] as T)) m = r;
      if (m === p) return;
      this.swap(p, m);
      p = m;
    }
  }
}

export interface QueueOptions {
  clock: QueueClock;
  hint: QueueingHint;
  /** Called when activeQ gains pods (the scheduler wakes its scheduleOne loop). */
  onActive: () => void;
  initialBackoff?: number;
  maxBackoff?: number;
  maxInUnschedulable?: number;
}

/** `PrioritySort.Less`: higher priority first, then the earlier timestamp. */
export function prioritySortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  if (a.info.priority !== b.info.priority) return a.info.priority > b.info.priority;
  return a.timestamp < b.timestamp;
}

export class SchedulingQueue {
  private activeQ = new KeyedHeap<QueuedPodInfo>(prioritySortLess, (q) => q.info.key);
  private backoffQ = new KeyedHeap<QueuedPodInfo>(
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    (q) => q.info.key,
  );
  private unschedulable = new Map<string, QueuedPodInfo>();
  private gated = new Map<string, QueuedPodInfo>();
  private inFlight = new Map<string, QueuedPodInfo>();
  /** Incremented on every Pop. */
  schedulingCycle = 0;
  private readonly start: number;
  private backoffTimer: { id: number; at: number } | undefined;
  private leftoverTimer: { id: number; at: number } | undefined;
  readonly initialBackoff: number;
  readonly maxBackoff: number;
  readonly maxInUnschedulable: number;

  constructor(private opts: QueueOptions) {
    this.start = opts.clock.now();
    this.initialBackoff = opts.initialBackoff ?? DEFAULT_POD_INITIAL_BACKOFF;
    this.maxBackoff = opts.maxBackoff ?? DEFAULT_POD_MAX_BACKOFF;
    this.maxInUnschedulable = opts.maxInUnschedulable ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION;
  }

  private now(): number {
    return this.opts.clock.now();
  }

  // ---- sizes and lookups -------------------------------------------------------------------------

  get activeCount(): number {
    return this.activeQ.size;
  }

  get backoffCount(): number {
    return this.backoffQ.size;
  }

  get unschedulableCount(): number {
    return this.unschedulable.size;
  }

  get gatedCount(): number {
    return this.gated.size;
  }

  /** Where a pod is: 'active', 'backoff', 'unschedulable', 'gated', 'inFlight', or undefined. */
  where(key: string): string | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.gated.has(key)) return 'gated';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  /** Every pod the queue knows, for the nominator and the UI. */
  *pods(): Iterable<QueuedPodInfo> {
    yield* this.activeQ.values();
    yield* this.backoffQ.values();
    yield* this.unschedulable.values();
    yield* this.gated.values();
    yield* this.inFlight.values();
  }

  // ---- back-off ------------------------------------------------------------------------------------

  /** `calculateBackoffDuration`: initial × 2^(attempts-1), capped. */
  backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoff;
    for (let i = 1; i < q.attempts; i++) {
      if (d > this.maxBackoff - d) return this.maxBackoff;
      d += d;
    }
    return d;
  }

  backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  isPodBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.now();
  }

  private nextTick(at: number, period: number): number {
    const k = Math.ceil((at - this.start) / period);
    return this.start + Math.max(k, 0) * period;
  }

  private armBackoffFlush(): void {
    const head = this.backoffQ.peek();
    if (!head) {
      if (this.backoffTimer) this.opts.clock.clearTimer(this.backoffTimer.id);
      this.backoffTimer = undefined;
      return;
    }
    let at = this.nextTick(this.backoffExpiry(head), BACKOFF_FLUSH_PERIOD);
    if (at <= this.now()) at = this.nextTick(this.now() + 1, BACKOFF_FLUSH_PERIOD);
    if (this.backoffTimer && this.backoffTimer.at <= at) return;
    if (this.backoffTimer) this.opts.clock.clearTimer(this.backoffTimer.id);
    const id = this.opts.clock.setTimer(
      at - this.now(),
      () => this.flushBackoffQCompleted(),
      'scheduling queue: flushBackoffQCompleted',
    );
    this.backoffTimer = { id, at };
  }

  /** `flushBackoffQCompleted`: pods whose back-off has ended go to activeQ. */
  flushBackoffQCompleted(): void {
    this.backoffTimer = undefined;
    let moved = false;
    for (;;) {
      const head = this.backoffQ.peek();
      if (!head || this.isPodBackingOff(head)) break;
      this.backoffQ.pop();
      this.activeQ.push(head);
      moved = true;
    }
    this.armBackoffFlush();
    if (moved) this.opts.onActive();
  }

  private armLeftoverFlush(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const q of this.unschedulable.values()) if (q.timestamp < earliest) earliest = q.timestamp;
    if (earliest === Number.POSITIVE_INFINITY) {
      if (this.leftoverTimer) this.opts.clock.clearTimer(this.leftoverTimer.id);
      this.leftoverTimer = undefined;
      return;
    }
    // The first 30 s tick at which the pod has waited strictly longer than the limit.
    let at = this.nextTick(earliest + this.maxInUnschedulable + 1, UNSCHEDULABLE_FLUSH_PERIOD);
    if (at <= this.now()) at = this.nextTick(this.now() + 1, UNSCHEDULABLE_FLUSH_PERIOD);
    if (this.leftoverTimer && this.leftoverTimer.at <= at) return;
    if (this.leftoverTimer) this.opts.clock.clearTimer(this.leftoverTimer.id);
    const id = this.opts.clock.setTimer(
      at - this.now(),
      () => this.flushUnschedulablePodsLeftover(),
      'scheduling queue: flushUnschedulablePodsLeftover',
    );
    this.leftoverTimer = { id, at };
  }

  /** `flushUnschedulablePodsLeftover`: pods unschedulable for over 5 minutes are retried. */
  flushUnschedulablePodsLeftover(): void {
    this.leftoverTimer = undefined;
    const now = this.now();
    const due = [...this.unschedulable.values()].filter((q) => now - q.timestamp > this.maxInUnschedulable);
    if (due.length) this.movePodsToActiveOrBackoffQueue(due, { type: 'UnschedulableTimeout' });
    this.armLeftoverFlush();
  }

  // ---- adding and removing -------------------------------------------------------------------------

  private newQueuedPodInfo(info: PodInfo): QueuedPodInfo {
    return { info, timestamp: this.now(), attempts: 0, unschedulablePlugins: new Set() };
  }

  private static gatedBy(info: PodInfo): boolean {
    return (info.pod.spec?.schedulingGates ?? []).length > 0;
  }

  /** `Add`: a new unscheduled pod. Gated pods wait; the rest go to activeQ. */
  add(info: PodInfo): void {
    if (this.where(info.key)) {
      this.update(info);
      return;
    }
    const q = this.newQueuedPodInfo(info);
    if (SchedulingQueue.gatedBy(info)) {
      this.gated.set(info.key, q);
      return;
    }
    this.activeQ.push(q);
    this.opts.onActive();
  }

  /**
   * `Update`: the pod object changed. An update that could make it schedulable (anything but
   * status) moves it out of unschedulablePods; removing the last scheduling gate lets it in.
   */
  update(info: PodInfo): void {
    const key = info.key;
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.info = info;
      return;
    }
    const active = this.activeQ.get(key);
    if (active) {
      active.info = info;
      this.activeQ.push(active);
      return;
    }
    const backoff = this.backoffQ.get(key);
    if (backoff) {
      backoff.info = info;
      return;
    }
    const gated = this.gated.get(key);
    if (gated) {
      gated.info = info;
      if (!SchedulingQueue.gatedBy(info)) {
        this.gated.delete(key);
        gated.timestamp = this.now();
        this.activeQ.push(gated);
        this.opts.onActive();
      }
      return;
    }
    const u = this.unschedulable.get(key);
    if (u) {
      const specChanged =
        JSON.stringify(u.info.pod.spec) !== JSON.stringify(info.pod.spec) ||
        JSON.stringify(u.info.pod.metadata.labels ?? {}) !== JSON.stringify(info.pod.metadata.labels ?? {});
      u.info = info;
      if (specChanged) {
        this.unschedulable.delete(key);
        if (this.isPodBackingOff(u)) {
          this.backoffQ.push(u);
          this.armBackoffFlush();
        } else {
          this.activeQ.push(u);
          this.opts.onActive();
        }
        this.armLeftoverFlush();
      }
      return;
    }
    this.add(info);
  }

  delete(key: string): void {
    this.activeQ.remove(key);
    if (this.backoffQ.remove(key)) this.armBackoffFlush();
    if (this.unschedulable.delete(key)) this.armLeftoverFlush();
    this.gated.delete(key);
    this.inFlight.delete(key);
  }

  /** `Pop`: the head of activeQ, its attempt counted and the scheduling cycle advanced. */
  pop(): QueuedPodInfo | undefined {
    const q = this.activeQ.pop();
    if (!q) return undefined;
    q.attempts++;
    if (q.initialAttemptTimestamp === undefined) q.initialAttemptTimestamp = this.now();
    this.schedulingCycle++;
    this.inFlight.set(q.info.key, q);
    return q;
  }

  /** `Done`: the pod's scheduling attempt finished (bound, or handed back). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * `AddUnschedulableIfNotPresent`: after a failed attempt. Rejected by plugins → unschedulablePods;
   * failed with an error (no rejecting plugin) → backoffQ.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo): void {
    const key = q.info.key;
    this.inFlight.delete(key);
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    q.timestamp = this.now();
    if (q.unschedulablePlugins.size === 0) {
      this.backoffQ.push(q);
      this.armBackoffFlush();
      return;
    }
    this.unschedulable.set(key, q);
    this.armLeftoverFlush();
  }

  // ---- events ------------------------------------------------------------------------------------

  /** `MoveAllToActiveOrBackoffQueue`: retries the unschedulable pods this event may help. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, preCheck?: (q: QueuedPodInfo) => boolean): void {
    if (this.unschedulable.size === 0) return;
    const pods = [...this.unschedulable.values()].filter((q) => !preCheck || preCheck(q));
    this.movePodsToActiveOrBackoffQueue(pods, event);
  }

  private movePodsToActiveOrBackoffQueue(pods: QueuedPodInfo[], event: ClusterEvent): void {
    let active = false;
    let backoff = false;
    for (const q of pods) {
      const forced = event.type === 'UnschedulableTimeout' || event.type === 'ForceActivate';
      if (!forced && q.unschedulablePlugins.size > 0) {
        let queue = false;
        for (const pl of q.unschedulablePlugins) {
          if (this.opts.hint(pl, q, event)) {
            queue = true;
            break;
          }
        }
        if (!queue) continue;
      }
      this.unschedulable.delete(q.info.key);
      if (this.isPodBackingOff(q)) {
        this.backoffQ.push(q);
        backoff = true;
      } else {
        this.activeQ.push(q);
        active = true;
      }
    }
    if (backoff) this.armBackoffFlush();
    this.armLeftoverFlush();
    if (active) this.opts.onActive();
  }
}
