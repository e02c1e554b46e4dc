/**
 * Leader election through a coordination.k8s.io Lease (client-go tools/leaderelection): try to
 * acquire every retryPeriod; a lease held by someone else can be taken once it has not been
 * renewed for leaseDuration; the leader renews every retryPeriod and gives up leadership if it
 * cannot renew within renewDeadline. Defaults as kube-scheduler and kube-controller-manager use:
 * leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s.
 */
import { formatRFC3339Micro, parseRFC3339 } from '../api/time.ts';
import type { KObject } from '../api/types.ts';
import type { Context } from '../runtime/component.ts';
import { type Clientset, GR, isAlreadyExists, isNotFound } from './clientset.ts';

export interface LeaderElectionConfig {
  name: string;
  namespace: string;
  identity: string;
  epoch: number;
  leaseDuration?: number;
  renewDeadline?: number;
  retryPeriod?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
  private stopped = false;
  private readonly leaseDuration: number;
  private readonly renewDeadline: number;
  private readonly retryPeriod: number;

  constructor(
    private ctx: Context,
    private client: Clientset,
    private cfg: LeaderElectionConfig,
  ) {
    this.leaseDuration = cfg.leaseDuration ?? 15_000;
    this.renewDeadline = cfg.renewDeadline ?? 10_000;
    this.retryPeriod = cfg.retryPeriod ?? 2_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  run(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
  }

  private schedule(): void {
    if (!this.stopped) this.ctx.setTimer(this.retryPeriod, () => this.tick(), `${this.cfg.name} leader election`);
  }

  private now(): string {
    return formatRFC3339Micro(this.cfg.epoch + this.ctx.now());
  }

  private async tick(): Promise<void> {
    try {
      const ok = await this.tryAcquireOrRenew();
      if (ok) {
        this.lastRenew = this.ctx.now();
        if (!this.leading) {
          this.leading = true;
          this.ctx.annotate(`${this.cfg.identity} became leader of ${this.cfg.namespace}/${this.cfg.name}`);
          this.cfg.onStartedLeading();
        }
      } else if (this.leading && this.ctx.now() - this.lastRenew > this.renewDeadline) {
        this.lose();
      }
    } catch (e) {
      this.ctx.annotate(`${this.cfg.name} leader election: ${(e as Error).message}`);
      if (this.leading && this.ctx.now() - this.lastRenew > this.renewDeadline) this.lose();
    }
    this.schedule();
  }

  private lose(): void {
    this.leading = false;
    this.ctx.annotate(`${this.cfg.identity} lost the lease ${this.cfg.namespace}/${this.cfg.name}`);
    this.cfg.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const mine: LeaseSpec = {
      holderIdentity: this.cfg.identity,
      leaseDurationSeconds: this.leaseDuration / 1000,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    let lease: KObject;
    try {
      lease = await this.client.get(GR.leases, this.cfg.namespace, this.cfg.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await this.client.create(GR.leases, this.cfg.namespace, {
          metadata: { name: this.cfg.name, namespace: this.cfg.namespace },
          spec: mine,
        });
        return true;
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const held = spec.holderIdentity && spec.holderIdentity !== this.cfg.identity;
    const renewed = spec.renewTime ? parseRFC3339(spec.renewTime) - this.cfg.epoch : Number.NEGATIVE_INFINITY;
    if (held && renewed + (spec.leaseDurationSeconds ?? 15) * 1000 > this.ctx.now()) return false;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: this.cfg.identity,
      leaseDurationSeconds: mine.leaseDurationSeconds,
      renewTime: now,
    };
    if (spec.holderIdentity !== this.cfg.identity) {
      next.acquireTime = now;
      next.leaseTransitions = (spec.leaseTransitions ?? 0) + (spec.holderIdentity ? 1 : 0);
    }
    await this.client.update(GR.leases, { ...lease, spec: next });
    return true;
  }
}
