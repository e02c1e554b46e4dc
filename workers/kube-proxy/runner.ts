/**
 * BoundedFrequencyRunner (pkg/proxy/runner/bounded_frequency_runner.go) on the simulated clock:
 * `run()` asks for a run as soon as possible; at least `minInterval` passes between the end of one
 * run and the start of the next (requests in between coalesce into one); without requests the
 * function still runs every `maxInterval`; a run that fails is retried within `retryInterval`.
 */
import type { Context } from '../../src/machinery/runtime/component.ts';

export class BoundedFrequencyRunner {
  private requested = false;
  private coolingDown = false;
  private running = false;
  private nextRunTimer: number | undefined;
  private started = false;

  constructor(
    private ctx: Context,
    readonly name: string,
    private fn: () => boolean | Promise<boolean>,
    readonly minInterval: number,
    readonly retryInterval: number,
    readonly maxInterval: number,
  ) {
    if (maxInterval < minInterval) throw new Error(`${name}: maxInterval must be >= minInterval`);
  }

  /** Loop: starts the max-interval timer; requests before this wait for it. */
  loop(): void {
    if (this.started) return;
    this.started = true;
    this.armNext(this.maxInterval);
    if (this.requested) {
      this.requested = false;
      void this.execute();
    }
  }

  /** Run the function as soon as possible. */
  run(): void {
    if (!this.started || this.running || this.coolingDown) {
      this.requested = true;
      return;
    }
    void this.execute();
  }

  private armNext(delay: number): void {
    if (this.nextRunTimer !== undefined) this.ctx.clearTimer(this.nextRunTimer);
    this.nextRunTimer = this.ctx.setTimer(
      delay,
      () => {
        this.nextRunTimer = undefined;
        if (this.running || this.coolingDown) this.requested = true;
        else return this.execute();
      },
      this.name,
    );
  }

  private async execute(): Promise<void> {
    this.running = true;
    this.requested = false;
    if (this.nextRunTimer !== undefined) {
      this.ctx.clearTimer(this.nextRunTimer);
      this.nextRunTimer = undefined;
    }
    let ok = true;
    try {
      ok = await this.fn();
    } catch {
      ok = false;
    }
    this.running = false;
    this.armNext(ok ? this.maxInterval : Math.min(this.retryInterval, this.maxInterval));
    this.coolingDown = true;
    this.ctx.setTimer(
      this.minInterval,
      () => {
        this.coolingDown = false;
        if (this.requested) return this.execute();
      },
      `${this.name} minInterval`,
    );
  }
}
