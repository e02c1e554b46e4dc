/**
 * A typed-enough client for the Kubernetes API over the bus (the role client-go's rest client and
 * clientset play): every call is a request to kube-apiserver carrying the HTTP shape, answered
 * with the HTTP response. Errors come back as `ApiError` with the Status the server sent.
 */
import { apiKind, apiSummary } from '../api/request-info.ts';
import { groupVersion, lookup } from '../api/resources.ts';
import type { ApiRequest, ApiResponse, KObject, ResourceInfo, Status, WatchEventWire } from '../api/types.ts';
import type { Context } from '../runtime/component.ts';

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.reason === 'AlreadyExists';

export interface ListResult<T extends KObject = KObject> {
  items: T[];
  resourceVersion: string;
}

/** A reference to a resource type: `{ group: 'apps', resource: 'deployments' }`. */
export interface GR {
  group: string;
  resource: string;
}

export function info(gr: GR): ResourceInfo {
  const i = lookup(gr.group, gr.resource);
  if (!i) throw new Error(`unknown resource ${gr.resource}.${gr.group}`);
  return i;
}

export function collectionPath(i: ResourceInfo, namespace: string): string {
  const base = i.group ? `/apis/${i.group}/${i.version}` : `/api/${i.version}`;
  return i.namespaced && namespace ? `${base}/namespaces/${namespace}/${i.resource}` : `${base}/${i.resource}`;
}

export function objectPath(i: ResourceInfo, namespace: string, name: string, subresource = ''): string {
  return `${collectionPath(i, namespace)}/${name}${subresource ? `/${subresource}` : ''}`;
}

export class Clientset {
  private nextWatch = 0;
  private watches = new Map<string, (events: WatchEventWire[], end: boolean) => void>();

  constructor(
    private ctx: Context,
    /** The user agent real components send, e.g. `kube-scheduler/v1.33.1`. */
    readonly userAgent: string,
  ) {}

  /** Routes an `api.watch.event` to its watch. Call from the component's receive. Returns true if it was one. */
  dispatch(kind: string, payload: unknown): boolean {
    if (kind !== 'api.watch.event') return false;
    const p = payload as { watchId: string; events: WatchEventWire[]; end?: boolean };
    const fn = this.watches.get(p.watchId);
    if (fn) {
      if (p.end) this.watches.delete(p.watchId);
      fn(p.events, p.end === true);
    }
    return true;
  }

  async do(req: ApiRequest): Promise<ApiResponse> {
    req.headers['user-agent'] ??= this.userAgent;
    const r = await this.ctx.request<ApiResponse>('kube-apiserver', apiKind(req), req, { summary: apiSummary(req) });
    return r.payload;
  }

  private async call<T>(req: ApiRequest): Promise<T> {
    const r = await this.do(req);
    if (r.status >= 400) {
      const body = r.body as Status | string;
      throw new ApiError(
        typeof body === 'object' && body !== null
          ? body
          : {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: String(body),
              code: r.status,
            },
      );
    }
    return r.body as T;
  }

  get<T extends KObject = KObject>(gr: GR, namespace: string, name: string, subresource = ''): Promise<T> {
    return this.call<T>({
      method: 'GET',
      path: objectPath(info(gr), namespace, name, subresource),
      query: {},
      headers: {},
    });
  }

  async list<T extends KObject = KObject>(
    gr: GR,
    namespace = '',
    opts: { labelSelector?: string; fieldSelector?: string; resourceVersion?: string } = {},
  ): Promise<ListResult<T>> {
    const query: Record<string, string> = {};
    if (opts.labelSelector) query.labelSelector = opts.labelSelector;
    if (opts.fieldSelector) query.fieldSelector = opts.fieldSelector;
    if (opts.resourceVersion !== undefined) query.resourceVersion = opts.resourceVersion;
    const body = await this.call<{ items: T[]; metadata: { resourceVersion: string } }>({
      method: 'GET',
      path: collectionPath(info(gr), namespace),
      query,
      headers: {},
    });
    return { items: body.items, resourceVersion: body.metadata.resourceVersion };
  }

