/**
 * An event recorder (client-go tools/record): writes core/v1 Events about an object, and, like the
 * event correlator, folds a repeat of the same event (same object, reason, message, type and
 * source) into the existing one by bumping its count and lastTimestamp.
 */
import { formatRFC3339 } from '../api/time.ts';
import type { KObject } from '../api/types.ts';
import type { Context } from '../runtime/component.ts';
import { type Clientset, GR } from './clientset.ts';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private ctx: Context,
    private client: Clientset,
    private source: EventSource,
    private epoch: number,
  ) {}

  /** Records an event; type is `Normal` or `Warning`. Failures are annotated, never thrown. */
  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.record(obj, type, reason, message).catch((e: unknown) =>
      this.ctx.annotate(`event ${reason} on ${obj.metadata?.name ?? ''} not recorded: ${(e as Error).message}`),
    );
  }

  private async record(obj: KObject, type: string, reason: string, message: string): Promise<void> {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    const key = [
      this.source.component,
      this.source.host ?? '',
      obj.kind,
      namespace,
      m.name,
      m.uid,
      reason,
      message,
      type,
    ].join('|');
    const nowMs = this.epoch + this.ctx.now();
    const now = formatRFC3339(nowMs);
    const prior = this.seen.get(key);
    if (prior) {
      prior.count++;
      await this.client.patch(GR.events, prior.namespace, prior.name, 'merge', {
        count: prior.count,
        lastTimestamp: now,
      });
      return;
    }
    // Event names are the object's name and the time in nanoseconds, in hex.
    const name = `${m.name ?? 'unknown'}.${(BigInt(Math.floor(nowMs)) * 1_000_000n + BigInt(this.ctx.randInt(1_000_000))).toString(16)}`;
    const ev: KObject = {
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: m.resourceVersion,
      },
      reason,
      message,
      source: this.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    };
    this.seen.set(key, { name, namespace, count: 1 });
    if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value as string);
    await this.client.create(GR.events, namespace, ev);
  }
}
