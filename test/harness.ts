/** A whole cluster in this thread on the simulated clock, for scenario-style tests. */

import { apiKind, apiSummary } from '../src/machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse, HttpMethod, WatchEventWire } from '../src/machinery/api/types.ts';
import { inProcessLink } from '../src/machinery/bus/links.ts';
import { bootCluster, type Cluster } from '../src/machinery/cluster/cluster.ts';
import type { ClusterConfig } from '../src/machinery/cluster/topology.ts';
import type { Registry } from '../src/machinery/runtime/component.ts';
import { registry as baseRegistry } from '../workers/registry.ts';

export const registry: Registry = baseRegistry;

/** Only etcd and kube-apiserver: for tests of the API itself, with no controllers writing. */
export const apiOnly: Registry = Object.fromEntries(
  Object.entries(baseRegistry).filter(([k]) => k === 'etcd' || k === 'kube-apiserver'),
);

export interface TestCluster extends Cluster {
  /** The cluster as booted (addNode, removeNode, shutdown come from it). */
  api(
    method: HttpMethod,
    path: string,
    body?: unknown,
    opts?: { query?: Record<string, string>; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
  watch(
    path: string,
    query: Record<string, string>,
    onEvents: (e: WatchEventWire[], end: boolean) => void,
    from?: string,
  ): Promise<ApiResponse>;
}

export async function testCluster(
  config: ClusterConfig = {},
  reg: Registry = registry,
  relayOptions: { traceCapacity?: number } = {},
): Promise<TestCluster> {
  const cluster = await bootCluster({ seed: 1, workers: 2, ...config }, () => inProcessLink(reg), reg, relayOptions);
  const relay = cluster.relay;
  const kubectl = relay.client('kubectl');
  const streams = new Map<string, (e: WatchEventWire[], end: boolean) => void>();
  kubectl.onMessage((env) => {
    if (env.kind !== 'api.watch.event') return;
    const p = env.payload as { watchId: string; events: WatchEventWire[]; end?: boolean };
    streams.get(p.watchId)?.(p.events, p.end === true);
  });
  let nextWatch = 0;
  const api: TestCluster['api'] = async (method, path, body, opts = {}) => {
    const req: ApiRequest = {
      method,
      path,
      query: opts.query ?? {},
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'kubectl/v1.32.4',
        ...(opts.headers ?? {}),
      },
    };
    if (body !== undefined) req.body = typeof body === 'string' ? body : JSON.stringify(body);
    const r = await relay.settle(kubectl.request<ApiResponse>('kube-apiserver', apiKind(req), req, apiSummary(req)));
    return r.payload;
  };
  const watch: TestCluster['watch'] = async (path, query, onEvents, from = 'kubectl') => {
    void from;
    const watchId = `t${++nextWatch}`;
    streams.set(watchId, onEvents);
    const req: ApiRequest = { method: 'GET', path, query: { watch: 'true', ...query }, headers: {}, watchId };
    const r = await relay.settle(kubectl.request<ApiResponse>('kube-apiserver', 'api.watch', req, apiSummary(req)));
    return r.payload;
  };
  // Let the API server prime its caches and bootstrap.
  await api('GET', '/readyz');
  return { ...cluster, api, watch };
}
