/**
 * The event correlator: aggregation of similar events, de-duplication into counts, and the
 * per-object spam filter (client-go tools/record/events_cache.go defaults).
 */
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.ts';
import type { Context } from '../runtime/component.ts';
import { ApiError, type Clientset } from './clientset.ts';
import { EventRecorder } from './events.ts';

type Write =
  | { op: 'create'; name: string; message: string; count: number }
  | { op: 'patch'; name: string; message: string; count: number };

function setup() {
  let now = 0;
  let rand = 0;
  const writes: Write[] = [];
  const stored = new Set<string>();
  const ctx = {
    now: () => now,
    randInt: () => rand++,
    annotate: () => {},
  } as unknown as Context;
  const client = {
    async create(_gr: unknown, _ns: string, ev: KObject) {
      const name = ev.metadata?.name ?? '';
      stored.add(name);
      writes.push({ op: 'create', name, message: ev.message as string, count: ev.count as number });
      return ev;
    },
    async patch(_gr: unknown, _ns: string, name: string, _type: string, p: { count: number; message: string }) {
      if (!stored.has(name))
        throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404 });
      writes.push({ op: 'patch', name, message: p.message, count: p.count });
      return {};
    },
  } as unknown as Clientset;
  const rec = new EventRecorder(ctx, client, { component: 'replicaset-controller' }, 0);
  const rs: KObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-5d8f', namespace: 'default', uid: 'u1' },
  };
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    rec,
    rs,
    writes,
    stored,
    settle,
    at: (ms: number) => {
      now = ms;
    },
  };
}

describe('EventRecorder', () => {
  it('writes 25 events about one object, aggregating from the 10th similar one, then drops the rest', async () => {
    const t = setup();
    for (let i = 0; i < 1000; i++) t.rec.event(t.rs, 'Normal', 'SuccessfulCreate', `Created pod: web-5d8f-${i}`);
    await t.settle();
    expect(t.writes).toHaveLength(25);
    // Nine events as they are, then one combined event, patched from then on.
    expect(t.writes.slice(0, 9).map((w) => [w.op, w.message, w.count])).toEqual(
      Array.from({ length: 9 }, (_, i) => ['create', `Created pod: web-5d8f-${i}`, 1]),
    );
    const combined = t.writes[9] as Write;
    expect(combined).toMatchObject({
      op: 'create',
      message: '(combined from similar events): Created pod: web-5d8f-9',
      count: 1,
    });
    expect(t.writes.slice(10).every((w) => w.op === 'patch' && w.name === combined.name)).toBe(true);
    expect(t.writes.at(-1)).toMatchObject({
      message: '(combined from similar events): Created pod: web-5d8f-24',
      count: 16,
    });
  });

  it('refills one token every five minutes; the count carries the dropped ones', async () => {
    const t = setup();
    for (let i = 0; i < 40; i++) t.rec.event(t.rs, 'Warning', 'FailedCreate', 'quota exceeded');
    await t.settle();
    expect(t.writes.map((w) => w.count)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    t.at(299_000);
    t.rec.event(t.rs, 'Warning', 'FailedCreate', 'quota exceeded');
    await t.settle();
    expect(t.writes).toHaveLength(25);
    t.at(301_000);
    t.rec.event(t.rs, 'Warning', 'FailedCreate', 'quota exceeded');
    await t.settle();
    expect(t.writes.at(-1)).toMatchObject({ op: 'patch', count: 42 });
  });

  it('keeps objects apart, and writes an Event again if the one it would patch is gone', async () => {
    const t = setup();
    const other = { ...t.rs, metadata: { ...t.rs.metadata, name: 'other', uid: 'u2' } };
    t.rec.event(t.rs, 'Normal', 'Scaled', 'scaled up');
    t.rec.event(other, 'Normal', 'Scaled', 'scaled up');
    await t.settle();
    expect(t.writes.map((w) => [w.op, w.count])).toEqual([
      ['create', 1],
      ['create', 1],
    ]);
    t.stored.clear();
    t.rec.event(t.rs, 'Normal', 'Scaled', 'scaled up');
    await t.settle();
    expect(t.writes.at(-1)).toMatchObject({ op: 'create', count: 2, name: t.writes[0]?.name });
  });
});
