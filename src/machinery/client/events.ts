/**
 * An event recorder (client-go tools/record: recorderImpl.makeEvent, and the EventCorrelator of
 * events_cache.go that every event passes before it is written):
 *
 * - aggregation: when one source records events about one object with the same type and reason
 *   but 10 different messages within 10 minutes, the 10th and later ones become a single event
 *   with the message `(combined from similar events): <latest message>`;
 * - de-duplication: an event seen before (same source, object, type, reason and message, or the
 *   same aggregate) is written as a strategic-merge patch of count, lastTimestamp and message on
 *   the existing Event (created again if it has gone);
 * - spam filter: each source may write 25 events about one object at once, then one every five
 *   minutes (a token bucket); past that, events are dropped (their count still goes up, so the
 *   next write carries the true count).
 *
 * A ReplicaSet creating 1,000 pods so writes about 25 Events, as upstream does, not 1,000.
 */
import { formatRFC3339 } from '../api/time.ts';
import type { KObject } from '../api/types.ts';
import type { Context } from '../runtime/component.ts';
import { type Clientset, GR, isNotFound } from './clientset.ts';

export interface EventSource {
  component: string;
  host?: string;
}

/** `maxLruCacheEntries`. */
const LRU_SIZE = 4096;
/** `defaultAggregateMaxEvents`, `defaultAggregateIntervalInSeconds`. */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
/** `defaultSpamBurst`, `defaultSpamQPS` (one token every 300 s). */
const SPAM_BURST = 25;
const SPAM_TOKENS_PER_MS = 1 / 300_000;
/** `EventAggregatorByReasonMessageFunc`. */
const AGGREGATE_PREFIX = '(combined from similar events): ';

/** A bounded map that forgets the least recently used key (groupcache's lru.Cache). */
class Lru<V> {
  private m = new Map<string, V>();

  get(key: string): V | undefined {
    const v = this.m.get(key);
    if (v !== undefined) {
      this.m.delete(key);
      this.m.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.m.delete(key);
    this.m.set(key, v);
    if (this.m.size > LRU_SIZE) this.m.delete(this.m.keys().next().value as string);
  }
}

/** What the logger remembers of an event written before (`eventLog`). */
interface EventLog {
  count: number;
  firstTimestamp: string;
  name: string;
  namespace: string;
}

export class EventRecorder {
  /** EventAggregator: aggregate key → the distinct messages seen, and when the last came. */
  private aggregates = new Lru<{ messages: Set<string>; last: number }>();
  /** eventLogger: event key (or aggregate key) → the Event written for it. */
  private logs = new Lru<EventLog>();
  /** EventSourceObjectSpamFilter: source + object → a token bucket. */
  private buckets = new Lru<{ tokens: number; at: number }>();

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
    const nowMs = this.ctx.now();
    const now = formatRFC3339(this.epoch + nowMs);
    const src = `${this.source.component}\u0000${this.source.host ?? ''}`;
    const object = `${obj.kind}\u0000${m.namespace ?? ''}\u0000${m.name}\u0000${m.uid}\u0000${obj.apiVersion}`;

    // EventAggregate.
    const aggregateKey = `${src}\u0000${object}\u0000${type}\u0000${reason}`;
    let key = `${aggregateKey}\u0000${message}`;
    let agg = this.aggregates.get(aggregateKey);
    if (!agg || nowMs - agg.last > AGGREGATE_INTERVAL_MS) agg = { messages: new Set(), last: nowMs };
    agg.messages.add(message);
    agg.last = nowMs;
    this.aggregates.set(aggregateKey, agg);
    let text = message;
    if (agg.messages.size >= AGGREGATE_MAX_EVENTS) {
      // Keep the set from growing past the limit (Go's PopAny; here the oldest message).
      agg.messages.delete(agg.messages.values().next().value as string);
      key = aggregateKey;
      text = AGGREGATE_PREFIX + message;
    }

    // eventObserve: a repeat becomes a patch of the Event written before.
    const prior = this.logs.get(key);
    const log: EventLog = prior
      ? { ...prior, count: prior.count + 1 }
      : { count: 1, firstTimestamp: now, name: this.eventName(m.name, nowMs), namespace };
    this.logs.set(key, log);

    // Filter: the source's token bucket for this object.
    if (!this.takeToken(`${src}\u0000${object}`, nowMs)) return;

    const ev: KObject = {
      metadata: { name: log.name, namespace: log.namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: m.resourceVersion,
      },
      reason,
      message: text,
      source: this.source,
      firstTimestamp: log.firstTimestamp,
      lastTimestamp: now,
      count: log.count,
      type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    };
    if (prior) {
      try {
        await this.client.patch(GR.events, log.namespace, log.name, 'strategic', {
          count: log.count,
          lastTimestamp: now,
          message: text,
        });
        return;
      } catch (e) {
        // The Event may have expired or been deleted: write it again.
        if (!isNotFound(e)) throw e;
      }
    }
    await this.client.create(GR.events, log.namespace, ev);
  }

  /** `TryAccept` on a token bucket that starts full and refills at SPAM_TOKENS_PER_MS. */
  private takeToken(key: string, nowMs: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: SPAM_BURST, at: nowMs };
    b.tokens = Math.min(SPAM_BURST, b.tokens + (nowMs - b.at) * SPAM_TOKENS_PER_MS);
    b.at = nowMs;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }

  /** Event names are the object's name and the time in nanoseconds, in hex. */
  private eventName(objectName: string | undefined, nowMs: number): string {
    const nanos = BigInt(Math.floor(this.epoch + nowMs)) * 1_000_000n + BigInt(this.ctx.randInt(1_000_000));
    return `${objectName ?? 'unknown'}.${nanos.toString(16)}`;
  }
}
