/**
 * A rate-limited work queue (client-go util/workqueue): fair (first in, first out), stingy (a key
 * added many times before it is processed is processed once), and a key is never processed by two
 * workers at once (added while processing, it is processed again afterwards). Failed keys come back
 * after an exponential back-off, 5 ms doubling to 1000 s, as DefaultControllerRateLimiter.
 */
import type { Context } from '../runtime/component.ts';

export class WorkQueue {
  private queue: string[] = [];
  private dirty = new Set<string>();
  private processing = new Set<string>();
  private failures = new Map<string, number>();
  private waiting = new Map<string, { at: number; timer: number }>();
  private active = 0;
  private scheduled = false;

  constructor(
    private ctx: Context,
    readonly name: string,
    private sync: (key: string) => Promise<void>,
    private workers = 1,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.kick();
  }

  addAfter(key: string, delay: number): void {
    if (delay <= 0) {
      this.add(key);
      return;
    }
    // A key already waiting keeps the earlier of the two times, as client-go's delaying queue does.
    const at = this.ctx.now() + delay;
    const prior = this.waiting.get(key);
    if (prior !== undefined) {
      if (prior.at <= at) return;
      this.ctx.clearTimer(prior.timer);
    }
    const timer = this.ctx.setTimer(
      delay,
      () => {
        this.waiting.delete(key);
        this.add(key);
      },
      `${this.name}: requeue ${key}`,
    );
    this.waiting.set(key, { at, timer });
  }

  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(5 * 2 ** n, 1_000_000));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Process after the current handler returns, so a burst of events for one key syncs once.
    void Promise.resolve().then(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.active < this.workers && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.dirty.delete(key);
      this.processing.add(key);
      this.active++;
      void this.processNextWorkItem(key);
    }
  }

  private async processNextWorkItem(key: string): Promise<void> {
    try {
      await this.sync(key);
      this.forget(key);
    } catch (e) {
      this.ctx.annotate(`${this.name}: error syncing "${key}": ${(e as Error).message}; requeued`);
      this.addRateLimited(key);
    } finally {
      this.processing.delete(key);
      this.active--;
      if (this.dirty.has(key)) this.queue.push(key);
      this.drain();
    }
  }
}
