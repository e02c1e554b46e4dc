/**
 * kube-apiserver through the relay at maximum speed, in this thread (etcd and kube-apiserver as
 * in-process hosts, messages structured-cloned as across workers): create, get and list round
 * trips per second with many requests in flight, and watch fan-out to 100 watchers.
 */
import { apiKind, apiSummary } from '../src/machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse, HttpMethod } from '../src/machinery/api/types.ts';
import { inProcessLink } from '../src/machinery/bus/links.ts';
import { bootCluster } from '../src/machinery/cluster/cluster.ts';
import { registry } from '../workers/registry.ts';

const apiOnly = Object.fromEntries(Object.entries(registry).filter(([k]) => k === 'etcd' || k === 'kube-apiserver'));

export interface ApiBenchResult {
  creates: number;
  gets: number;
  lists: number;
  watchEvents: number;
}

export async function apiBench(opts: {
  objects: number;
  inflight: number;
  watchers: number;
  watchWrites: number;
}): Promise<ApiBenchResult> {
  const cluster = await bootCluster({ seed: 1, workers: 0, addons: false }, () => inProcessLink(apiOnly), apiOnly, {
    traceCapacity: 10_000,
  });
  const relay = cluster.relay;
  const kubectl = relay.client('kubectl');
  const req = (
    method: HttpMethod,
    path: string,
    body?: unknown,
    query: Record<string, string> = {},
  ): Promise<ApiResponse> => {
    const r: ApiRequest = {
      method,
      path,
      query,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    };
    if (body !== undefined) r.body = JSON.stringify(body);
    return kubectl.request<ApiResponse>('kube-apiserver', apiKind(r), r, apiSummary(r)).then((e) => e.payload);
  };
  await relay.settle(req('GET', '/readyz'));
  const base = '/api/v1/namespaces/default/configmaps';
  async function rate(n: number, make: (i: number) => Promise<ApiResponse>): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < n; i += opts.inflight) {
      const batch: Promise<ApiResponse>[] = [];
      for (let j = i; j < Math.min(n, i + opts.inflight); j++) batch.push(make(j));
      const rs = await relay.settle(Promise.all(batch));
      const bad = rs.find((r) => r.status >= 400);
      if (bad) throw new Error(`request failed: ${JSON.stringify(bad.body)}`);
    }
    return n / ((performance.now() - t0) / 1000);
  }
  const creates = await rate(opts.objects, (i) =>
    req('POST', base, { metadata: { name: `cm-${i}` }, data: { i: String(i) } }),
  );
  const gets = await rate(opts.objects, (i) => req('GET', `${base}/cm-${i}`));
  const lists = await rate(Math.max(20, Math.floor(opts.objects / 100)), () =>
    req('GET', base, undefined, { limit: '100' }),
  );
  // Watch fan-out: every write goes to every watcher.
  let events = 0;
  kubectl.onMessage((env) => {
    if (env.kind === 'api.watch.event') events += (env.payload as { events: unknown[] }).events.length;
  });
  const rv = (
    (await relay.settle(req('GET', base, undefined, { limit: '1' }))).body as { metadata: { resourceVersion: string } }
  ).metadata.resourceVersion;
  const opens: Promise<ApiResponse>[] = [];
  for (let w = 0; w < opts.watchers; w++) {
    const r: ApiRequest = {
      method: 'GET',
      path: base,
      query: { watch: 'true', resourceVersion: rv },
      headers: {},
      watchId: `bench-${w}`,
    };
    opens.push(kubectl.request<ApiResponse>('kube-apiserver', 'api.watch', r).then((e) => e.payload));
  }
  await relay.settle(Promise.all(opens));
  events = 0;
  const t0 = performance.now();
  await rate(opts.watchWrites, (i) =>
    req('PUT', `${base}/cm-${i % opts.objects}`, {
      metadata: { name: `cm-${i % opts.objects}` },
      data: { w: String(i) },
    }),
  );
  await relay.advance(100);
  const watchEvents = events / ((performance.now() - t0) / 1000);
  if (events < opts.watchWrites * opts.watchers)
    throw new Error(`watch fan-out lost events: ${events} of ${opts.watchWrites * opts.watchers}`);
  await cluster.shutdown();
  return { creates, gets, lists, watchEvents };
}
