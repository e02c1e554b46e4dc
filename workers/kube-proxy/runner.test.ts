import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/machinery/runtime/component.ts';
import { BoundedFrequencyRunner } from './runner.ts';

/** A context with a manual clock: advance(ms) fires due timers in order. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void | Promise<void> }>();
  const ctx = {
    now: () => now,
    setTimer: (delay: number, fn: () => void | Promise<void>) => {
      timers.set(next, { at: now + delay, fn });
      return next++;
    },
    clearTimer: (id: number) => void timers.delete(id),
  } as unknown as Context;
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      // Let the runner's awaited work settle before looking at its timers.
      await new Promise((r) => setImmediate(r));
      const due = [...timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      await due[1].fn();
    }
    now = end;
  };
  return { ctx, advance, now: () => now };
}

describe('BoundedFrequencyRunner', () => {
  it('runs at once, then at most once per minInterval, and every maxInterval without requests', async () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const r = new BoundedFrequencyRunner(
      clock.ctx,
      'sync-runner',
      () => {
        runs.push(clock.now());
        return true;
      },
      1000,
      30_000,
      3_600_000,
    );
    r.loop();
    r.run();
    await clock.advance(0);
    expect(runs).toEqual([0]);
    // Three requests within the minimum interval coalesce into one run when it ends.
    await clock.advance(100);
    r.run();
    await clock.advance(100);
    r.run();
    r.run();
    await clock.advance(2000);
    expect(runs).toEqual([0, 1000]);
    // Nothing asked: the next run comes maxInterval after the last one.
    await clock.advance(3_600_000);
    expect(runs).toEqual([0, 1000, 3_601_000]);
  });

  it('retries a failed run within retryInterval', async () => {
    const clock = fakeClock();
    const runs: number[] = [];
    let fail = true;
    const r = new BoundedFrequencyRunner(
      clock.ctx,
      'sync-runner',
      () => {
        runs.push(clock.now());
        const ok = !fail;
        fail = false;
        return ok;
      },
      1000,
      30_000,
      3_600_000,
    );
    r.loop();
    r.run();
    await clock.advance(40_000);
    expect(runs).toEqual([0, 30_000]);
  });
});
