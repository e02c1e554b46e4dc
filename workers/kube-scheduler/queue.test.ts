/** The scheduling queue on a fake clock: ordering, back-off, unschedulable pods, gates, hints. */
import { describe, expect, it } from 'vitest';
import { defaultQueueingHint } from './hints.ts';
import { type QueueClock, SchedulingQueue } from './queue.ts';
import { makeNode, makePod } from './testing.ts';
import { newPodInfo } from './types.ts';

class FakeClock implements QueueClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 0;
  now(): number {
    return this.t;
  }
  setTimer(delay: number, fn: () => void): number {
    const id = ++this.next;
    this.timers.set(id, { at: this.t + delay, fn });
    return id;
  }
  clearTimer(id: number): void {
    this.timers.delete(id);
  }
  /** Advances to `t`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!first || e[1].at < first[1].at)) first = e;
      if (!first) break;
      this.timers.delete(first[0]);
      this.t = first[1].at;
      first[1].fn();
    }
    this.t = end;
  }
  get pending(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }
}

function queue(clock = new FakeClock()) {
  let wakes = 0;
  const q = new SchedulingQueue({ clock, hint: defaultQueueingHint, onActive: () => wakes++ });
  return { q, clock, wakes: () => wakes };
}

describe('SchedulingQueue', () => {
  it('pops by priority, then first in', () => {
    const { q, clock } = queue();
    q.add(newPodInfo(makePod('low-1')));
    clock.t = 1;
    q.add(newPodInfo(makePod('high', { priority: 100 })));
    clock.t = 2;
    q.add(newPodInfo(makePod('low-2')));
    expect([q.pop(), q.pop(), q.pop()].map((p) => p?.info.name)).toEqual(['high', 'low-1', 'low-2']);
    expect(q.pop()).toBeUndefined();
    expect(q.schedulingCycle).toBe(3);
  });

  it('backs off 1 s, doubling to 10 s, released on the 1 s flush tick', () => {
    const { q } = queue();
    const info = newPodInfo(makePod('p'));
    q.add(info);
    const p = q.pop();
    if (!p) throw new Error('no pod');
    const durations: number[] = [];
    for (let a = 1; a <= 6; a++) {
      p.attempts = a;
      durations.push(q.backoffDuration(p));
    }
    expect(durations).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('sends an errored pod through backoffQ and back to activeQ after its back-off', () => {
    const { q, clock } = queue();
    q.add(newPodInfo(makePod('p')));
    clock.t = 300;
    const p = q.pop();
    if (!p) throw new Error('no pod');
    p.unschedulablePlugins = new Set(); // an error, not a rejection
    q.addUnschedulableIfNotPresent(p);
    expect(q.where(p.info.key)).toBe('backoff');
    // back-off ends at 1300; the flush ticks every second from t=0, so at 2000.
    expect(clock.pending).toEqual([2000]);
    clock.advance(1699);
    expect(q.where(p.info.key)).toBe('backoff');
    clock.advance(1);
    expect(q.where(p.info.key)).toBe('active');
  });

  it('parks rejected pods until an event a rejecting plugin cares about', () => {
    const { q, clock } = queue();
    const pod = makePod('p', { nodeSelector: { disk: 'ssd' } });
    q.add(newPodInfo(pod));
    const p = q.pop();
    if (!p) throw new Error('no pod');
    p.unschedulablePlugins = new Set(['NodeAffinity']);
    q.addUnschedulableIfNotPresent(p);
    expect(q.where(p.info.key)).toBe('unschedulable');
    q.moveAllToActiveOrBackoffQueue({ type: 'NodeAdd', newObj: makeNode('hdd', { labels: { disk: 'hdd' } }) });
    expect(q.where(p.info.key)).toBe('unschedulable');
    q.moveAllToActiveOrBackoffQueue({ type: 'AssignedPodDelete', oldObj: makePod('gone', { nodeName: 'x' }) });
    expect(q.where(p.info.key)).toBe('unschedulable');
    const old = makeNode('n', { labels: { disk: 'hdd' } });
    const labelled = makeNode('n', { labels: { disk: 'ssd' } });
    clock.t = 500; // still backing off (1 s after the failure at 0)
    q.moveAllToActiveOrBackoffQueue({ type: 'NodeUpdate', oldObj: old, newObj: labelled });
    expect(q.where(p.info.key)).toBe('backoff');
  });

  it('retries unschedulable pods after 5 minutes on the 30 s flush', () => {
    const { q, clock } = queue();
    q.add(newPodInfo(makePod('p')));
    const p = q.pop();
    if (!p) throw new Error('no pod');
    p.unschedulablePlugins = new Set(['NodeResourcesFit']);
    q.addUnschedulableIfNotPresent(p);
    expect(clock.pending).toEqual([300_000 + 30_000]);
    clock.advance(300_000);
    expect(q.where(p.info.key)).toBe('unschedulable');
    clock.advance(30_000);
    expect(q.where(p.info.key)).toBe('active');
  });

  it('holds gated pods until their scheduling gates are removed', () => {
    const { q, wakes } = queue();
    const gated = makePod('g');
    gated.spec.schedulingGates = [{ name: 'example.com/wait' }];
    q.add(newPodInfo(gated));
    expect(q.where(newPodInfo(gated).key)).toBe('gated');
    expect(wakes()).toBe(0);
    q.update(newPodInfo({ ...gated, spec: { ...gated.spec, schedulingGates: [] } }));
    expect(q.where(newPodInfo(gated).key)).toBe('active');
    expect(wakes()).toBe(1);
  });
});
