/**
 * kube-apiserver and etcd through the relay at maximum speed: writes (creates, then updates of the
 * same objects), gets and lists with many requests in flight, and watch fan-out to 100 watchers.
 *
 * Two placements:
 *  - `in-process`: etcd and kube-apiserver as hosts in this thread, messages copied both ways as
 *    across a worker boundary (bus/links.ts inProcessLink);
 *  - `threads`: each in its own Node worker_thread, placed as `npm run serve` places them
 *    (src/headless/threads.ts threadLink), messages structured-cloned by postMessage.
 *
 * Every request, etcd call, watch event and pipeline note goes through the relay and its trace.
 */
import { threadLink } from '../src/headless/threads.ts';
import { apiKind, apiSummary } from '../src/machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse, HttpMethod } from '../src/machinery/api/types.ts';
import { inProcessLink } from '../src/machinery/bus/links.ts';
import type { Client, Relay } from '../src/machinery/bus/relay.ts';
import { bootCluster } from '../src/machinery/cluster/cluster.ts';
import { registry } from '../workers/registry.ts';

const apiOnly = Object.fromEntries(Object.entries(registry).filter(([k]) => k === 'etcd' || k === 'kube-apiserver'));

export type Placement = 'in-process' | 'threads';

export interface ApiBenchOptions {
  /** ConfigMaps created, then each updated once. */
  objects: number;
  /** Requests in flight: the next batch starts when the whole batch is answered. */
  inflight: number;
  /** Watchers for the fan-out part (0 skips the reads and the fan-out). */
  watchers: number;
  watchWrites: number;
}

export interface ApiBenchResult {
  /** Creates and updates together: all writes over all write time. */
  writes: number;
  creates: number;
  updates: number;
  /** Writes per second of CPU time of the whole process (every thread, garbage collection too). */
  writesPerCpuSecond: number;
  gets: number;
  lists: number;
  watchEvents: number;
  /** Trace records per write (requests, etcd calls, watch events, pipeline notes). */
  recordsPerWrite: number;
}

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

function requester(kubectl: Client) {
  return (method: HttpMethod, path: string, body?: unknown, query: Record<string, string> = {}) => {
    const r: ApiRequest = {
      method,
      path,
      query,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    };
    if (body !== undefined) r.body = JSON.stringify(body);
    return kubectl.request<ApiResponse>('kube-apiserver', apiKind(r), r, apiSummary(r));
  };
}

/**
 * `n` requests, `inflight` at a time, each batch run to completion at maximum speed. Completions
 * are counted in the request's own reply handler: `relay.settle(Promise.all(…))` notices the end
 * a few microtasks late and meanwhile delivers the next due message, which between batches is a
 * timer one simulated minute away (watch bookmarks, etcd compaction). That would move the clock
 * a minute per batch and run those timers far more often than a cluster does.
 */
async function rate(
  relay: Relay,
  n: number,
  inflight: number,
  make: (i: number) => Promise<{ payload: ApiResponse }>,
): Promise<{ perSecond: number; seconds: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  for (let i = 0; i < n; i += inflight) {
    let left = 0;
    let bad: unknown;
    for (let j = i; j < Math.min(n, i + inflight); j++) {
      left++;
      make(j).then(
        (e) => {
          left--;
          if (e.payload.status >= 400) bad = e.payload.body;
        },
        (e: unknown) => {
          left--;
          bad = String(e);
        },
      );
    }
    await relay.runWhile(() => left === 0);
    if (bad !== undefined) throw new Error(`request failed: ${JSON.stringify(bad)}`);
    if (left > 0) throw new Error(`${left} requests unanswered`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: n / seconds, seconds, cpu: cpuSeconds() - c0 };
}

export async function apiBench(opts: ApiBenchOptions, placement: Placement = 'in-process'): Promise<ApiBenchResult> {
  const cluster = await bootCluster(
    { seed: 1, workers: 0, addons: false },
    placement === 'threads' ? (plan) => threadLink(plan.name) : () => inProcessLink(apiOnly),
    apiOnly,
    { traceCapacity: 10_000 },
  );
  try {
    const relay = cluster.relay;
    const kubectl = relay.client('kubectl');
    const req = requester(kubectl);
    await relay.settle(req('GET', '/readyz'));
    const base = '/api/v1/namespaces/default/configmaps';
    const trace0 = relay.trace.last;
    const creates = await rate(relay, opts.objects, opts.inflight, (i) =>
      req('POST', base, { metadata: { name: `cm-${i}` }, data: { i: String(i) } }),
    );
    const updates = await rate(relay, opts.objects, opts.inflight, (i) =>
      req('PUT', `${base}/cm-${i}`, { metadata: { name: `cm-${i}` }, data: { w: String(i) } }),
    );
    const written = 2 * opts.objects;
    const result: ApiBenchResult = {
      writes: written / (creates.seconds + updates.seconds),
      creates: creates.perSecond,
      updates: updates.perSecond,
      writesPerCpuSecond: written / (creates.cpu + updates.cpu),
      gets: 0,
      lists: 0,
      watchEvents: 0,
      recordsPerWrite: (relay.trace.last - trace0) / written,
    };
    if (opts.watchers === 0) return result;

    result.gets = (await rate(relay, opts.objects, opts.inflight, (i) => req('GET', `${base}/cm-${i}`))).perSecond;
    result.lists = (
      await rate(relay, Math.max(20, Math.floor(opts.objects / 100)), opts.inflight, () =>
        req('GET', base, undefined, { limit: '100' }),
      )
    ).perSecond;

    // Watch fan-out: every write goes to every watcher.
    let events = 0;
    kubectl.onMessage((env) => {
      if (env.kind === 'api.watch.event') events += (env.payload as { events: unknown[] }).events.length;
    });
    const listed = await relay.settle(req('GET', base, undefined, { limit: '1' }));
    const rv = (listed.payload.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const opens: Promise<unknown>[] = [];
    for (let w = 0; w < opts.watchers; w++) {
      const r: ApiRequest = {
        method: 'GET',
        path: base,
        query: { watch: 'true', resourceVersion: rv },
        headers: {},
        watchId: `bench-${w}`,
      };
      opens.push(kubectl.request<ApiResponse>('kube-apiserver', 'api.watch', r));
    }
    await relay.settle(Promise.all(opens));
    events = 0;
    const t0 = performance.now();
    await rate(relay, opts.watchWrites, opts.inflight, (i) =>
      req('PUT', `${base}/cm-${i % opts.objects}`, {
        metadata: { name: `cm-${i % opts.objects}` },
        data: { watched: String(i) },
      }),
    );
    await relay.advance(100);
    result.watchEvents = events / ((performance.now() - t0) / 1000);
    if (events < opts.watchWrites * opts.watchers)
      throw new Error(`watch fan-out lost events: ${events} of ${opts.watchWrites * opts.watchers}`);
    return result;
  } finally {
    await cluster.shutdown();
  }
}