  create<T extends KObject = KObject>(
    gr: GR,
    namespace: string,
    obj: KObject,
    subresource?: { name: string; sub: string },
  ): Promise<T> {
    const i = info(gr);
    const path = subresource
      ? objectPath(i, namespace, subresource.name, subresource.sub)
      : collectionPath(i, namespace);
    const body = subresource ? obj : { apiVersion: groupVersion(i), kind: i.kind, ...obj };
    return this.call<T>({
      method: 'POST',
      path,
      query: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  update<T extends KObject = KObject>(gr: GR, obj: KObject, subresource = ''): Promise<T> {
    const i = info(gr);
    const m = obj.metadata ?? {};
    return this.call<T>({
      method: 'PUT',
      path: objectPath(i, m.namespace ?? '', m.name ?? '', subresource),
      query: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: groupVersion(i), kind: i.kind, ...obj }),
    });
  }

  updateStatus<T extends KObject = KObject>(gr: GR, obj: KObject): Promise<T> {
    return this.update<T>(gr, obj, 'status');
  }

  patch<T extends KObject = KObject>(
    gr: GR,
    namespace: string,
    name: string,
    type: 'merge' | 'strategic' | 'json',
    patch: unknown,
    subresource = '',
  ): Promise<T> {
    const ct =
      type === 'merge'
        ? 'application/merge-patch+json'
        : type === 'json'
          ? 'application/json-patch+json'
          : 'application/strategic-merge-patch+json';
    return this.call<T>({
      method: 'PATCH',
      path: objectPath(info(gr), namespace, name, subresource),
      query: {},
      headers: { 'content-type': ct },
      body: JSON.stringify(patch),
    });
  }

  delete(
    gr: GR,
    namespace: string,
    name: string,
    opts: { gracePeriodSeconds?: number; propagationPolicy?: string; preconditions?: { uid?: string } } = {},
  ): Promise<KObject> {
    return this.call<KObject>({
      method: 'DELETE',
      path: objectPath(info(gr), namespace, name),
      query: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...opts }),
    });
  }

  /**
   * Opens a watch from `resourceVersion`. Events arrive through `dispatch`; `onEvents` gets
   * them in order, and `end` when the server closes the stream (timeout, 410, cancel).
   */
  async watch(
    gr: GR,
    namespace: string,
    resourceVersion: string,
    onEvents: (events: WatchEventWire[], end: boolean) => void,
    opts: { labelSelector?: string; fieldSelector?: string; bookmarks?: boolean } = {},
  ): Promise<{ stop(): void }> {
    const watchId = `w${++this.nextWatch}`;
    const query: Record<string, string> = { watch: 'true', resourceVersion };
    if (opts.labelSelector) query.labelSelector = opts.labelSelector;
    if (opts.fieldSelector) query.fieldSelector = opts.fieldSelector;
    if (opts.bookmarks) query.allowWatchBookmarks = 'true';
    this.watches.set(watchId, onEvents);
    const r = await this.do({ method: 'GET', path: collectionPath(info(gr), namespace), query, headers: {}, watchId });
    if (r.status !== 200) {
      this.watches.delete(watchId);
      throw new ApiError(r.body as Status);
    }
    return {
      stop: () => {
        if (this.watches.delete(watchId))
          this.ctx.send('kube-apiserver', 'api.watch.cancel', { watchId }, `cancel watch ${watchId}`);
      },
    };
  }
}

export const GR = {
  pods: { group: '', resource: 'pods' },
  nodes: { group: '', resource: 'nodes' },
  namespaces: { group: '', resource: 'namespaces' },
  services: { group: '', resource: 'services' },
  endpoints: { group: '', resource: 'endpoints' },
  events: { group: '', resource: 'events' },
  configmaps: { group: '', resource: 'configmaps' },
  secrets: { group: '', resource: 'secrets' },
  serviceaccounts: { group: '', resource: 'serviceaccounts' },
  leases: { group: 'coordination.k8s.io', resource: 'leases' },
  endpointslices: { group: 'discovery.k8s.io', resource: 'endpointslices' },
  deployments: { group: 'apps', resource: 'deployments' },
  replicasets: { group: 'apps', resource: 'replicasets' },
  daemonsets: { group: 'apps', resource: 'daemonsets' },
  statefulsets: { group: 'apps', resource: 'statefulsets' },
  jobs: { group: 'batch', resource: 'jobs' },
  cronjobs: { group: 'batch', resource: 'cronjobs' },
} as const satisfies Record<string, GR>;
