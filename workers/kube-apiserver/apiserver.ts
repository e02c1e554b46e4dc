/**
 * kube-apiserver: the only component that talks to etcd, and the one every other component
 * talks to. Each request goes through the stages of the real handler chain, each recorded in the
 * trace: authentication, authorization, mutating admission (with defaulting), validation,
 * validating admission, storage (etcd, compare-and-swap on mod_revision) and the response.
 * Watches are served from a per-resource watch cache fed by one etcd watch per resource.
 *
 * Mirrors staging/src/k8s.io/apiserver/pkg/endpoints/handlers/{get,create,update,patch,delete,
 * watch}.go, pkg/registry/generic/registry/store.go, and the registries under pkg/registry.
 */
import { isMap, parseAllDocuments } from 'yaml';
import { eventToCoreV1, eventToEventsV1 } from '../../src/machinery/api/conversion.ts';
import { ApiErrors, fieldErrorText } from '../../src/machinery/api/errors.ts';
import { matchesFields, parseFieldSelector } from '../../src/machinery/api/fields.ts';
import { matchesLabels, parseLabelSelector, SelectorError } from '../../src/machinery/api/labels.ts';
import {
  jsonPatch,
  managerOrUserAgent,
  mergePatch,
  PatchError,
  serverSideApply,
  strategicMergePatch,
  updateManagedFields,
} from '../../src/machinery/api/patch.ts';
import {
  bytesFromBinaryString,
  decodeK8sProtobuf,
  PROTOBUF_CONTENT_TYPE,
  ProtobufError,
} from '../../src/machinery/api/protobuf/index.ts';
import { parseRequestInfo, type RequestInfo } from '../../src/machinery/api/request-info.ts';
import { groupResource, groupVersion, lookup, RESOURCES, storageKey } from '../../src/machinery/api/resources.ts';
import {
  prepareForCreate as strategyPrepareForCreate,
  prepareForUpdate as strategyPrepareForUpdate,
} from '../../src/machinery/api/strategy.ts';
import { DEFAULT_EPOCH, formatRFC3339 } from '../../src/machinery/api/time.ts';
import type {
  ApiRequest,
  ApiResponse,
  FieldError,
  KObject,
  ObjectMeta,
  ResourceInfo,
  Status,
  WatchEventWire,
} from '../../src/machinery/api/types.ts';
import {
  applyDefaults,
  decodeError,
  unknownFields,
  validateCreate,
  validateName,
  validateUpdate,
} from '../../src/machinery/api/validation.ts';
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import type { WatchResponse } from '../etcd/types.ts';
import { IPAllocator, PortAllocator } from './allocator.ts';
import { bootstrapObjects, type NodeSeed } from './bootstrap.ts';
import { Cacher, type CacheWatcher, selectedNodeName } from './cacher.ts';
import {
  AGGREGATED_TYPE,
  aggregated,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
  wantsAggregated,
} from './discovery.ts';
import { clone, generateName, jsonEqual, meta, uuid } from './objects.ts';
import { openapiResponse } from './openapi.ts';
import { EtcdStorage, StorageError, type Stored } from './storage.ts';
import { toTableResponse, wantsTable } from './table.ts';

export interface ApiserverConfig {
  /** Epoch ms of simulated time 0; timestamps are epoch + ctx.now(). */
  epoch?: number;
  serviceCIDR?: string;
  nodePortRange?: [number, number];
  /** The control-plane node's address (kind: 172.18.0.x), for the `kubernetes` endpoints. */
  advertiseAddress?: string;
  /** Nodes to register at boot (their kubelets take them over when they run). */
  nodes?: NodeSeed[];
  watchCacheSize?: number;
  /** --etcd-compaction-interval: 5 minutes by default. */
  compactionInterval?: number;
}

/** kube-apiserver's --max-request-body-bytes default (3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;
const JSON_TYPE = 'application/json';

/** Resources whose main endpoint ignores status (they have a status subresource). */
function hasStatus(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

/** Resources whose spec changes bump metadata.generation. */
const GENERATION = new Set(['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs']);

/** One stage of the handler chain a request went through (authentication, admission, storage, …). */
interface PipelineStage {
  stage: string;
  /** Simulated ms when the stage ran. */
  at: number;
  detail: string;
}

interface Identity {
  user: string;
  groups: string[];
}

/** Identities by caller address (every request asks; the answer never changes). */
const identities = new Map<string, Identity & { text: string }>();

function identityOf(address: string): Identity & { text: string } {
  let id = identities.get(address);
  if (!id) {
    const who = identityFor(address);
    id = { ...who, text: `user "${who.user}" (groups ${who.groups.join(', ')})` };
    if (identities.size < 10_000) identities.set(address, id);
  }
  return id;
}

function identityFor(address: string): Identity {
  const at = address.indexOf('@');
  const bin = at < 0 ? address : address.slice(0, at);
  const node = at < 0 ? '' : address.slice(at + 1);
  switch (bin) {
    case 'kubectl':
      return { user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };
    case 'kubelet':
      return { user: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] };
    case 'kube-proxy':
      return {
        user: 'system:serviceaccount:kube-system:kube-proxy',
        groups: ['system:serviceaccounts', 'system:authenticated'],
      };
    case 'coredns':
      return {
        user: 'system:serviceaccount:kube-system:coredns',
        groups: ['system:serviceaccounts', 'system:authenticated'],
      };
    case 'kube-apiserver':
      return { user: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
    default:
      return { user: `system:${bin}`, groups: ['system:authenticated'] };
  }
}

function json(status: number, body: unknown, type = JSON_TYPE): ApiResponse {
  return { status, headers: { 'content-type': type }, body };
}

function statusResponse(s: Status): ApiResponse {
  return json(s.code, s);
}

class HttpError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

/** The manager name kube-apiserver records for a write (the fieldManager parameter, or the user agent's program). */
function managerOf(req: ApiRequest): string {
  return managerOrUserAgent(req.query.fieldManager, req.headers['user-agent']);
}

export class KubeApiserver implements Component {
  private ctx!: Context;
  private storage!: EtcdStorage;
  private cachers = new Map<string, Cacher>();
  private ready = false;
  private queued: Envelope[] = [];
  private clusterIPs!: IPAllocator;
  private nodePorts!: PortAllocator;
  private watchOwners = new Map<string, Cacher>();
  private lastCompactRev = 0;
  private requestSeq = 0;
  /** Stages of the requests in flight, by request id (see notePipeline). */
  private pipelines = new Map<number, PipelineStage[]>();
  /** Objects whose managedFields server-side apply has already computed. */
  private appliedFields = new WeakSet<KObject>();
  readonly epoch: number;

  constructor(readonly config: ApiserverConfig = {}) {
    this.epoch = config.epoch ?? DEFAULT_EPOCH;
  }

  start(ctx: Context): void {
    this.ctx = ctx;
    this.storage = new EtcdStorage(ctx);
    this.clusterIPs = new IPAllocator(this.config.serviceCIDR ?? '10.96.0.0/16', ctx.randInt);
    const [lo, hi] = this.config.nodePortRange ?? [30000, 32767];
    this.nodePorts = new PortAllocator(lo, hi, ctx.randInt);
    void this.init();
  }

  recover(_records: unknown[], ctx: Context): void {
    this.start(ctx);
  }

  private nowISO(): string {
    return formatRFC3339(this.epoch + this.ctx.now());
  }

  // ---- boot ----------------------------------------------------------------------------------

  private async init(): Promise<void> {
    const prefixes = [...new Set(RESOURCES.map((r) => r.etcdPrefix))];
    await Promise.all(
      prefixes.map(async (p) => {
        const prefix = `/registry/${p}/`;
        const cacher = new Cacher(
          prefix,
          this.config.watchCacheSize ?? 1000,
          (w, events) => this.sendEvents(w, events),
          (m) => this.ctx.annotate(`kube-apiserver: ${m}`),
        );
        this.cachers.set(p, cacher);
        const list = await this.storage.list(prefix);
        cacher.init(
          list.items.map((s) => s.obj),
          list.rev,
        );
        await this.storage.watch(prefix, list.rev + 1, p);
      }),
    );
    for (const svc of this.cacherFor('services/specs').objects.values()) this.reserveAllocations(svc);
    this.ctx.annotate('kube-apiserver: watch cache primed for every resource', { stage: 'boot' });
    // Bootstrap: default namespaces, the kubernetes Service and its endpoints, the nodes.
    for (const [path, obj] of bootstrapObjects(this.config, this.nowISO())) {
      const r = await this.handle(
        { method: 'POST', path, query: {}, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(obj) },
        'kube-apiserver',
      );
      if (r.status >= 400 && r.status !== 409) {
        this.ctx.annotate(`bootstrap ${path} failed: ${(r.body as Status).message ?? r.status}`);
      }
    }
    this.ready = true;
    this.ctx.annotate('kube-apiserver ready', { stage: 'ready' });
    for (const env of this.queued.splice(0)) void this.serve(env);
    this.ctx.setTimer(this.config.compactionInterval ?? 300_000, () => this.compact(), 'etcd compaction');
    this.ctx.setTimer(60_000, () => this.bookmarks(), 'watch bookmarks');
  }

  /** Compacts etcd to the revision seen one interval ago, as the apiserver's compactor does. */
  private async compact(): Promise<void> {
    this.ctx.setTimer(this.config.compactionInterval ?? 300_000, () => this.compact(), 'etcd compaction');
    const rev = this.lastCompactRev;
    this.lastCompactRev = Math.max(...[...this.cachers.values()].map((c) => c.rv));
    if (rev > 0)
      await this.ctx.request('etcd', 'etcd.compaction', { revision: rev }, { summary: `COMPACT to rev ${rev}` });
  }

  private bookmarks(): void {
    this.ctx.setTimer(60_000, () => this.bookmarks(), 'watch bookmarks');
    for (const c of this.cachers.values()) {
      c.bookmark((w) => (w as CacheWatcher & { kind: { apiVersion: string; kind: string } }).kind);
    }
  }

  private cacherFor(prefix: string): Cacher {
    const c = this.cachers.get(prefix);
    if (!c) throw new Error(`no watch cache for ${prefix}`);
    return c;
  }

  // ---- bus -----------------------------------------------------------------------------------

  receive(env: Envelope): void | Promise<void> {
    if (env.kind === 'etcd.watch.event') {
      const p = env.payload as { stream: string; response: WatchResponse };
      this.cachers.get(p.stream)?.onEtcd(p.response.events);
      return;
    }
    if (env.kind === 'api.watch.cancel') {
      const id = (env.payload as { watchId: string }).watchId;
      const key = `${env.from}/${id}`;
      this.watchOwners.get(key)?.stop(key);
      this.watchOwners.delete(key);
      return;
    }
    if (!env.kind.startsWith('api.')) return;
    if (!this.ready) {
      this.queued.push(env);
      return;
    }
    return this.serve(env);
  }

  private async serve(env: Envelope): Promise<void> {
    const req = env.payload as ApiRequest;
    let resp: ApiResponse;
    try {
      resp = await this.handle(req, env.from, env);
    } catch (e) {
      resp =
        e instanceof HttpError ? statusResponse(e.status) : statusResponse(ApiErrors.internal((e as Error).message));
    }
    if (resp.status === 0) return; // a watch answered on its own
    const s = resp.body as Partial<Status>;
    const summary = resp.status >= 400 ? `${resp.status} ${s.reason ?? ''}: ${s.message ?? ''}` : `${resp.status}`;
    this.ctx.reply(env, `${env.kind}.result`, resp, summary);
  }

  /** Records what one stage of request `id` did; the stages go to the trace together when it ends. */
  private stage(id: number, stage: string, detail: string): void {
    const p = this.pipelines.get(id);
    if (p) p.push({ stage, at: this.ctx.now(), detail });
    else this.ctx.annotate(`${stage}: ${detail}`, { request: id, stage });
  }

  /** One trace note per request: every stage it went through, in order, with its simulated time. */
  private notePipeline(id: number, ri: RequestInfo, info: ResourceInfo, stages: PipelineStage[]): void {
    if (stages.length === 0) return;
    let text = `request ${id} ${ri.verb} ${groupResource(info)}`;
    for (const s of stages) text += `; ${s.stage}: ${s.detail}`;
    this.ctx.annotate(text, { request: id, stages });
  }

  // ---- dispatch ------------------------------------------------------------------------------

  async handle(req: ApiRequest, from: string, env?: Envelope): Promise<ApiResponse> {
    const ri = parseRequestInfo(req);
    if (!ri.isResourceRequest) return this.nonResource(req, ri);
    const info = lookup(ri.group, ri.resource);
    if (!info || info.version !== ri.version || (ri.namespace && !info.namespaced && ri.resource !== 'namespaces')) {
      return statusResponse(ApiErrors.notFoundPath());
    }
    const id = ++this.requestSeq;
    const stages: PipelineStage[] = [];
    this.pipelines.set(id, stages);
    try {
      return await this.handleResource(req, ri, info, id, from, env);
    } finally {
      this.pipelines.delete(id);
      this.notePipeline(id, ri, info, stages);
    }
  }

  /** The handler chain of a resource request, from authentication to the response. */
  private async handleResource(
    req: ApiRequest,
    ri: RequestInfo,
    info: ResourceInfo,
    id: number,
    from: string,
    env?: Envelope,
  ): Promise<ApiResponse> {
    const who = identityOf(from);
    this.stage(id, 'authentication', who.text);
    this.stage(id, 'authorization', `RBAC allowed ${ri.verb} on ${groupResource(info)}`);
    for (const seg of [ri.name, ri.namespace]) {
      if (seg === '.' || seg === '..' || seg.includes('%') || seg.includes('/')) {
        return statusResponse(
          ApiErrors.badRequest(`invalid resource name "${seg}": may not be '.' or '..' and may not contain '/' or '%'`),
        );
      }
    }
    if (req.body !== undefined && req.body.length > MAX_BODY) return statusResponse(ApiErrors.tooLarge());
    try {
      switch (ri.verb) {
        case 'get':
          return await this.get(info, ri, req);
        case 'list':
          return await this.list(info, ri, req);
        case 'watch':
          return this.watch(info, ri, req, from, env);
        case 'create':
          return await this.create(info, ri, req, id);
        case 'update':
          return await this.update(info, ri, req, id);
        case 'patch':
          return await this.patch(info, ri, req, id);
        case 'delete':
          return await this.delete(info, ri, req, id);
        case 'deletecollection':
          return await this.deleteCollection(info, ri, req, id);
        case 'connect':
          return await this.connect(info, ri, req);
        default:
          return statusResponse(ApiErrors.methodNotSupported(info, ri.verb));
      }
    } catch (e) {
      if (e instanceof HttpError) return statusResponse(e.status);
      if (e instanceof StorageError && e.code === 'Compacted') {
        return statusResponse(
          ApiErrors.expired(
            `The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.`,
          ),
        );
      }
      throw e;
    }
  }

  private nonResource(req: ApiRequest, ri: RequestInfo): ApiResponse {
    const p = req.path.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (p === '/version') return json(200, SERVER_VERSION);
    if (p === '/healthz' || p === '/livez' || p === '/readyz')
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' };
    if (p === '/api') {
      if (wantsAggregated(accept)) return json(200, aggregated(true), AGGREGATED_TYPE);
      return json(200, apiVersions(`${this.config.advertiseAddress ?? '172.18.0.2'}:6443`));
    }
    if (p === '/apis') {
      if (wantsAggregated(accept)) return json(200, aggregated(false), AGGREGATED_TYPE);
      return json(200, apiGroupList());
    }
    if (p.startsWith('/openapi/')) return openapiResponse(req);
    if (ri.apiPrefix && ri.version) {
      const doc = apiResourceList(ri.group, ri.version);
      if (doc) return json(200, doc);
    } else if (ri.apiPrefix === 'apis' && ri.group) {
      const doc = apiGroupDoc(ri.group);
      if (doc) return json(200, doc);
    }
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private key(info: ResourceInfo, ns: string, name: string): string {
    return storageKey(info, ns, name);
  }

  /** Adds kind and apiVersion of the version served. */
  private typed(info: ResourceInfo, obj: KObject): KObject {
    // Events are stored as core/v1; events.k8s.io/v1 reads convert them.
    if (info.group === 'events.k8s.io' && 'involvedObject' in obj) return eventToEventsV1(obj);
    const out: KObject = { kind: info.kind, apiVersion: groupVersion(info), ...obj };
    out.kind = info.kind;
    out.apiVersion = groupVersion(info);
    return out;
  }

  private async read(info: ResourceInfo, ns: string, name: string): Promise<Stored> {
    const cacher = this.cachers.get(info.etcdPrefix);
    const s = await this.storage.get(this.key(info, ns, name), (kv) => {
      const cached = cacher?.decodedAt(kv.key, kv.mod_revision);
      return cached && clone(cached);
    });
    if (!s) throw new HttpError(ApiErrors.notFound(info, name));
    return s;
  }

  /** Parses a JSON or YAML body into one object. */
  private decode(info: ResourceInfo, req: ApiRequest): KObject {
    const text = req.body ?? '';
    const type = (req.headers['content-type'] ?? JSON_TYPE).split(';')[0]?.trim() ?? JSON_TYPE;
    let obj: unknown;
    if (type === PROTOBUF_CONTENT_TYPE) {
      try {
        obj = decodeK8sProtobuf(bytesFromBinaryString(text)).object;
      } catch (e) {
        if (!(e instanceof ProtobufError)) throw e;
        if (e.unsupported) {
          throw new HttpError({
            ...ApiErrors.badRequest(''),
            code: 415,
            reason: 'UnsupportedMediaType',
            message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
          });
        }
        throw new HttpError(ApiErrors.badRequest(`error decoding protobuf: ${e.message}`));
      }
    } else if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
      const docs = parseAllDocuments(text, { version: '1.1' });
      const doc = Array.isArray(docs) ? docs[0] : undefined;
      if (!doc) throw new HttpError(ApiErrors.badRequest('the body of the request was empty'));
      const err = doc.errors[0];
      if (err) {
        const line = err.linePos?.[0]?.line ?? 0;
        throw new HttpError(
          ApiErrors.badRequest(`error converting YAML to JSON: yaml: line ${line}: ${err.message.split('\n')[0]}`),
        );
      }
      if (!isMap(doc.contents))
        throw new HttpError(ApiErrors.badRequest('the body of the request must be a YAML mapping'));
      obj = doc.toJS();
    } else {
      try {
        obj = JSON.parse(text);
      } catch (e) {
        throw new HttpError(
          ApiErrors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`),
        );
      }
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new HttpError(
        ApiErrors.badRequest(`couldn't get version/kind; json parse error: the body is not a JSON object`),
      );
    }
    const o = obj as KObject;
    const gv = groupVersion(info);
    if (o.apiVersion !== undefined && o.apiVersion !== gv) {
      throw new HttpError(
        ApiErrors.badRequest(
          `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${gv})`,
        ),
      );
    }
    if (o.kind !== undefined && o.kind !== info.kind) {
      throw new HttpError(
        ApiErrors.badRequest(
          `${String(o.kind)} in version "${info.version}" cannot be handled as a ${info.kind}: no kind "${String(o.kind)}" is registered for version "${gv}"`,
        ),
      );
    }
    if (
      o.metadata !== undefined &&
      (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))
    ) {
      throw new HttpError(
        ApiErrors.badRequest(
          `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${Array.isArray(o.metadata) ? 'array' : typeof o.metadata} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`,
        ),
      );
    }
    const typeError = decodeError(info, o);
    if (typeError) {
      throw new HttpError(
        ApiErrors.badRequest(
          `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${typeError}`,
        ),
      );
    }
    this.checkFields(info, o, req);
    return o;
  }

  /** fieldValidation=Strict rejects unknown fields; Warn (kubectl's default server-side) only warns. */
  private checkFields(info: ResourceInfo, obj: KObject, req: ApiRequest): void {
    const mode = req.query.fieldValidation ?? 'Warn';
    if (mode === 'Ignore') return;
    const unknown = unknownFields(info, obj);
    if (unknown.length === 0) return;
    if (mode === 'Strict') {
      const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
      throw new HttpError(
        ApiErrors.badRequest(
          `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${list}`,
        ),
      );
    }
  }

  private checkNamespace(info: ResourceInfo, ri: RequestInfo, obj: KObject): void {
    const m = meta(obj);
    if (!info.namespaced) {
      delete m.namespace;
      return;
    }
    if (m.namespace && m.namespace !== ri.namespace) {
      throw new HttpError(
        ApiErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request'),
      );
    }
    m.namespace = ri.namespace;
  }

  /** NamespaceLifecycle admission: no new objects in a namespace that is missing or terminating. */
  private namespaceLifecycle(info: ResourceInfo, ns: string, name: string): void {
    if (!info.namespaced || !ns) return;
    const nsObj = this.cacherFor('namespaces').objects.get(`/${ns}`);
    if (!nsObj) throw new HttpError(ApiErrors.notFound(lookup('', 'namespaces') as ResourceInfo, ns));
    const phase = (nsObj.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Terminating' || nsObj.metadata?.deletionTimestamp) {
      throw new HttpError(
        ApiErrors.forbidden(
          info,
          name,
          `unable to create new content in namespace ${ns} because it is being terminated`,
        ),
      );
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  private async get(info: ResourceInfo, ri: RequestInfo, req: ApiRequest): Promise<ApiResponse> {
    if (ri.subresource === 'log') return this.connect(info, ri, req);
    if (ri.subresource && !['status', 'scale'].includes(ri.subresource))
      return statusResponse(ApiErrors.notFoundPath());
    let s: Stored;
    if (req.query.resourceVersion === '0') {
      const obj = this.cacherFor(info.etcdPrefix).objects.get(`${info.namespaced ? ri.namespace : ''}/${ri.name}`);
      if (!obj) throw new HttpError(ApiErrors.notFound(info, ri.name));
      s = { obj, rev: Number(obj.metadata?.resourceVersion) };
    } else s = await this.read(info, ri.namespace, ri.name);
    if (ri.subresource === 'scale') return json(200, this.scaleOf(info, s.obj));
    const obj = this.typed(info, s.obj);
    if (wantsTable(req.headers.accept))
      return toTableResponse(info, [obj], String(s.rev), this.epoch + this.ctx.now(), req);
    return json(200, obj);
  }

  private selectors(info: ResourceInfo, ri: RequestInfo, req: ApiRequest): (obj: KObject) => boolean {
    try {
      const labels = parseLabelSelector(req.query.labelSelector ?? '');
      const fields = parseFieldSelector(info, req.query.fieldSelector ?? '');
      const name = ri.name;
      return (obj) =>
        (!name || obj.metadata?.name === name) &&
        matchesLabels(labels, obj.metadata?.labels) &&
        matchesFields(info, fields, obj);
    } catch (e) {
      if (e instanceof SelectorError) throw new HttpError(ApiErrors.badRequest(e.message));
      throw e;
    }
  }

  private async list(info: ResourceInfo, ri: RequestInfo, req: ApiRequest): Promise<ApiResponse> {
    const match = this.selectors(info, ri, req);
    const prefix =
      info.namespaced && ri.namespace
        ? `/registry/${info.etcdPrefix}/${ri.namespace}/`
        : `/registry/${info.etcdPrefix}/`;
    const limit = Number(req.query.limit ?? 0);
    let items: KObject[];
    let rv: number;
    let cont = '';
    let remaining: number | undefined;
    if (req.query.resourceVersion === '0' && !req.query.continue) {
      const cacher = this.cacherFor(info.etcdPrefix);
      items = cacher.list(info.namespaced ? ri.namespace : '').filter(match);
      rv = cacher.rv;
    } else {
      let start: string | undefined;
      let revision: number | undefined;
      if (req.query.continue) {
        try {
          const c = JSON.parse(atobSafe(req.query.continue)) as { rv: number; start: string };
          start = prefix + c.start;
          revision = c.rv;
        } catch {
          throw new HttpError(ApiErrors.badRequest('continue key is not valid: illegal base64 data'));
        }
      }
      const page = await this.storage.list(prefix, {
        ...(limit > 0 ? { limit } : {}),
        ...(start ? { start } : {}),
        ...(revision ? { revision } : {}),
      });
      items = page.items.map((s) => s.obj).filter(match);
      rv = revision ?? page.rev;
      if (page.more && page.last) {
        cont = btoaSafe(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${page.last.slice(prefix.length)}\u0000` }));
        remaining = page.remaining;
      }
    }
    if (wantsTable(req.headers.accept)) {
      const r = toTableResponse(
        info,
        items.map((o) => this.typed(info, o)),
        String(rv),
        this.epoch + this.ctx.now(),
        req,
      );
      const body = r.body as { metadata: Record<string, unknown> };
      if (cont) body.metadata.continue = cont;
      if (remaining !== undefined) body.metadata.remainingItemCount = remaining;
      return r;
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (cont) metadata.continue = cont;
    if (remaining !== undefined) metadata.remainingItemCount = remaining;
    return json(200, { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata, items });
  }

  private watch(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, from: string, env?: Envelope): ApiResponse {
    if (!env) return statusResponse(ApiErrors.badRequest('watch needs a stream'));
    const match = this.selectors(info, ri, req);
    const cacher = this.cacherFor(info.etcdPrefix);
    const watchId = req.watchId ?? String(env.id ?? 0);
    const key = `${from}/${watchId}`;
    const rvText = req.query.resourceVersion ?? '';
    if (rvText !== '' && !/^\d+$/.test(rvText)) {
      return statusResponse(ApiErrors.badRequest(`invalid resource version: ${rvText}`));
    }
    const nodeName = info.resource === 'pods' ? selectedNodeName(req.query.fieldSelector) : undefined;
    const w: CacheWatcher & { kind: { apiVersion: string; kind: string } } = {
      id: key,
      client: from,
      namespace: info.namespaced ? ri.namespace : '',
      ...(nodeName === undefined ? {} : { nodeName }),
      matches: match,
      // kubectl get -w asks for Tables: each event then carries a one-row Table.
      convert: wantsTable(req.headers.accept)
        ? (o) =>
            toTableResponse(
              info,
              [this.typed(info, o)],
              o.metadata?.resourceVersion ?? '',
              this.epoch + this.ctx.now(),
              req,
            ).body as KObject
        : (o) => this.typed(info, o),
      bookmarks: req.query.allowWatchBookmarks === 'true' || req.query.allowWatchBookmarks === '1',
      after: 0,
      kind: { apiVersion: groupVersion(info), kind: info.kind },
    };
    // The stream starts (200) before any event, as the HTTP response does.
    this.ctx.reply(env, 'api.watch.result', json(200, null), `watch ${groupResource(info)} started`);
    const from0 = rvText === '' || rvText === '0' ? undefined : Number(rvText);
    const err = cacher.watch(w, from0);
    if (err) {
      const s = ApiErrors.expired(err);
      this.ctx.send(
        from,
        'api.watch.event',
        { watchId, events: [{ type: 'ERROR', object: s }], end: true },
        `ERROR 410 ${err}`,
      );
      return { status: 0, headers: {}, body: null };
    }
    this.watchOwners.set(key, cacher);
    const timeout = Number(req.query.timeoutSeconds ?? 0);
    if (timeout > 0) {
      this.ctx.setTimer(timeout * 1000, () => {
        if (cacher.stop(key)) {
          this.watchOwners.delete(key);
          this.ctx.send(from, 'api.watch.event', { watchId, events: [], end: true }, `watch ${watchId} timed out`);
        }
      });
    }
    return { status: 0, headers: {}, body: null };
  }

  private sendEvents(w: CacheWatcher, events: WatchEventWire[]): void {
    const watchId = w.id.slice(w.id.indexOf('/') + 1);
    const first = events[0] as WatchEventWire;
    const m = first.object.metadata ?? {};
    const what = `${first.type} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''}${events.length > 1 ? ` +${events.length - 1}` : ''}`;
    this.ctx.send(w.client, 'api.watch.event', { watchId, events }, what);
  }

  // ---- writes --------------------------------------------------------------------------------

  /** Mutating admission: defaulting, then the built-in mutating plugins. */
  private mutate(info: ResourceInfo, obj: KObject, id: number, op: 'create' | 'update'): void {
    applyDefaults(info, obj);
    const plugins: string[] = [];
    if (info.resource === 'pods' && op === 'create') {
      const spec = (obj.spec ?? (obj.spec = {})) as Record<string, unknown>;
      // ServiceAccount admission: every pod runs as a service account.
      if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
      spec.serviceAccount = spec.serviceAccountName;
      // DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for 300 s.
      const tols = (spec.tolerations as Record<string, unknown>[] | undefined) ?? [];
      for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
        if (!tols.some((t) => t.key === key && (t.effect === 'NoExecute' || !t.effect))) {
          tols.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
        }
      }
      spec.tolerations = tols;
      plugins.push('ServiceAccount', 'DefaultTolerationSeconds');
    }
    this.stage(id, 'mutating admission', `defaulted${plugins.length ? `; ${plugins.join(', ')}` : ''}`);
  }

  private invalid(info: ResourceInfo, name: string, errs: FieldError[], id: number): never {
    this.stage(id, 'validation', `rejected: ${errs.map(fieldErrorText).join('; ')}`);
    throw new HttpError(ApiErrors.invalid(info, name, errs));
  }

  /** `applied` is an object server-side apply already built, with its managedFields. */
  private async create(
    info: ResourceInfo,
    ri: RequestInfo,
    req: ApiRequest,
    id: number,
    applied?: KObject,
  ): Promise<ApiResponse> {
    if (ri.subresource === 'binding') return this.bind(info, ri, req, id);
    if (ri.subresource === 'eviction') return this.evict(info, ri, req, id);
    if (ri.subresource || ri.name) return statusResponse(ApiErrors.methodNotSupported(info, 'create'));
    const obj = applied ?? this.decode(info, req);
    this.checkNamespace(info, ri, obj);
    const m = meta(obj);
    if (!m.name && m.generateName) m.name = generateName(m.generateName, this.ctx.randInt);
    const name = m.name ?? '';
    if (!name)
      this.invalid(
        info,
        '',
        [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }],
        id,
      );
    this.mutate(info, obj, id, 'create');
    // rest.BeforeCreate: the strategy prepares the object, system metadata is filled in, then it is validated.
    m.uid = uuid(this.ctx.rand);
    m.creationTimestamp = this.nowISO();
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    if (GENERATION.has(info.resource)) m.generation = 1;
    this.prepareForCreate(info, obj);
    const errs = [...validateName(info, name), ...validateCreate(info, obj)];
    if (errs.length) this.invalid(info, name, errs, id);
    this.stage(id, 'validation', 'ok');
    this.namespaceLifecycle(info, m.namespace ?? '', name);
    this.stage(id, 'validating admission', 'NamespaceLifecycle ok');
    if (!applied) {
      const withFields = updateManagedFields(
        undefined,
        this.typed(info, obj),
        managerOf(req),
        'Update',
        groupVersion(info),
        this.nowISO(),
      );
      m.managedFields = withFields.metadata?.managedFields ?? [];
    }
    let allocated: (() => void) | undefined;
    if (info.resource === 'services') allocated = this.allocateService(obj, undefined, id);
    const typed = info.group === 'events.k8s.io' ? eventToCoreV1(this.typed(info, obj)) : this.typed(info, obj);
    if (req.query.dryRun === 'All') {
      allocated?.();
      return json(201, typed);
    }
    try {
      const rev = await this.storage.create(this.key(info, m.namespace ?? '', name), typed);
      this.stage(id, 'storage', `etcd txn created ${this.key(info, m.namespace ?? '', name)} at revision ${rev}`);
      m.resourceVersion = String(rev);
      return json(201, { ...typed, metadata: { ...typed.metadata, resourceVersion: String(rev) } });
    } catch (e) {
      allocated?.();
      if (e instanceof StorageError && e.code === 'Exists') {
        this.stage(id, 'storage', 'etcd txn failed: key exists');
        throw new HttpError(ApiErrors.alreadyExists(info, name));
      }
      throw e;
    }
  }

  private prepareForCreate(info: ResourceInfo, obj: KObject): void {
    strategyPrepareForCreate(info, obj);
    if (info.resource === 'namespaces') {
      // namespaceStrategy.PrepareForCreate: always the `kubernetes` finalizer.
      const spec = (obj.spec ?? (obj.spec = {})) as { finalizers?: string[] };
      if (!(spec.finalizers ?? []).includes('kubernetes')) spec.finalizers = [...(spec.finalizers ?? []), 'kubernetes'];
    }
  }

  /** ClusterIP and NodePort allocation; returns an undo function. */
  private allocateService(obj: KObject, old: KObject | undefined, id: number): () => void {
    const spec = (obj.spec ?? (obj.spec = {})) as Record<string, unknown>;
    const oldSpec = (old?.spec ?? {}) as Record<string, unknown>;
    const undo: (() => void)[] = [];
    const errs: FieldError[] = [];
    const type = (spec.type as string | undefined) ?? 'ClusterIP';
    if (type !== 'ExternalName') {
      if (old && oldSpec.clusterIP && !spec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs;
      }
      const want = (spec.clusterIP as string | undefined) ?? (spec.clusterIPs as string[] | undefined)?.[0] ?? '';
      if (!old || want !== oldSpec.clusterIP) {
        if (want === 'None') {
          spec.clusterIPs = ['None'];
        } else if (want) {
          const err = this.clusterIPs.allocate(want);
          if (err) errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', badValue: [want], detail: err });
          else {
            undo.push(() => this.clusterIPs.release(want));
            spec.clusterIPs = [want];
          }
        } else {
          const ip = this.clusterIPs.allocateNext();
          if (!ip) errs.push({ type: 'InternalError', field: 'spec.clusterIPs', detail: 'range is full' });
          else {
            undo.push(() => this.clusterIPs.release(ip));
            spec.clusterIP = ip;
            spec.clusterIPs = [ip];
          }
        }
      }
      spec.ipFamilies = spec.ipFamilies ?? ['IPv4'];
      spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const ports = (spec.ports as Record<string, unknown>[] | undefined) ?? [];
      const oldPorts = (oldSpec.ports as Record<string, unknown>[] | undefined) ?? [];
      ports.forEach((p, i) => {
        const prev = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))
          ?.nodePort as number | undefined;
        if (!p.nodePort && prev) p.nodePort = prev;
        if (p.nodePort) {
          if (p.nodePort === prev) return;
          const e = this.nodePorts.allocate(p.nodePort as number, `spec.ports[${i}].nodePort`);
          if (e) errs.push(e);
          else undo.push(() => this.nodePorts.release(p.nodePort as number));
        } else {
          const np = this.nodePorts.allocateNext();
          if (np === undefined)
            errs.push({ type: 'InternalError', field: `spec.ports[${i}].nodePort`, detail: 'range is full' });
          else {
            p.nodePort = np;
            undo.push(() => this.nodePorts.release(np));
          }
        }
      });
    }
    const rollback = () => {
      for (const u of undo) u();
    };
    if (errs.length) {
      rollback();
      this.invalid(lookup('', 'services') as ResourceInfo, obj.metadata?.name ?? '', errs, id);
    }
    if (undo.length) this.stage(id, 'allocation', `service ${spec.clusterIP ?? ''} allocated`);
    return rollback;
  }

  private reserveAllocations(svc: KObject): void {
    const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: { nodePort?: number }[] };
    if (spec.clusterIP && spec.clusterIP !== 'None') this.clusterIPs.allocate(spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort) this.nodePorts.allocate(p.nodePort, '');
  }

  private releaseAllocations(svc: KObject): void {
    const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: { nodePort?: number }[] };
    if (spec.clusterIP && spec.clusterIP !== 'None') this.clusterIPs.release(spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort) this.nodePorts.release(p.nodePort);
  }

  /**
   * The common tail of update and patch: given the stored object and the proposed next one,
   * enforce subresource rules, run admission and validation, and produce what to store.
   */
  private prepareUpdate(
    info: ResourceInfo,
    ri: RequestInfo,
    req: ApiRequest,
    current: KObject,
    next: KObject,
    id: number,
  ): KObject {
    const m = meta(next);
    const cm = meta(current);
    const name = cm.name ?? '';
    if (m.name !== undefined && m.name !== name) {
      throw new HttpError(
        ApiErrors.badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`),
      );
    }
    m.name = name;
    if (info.namespaced) {
      if (m.namespace && m.namespace !== cm.namespace) {
        throw new HttpError(
          ApiErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request'),
        );
      }
      m.namespace = cm.namespace;
    }
    // Precondition: a resourceVersion in the body must be the stored one.
    if (m.resourceVersion && m.resourceVersion !== cm.resourceVersion) {
      this.stage(
        id,
        'storage',
        `precondition failed: resourceVersion ${m.resourceVersion} is not ${cm.resourceVersion}`,
      );
      throw new HttpError(ApiErrors.conflict(info, name));
    }
    // System-owned metadata is kept from the stored object.
    m.uid = cm.uid;
    m.creationTimestamp = cm.creationTimestamp;
    if (cm.deletionTimestamp) m.deletionTimestamp = cm.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (cm.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
    if (cm.generation !== undefined) m.generation = cm.generation;
    if (ri.subresource === 'status') {
      // Only status changes through /status.
      const keep = clone(current);
      keep.status = next.status;
      const km = meta(keep);
      km.resourceVersion = m.resourceVersion;
      return this.finishUpdate(info, keep, current, req, id, 'status');
    }
    if (hasStatus(info) && ri.subresource === '') next.status = current.status;
    this.mutate(info, next, id, 'update');
    if (GENERATION.has(info.resource) && !jsonEqual(next.spec, current.spec)) m.generation = (cm.generation ?? 0) + 1;
    strategyPrepareForUpdate(info, next, current, ri.subresource);
    const errs = [...validateUpdate(info, next, current)];
    if (errs.length) this.invalid(info, name, errs, id);
    this.stage(id, 'validation', 'ok');
    if (info.resource === 'services') this.allocateService(next, current, id);
    return this.finishUpdate(info, next, current, req, id, '');
  }

  private finishUpdate(
    info: ResourceInfo,
    next: KObject,
    current: KObject,
    req: ApiRequest,
    id: number,
    subresource: string,
  ): KObject {
    const m = meta(next);
    if (!this.appliedFields.has(next)) {
      const updated = updateManagedFields(
        this.typed(info, current),
        this.typed(info, next),
        managerOf(req),
        'Update',
        groupVersion(info),
        this.nowISO(),
        subresource || undefined,
      );
      m.managedFields = updated.metadata?.managedFields ?? [];
    }
    this.stage(id, 'validating admission', 'ok');
    return this.typed(info, next);
  }

  /** Writes an update, or completes a deletion when the last finalizer is gone. */
  private async commit(
    info: ResourceInfo,
    key: string,
    current: Stored,
    next: KObject,
    id: number,
    created = 200,
  ): Promise<ApiResponse> {
    const m = meta(next);
    if (m.deletionTimestamp && (m.finalizers ?? []).length === 0 && this.finalizedDeletion(info, next)) {
      const rev = await this.storage.deleteIf(key, current.rev);
      if (rev === undefined) throw new HttpError(ApiErrors.conflict(info, m.name ?? ''));
      this.stage(id, 'storage', `last finalizer removed: ${key} deleted at revision ${rev}`);
      if (info.resource === 'services') this.releaseAllocations(next);
      return json(200, { ...next, metadata: { ...m, resourceVersion: String(rev) } });
    }
    if (
      jsonEqual(
        { ...next, metadata: { ...m, resourceVersion: undefined, managedFields: undefined } },
        {
          ...this.typed(info, current.obj),
          metadata: { ...current.obj.metadata, resourceVersion: undefined, managedFields: undefined },
        },
      )
    ) {
      this.stage(id, 'storage', 'no change: nothing written');
      return json(200, this.typed(info, current.obj));
    }
    const prevRv = m.resourceVersion;
    const stored = await this.storage.guaranteedUpdate(
      key,
      (cur) => {
        if (cur.rev !== current.rev) {
          if (prevRv) throw new HttpError(ApiErrors.conflict(info, m.name ?? ''));
          throw new HttpError(ApiErrors.conflict(info, m.name ?? ''));
        }
        return next;
      },
      { cached: current },
    );
    this.stage(id, 'storage', `etcd txn updated ${key} at revision ${stored.rev}`);
    return json(created, stored.obj);
  }

  /** Objects other than namespaces are removed once finalizers are gone; namespaces go via /finalize. */
  private finalizedDeletion(info: ResourceInfo, obj: KObject): boolean {
    if (info.resource !== 'namespaces') return true;
    return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0;
  }

  private async update(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, id: number): Promise<ApiResponse> {
    if (ri.subresource === 'scale') return this.updateScale(info, ri, req, id, (cur) => this.decodeScale(req, cur));
    if (ri.subresource && !['status', 'finalize'].includes(ri.subresource))
      return statusResponse(ApiErrors.methodNotSupported(info, 'update'));
    const key = this.key(info, ri.namespace, ri.name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(info, ri.namespace, ri.name);
      const body = this.decode(info, req);
      let next: KObject;
      if (ri.subresource === 'finalize') {
        next = clone(current.obj);
        next.spec = body.spec;
        next = this.finishUpdate(info, next, current.obj, req, id, 'finalize');
      } else next = this.prepareUpdate(info, ri, req, current.obj, body, id);
      try {
        return await this.commit(info, key, current, next, id);
      } catch (e) {
        // An unconditional update (no resourceVersion) retries against the newer object.
        if (e instanceof HttpError && e.status.reason === 'Conflict' && !meta(body).resourceVersion && attempt < 5)
          continue;
        throw e;
      }
    }
  }

  private async patch(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, id: number): Promise<ApiResponse> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const key = this.key(info, ri.namespace, ri.name);
    if (type === 'application/apply-patch+yaml' && ri.subresource === '') return this.apply(info, ri, req, id);
    if (ri.subresource === 'scale') {
      return this.updateScale(info, ri, req, id, (cur) => {
        const scale = this.scaleOf(info, cur) as KObject;
        return this.applyPatch(info, type, scale, req) as KObject;
      });
    }
    if (ri.subresource && ri.subresource !== 'status')
      return statusResponse(ApiErrors.methodNotSupported(info, 'patch'));
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(info, ri.namespace, ri.name);
      const patched = this.applyPatch(info, type, this.typed(info, clone(current.obj)), req);
      const next = this.prepareUpdate(info, ri, req, current.obj, patched, id);
      try {
        return await this.commit(info, key, current, next, id);
      } catch (e) {
        if (e instanceof HttpError && e.status.reason === 'Conflict' && !meta(patched).resourceVersion && attempt < 5)
          continue;
        throw e;
      }
    }
  }

  /** Server-side apply: merge the configuration, record field ownership, refuse conflicts unless forced. */
  private async apply(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, id: number): Promise<ApiResponse> {
    if (!req.query.fieldManager) {
      return statusResponse({
        ...ApiErrors.badRequest(''),
        code: 422,
        reason: 'Invalid',
        message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        details: {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      });
    }
    let config: KObject;
    try {
      const docs = parseAllDocuments(req.body ?? '', { version: '1.1' });
      const doc = Array.isArray(docs) ? docs[0] : undefined;
      if (doc?.errors[0]) throw new Error(doc.errors[0].message.split('\n')[0]);
      config = (doc?.toJS() ?? {}) as KObject;
    } catch (e) {
      throw new HttpError(ApiErrors.badRequest(`error decoding YAML: ${(e as Error).message}`));
    }
    const key = this.key(info, ri.namespace, ri.name);
    for (let attempt = 0; ; attempt++) {
      const existing = await this.storage.get(key);
      const live = existing ? this.typed(info, clone(existing.obj)) : undefined;
      let result: ReturnType<typeof serverSideApply>;
      try {
        result = serverSideApply(info, live, config, managerOf(req), {
          force: req.query.force === 'true',
          now: this.nowISO(),
        });
      } catch (e) {
        if (e instanceof PatchError) return statusResponse(e.toStatus() as Status);
        throw e;
      }
      if (result.error) return statusResponse(result.error.toStatus() as Status);
      this.stage(
        id,
        'server-side apply',
        `${managerOf(req)} applied ${result.conflicts.length ? `(forced over ${result.conflicts.length} conflict(s))` : ''}`.trim(),
      );
      const obj = result.object;
      this.appliedFields.add(obj);
      if (!existing) {
        const m = meta(obj);
        m.name = ri.name;
        return this.create(info, { ...ri, name: '', verb: 'create' }, { ...req, method: 'POST' }, id, obj);
      }
      const next = this.prepareUpdate(info, ri, req, existing.obj, obj, id);
      try {
        return await this.commit(info, key, existing, next, id);
      } catch (e) {
        if (e instanceof HttpError && e.status.reason === 'Conflict' && attempt < 5) continue;
        throw e;
      }
    }
  }

  private applyPatch(info: ResourceInfo, type: string, target: KObject, req: ApiRequest): KObject {
    let patch: unknown;
    try {
      if (type === 'application/apply-patch+yaml') {
        const docs = parseAllDocuments(req.body ?? '', { version: '1.1' });
        const doc = Array.isArray(docs) ? docs[0] : undefined;
        patch = doc?.toJS() ?? {};
      } else patch = JSON.parse(req.body ?? '');
    } catch (e) {
      throw new HttpError(ApiErrors.badRequest(`error decoding patch: ${(e as Error).message}`));
    }
    try {
      switch (type) {
        case 'application/json-patch+json':
          return jsonPatch(target, patch) as KObject;
        case 'application/merge-patch+json':
          return mergePatch(target, patch) as KObject;
        case 'application/strategic-merge-patch+json':
          return strategicMergePatch(info, target, patch);
        case 'application/apply-patch+yaml':
          return strategicMergePatch(info, target, patch);
        default:
          throw new HttpError({
            ...ApiErrors.badRequest(''),
            code: 415,
            reason: 'UnsupportedMediaType',
            message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
          });
      }
    } catch (e) {
      if (e instanceof PatchError) throw new HttpError(e.toStatus() as Status);
      throw e;
    }
  }

  // ---- scale -----------------------------------------------------------------------------------

  private scaleOf(info: ResourceInfo, obj: KObject): unknown {
    const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
    const status = (obj.status ?? {}) as { replicas?: number };
    const sel = Object.entries(spec.selector?.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const m = obj.metadata ?? {};
    void info;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resourceVersion: m.resourceVersion,
        creationTimestamp: m.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: status.replicas ?? 0, selector: sel },
    };
  }

  private decodeScale(req: ApiRequest, _cur: KObject): KObject {
    try {
      return JSON.parse(req.body ?? '') as KObject;
    } catch (e) {
      throw new HttpError(ApiErrors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`));
    }
  }

  private async updateScale(
    info: ResourceInfo,
    ri: RequestInfo,
    req: ApiRequest,
    id: number,
    scaleOf: (cur: KObject) => KObject,
  ): Promise<ApiResponse> {
    if (!info.subresources.includes('scale')) return statusResponse(ApiErrors.notFoundPath());
    const current = await this.read(info, ri.namespace, ri.name);
    const scale = scaleOf(current.obj);
    const replicas = (scale.spec as { replicas?: number } | undefined)?.replicas;
    if (typeof replicas !== 'number' || replicas < 0) {
      this.invalid(
        info,
        ri.name,
        [
          {
            type: 'FieldValueInvalid',
            field: 'spec.replicas',
            badValue: replicas ?? null,
            detail: 'must be greater than or equal to 0',
          },
        ],
        id,
      );
    }
    const srv = meta(scale).resourceVersion;
    if (srv && srv !== current.obj.metadata?.resourceVersion) throw new HttpError(ApiErrors.conflict(info, ri.name));
    const next = clone(current.obj);
    (next.spec as { replicas?: number }).replicas = replicas;
    meta(next).generation =
      (meta(current.obj).generation ?? 0) + ((current.obj.spec as { replicas?: number }).replicas === replicas ? 0 : 1);
    const typed = this.finishUpdate(info, next, current.obj, req, id, 'scale');
    const r = await this.commit(info, this.key(info, ri.namespace, ri.name), current, typed, id);
    return json(200, this.scaleOf(info, r.body as KObject));
  }

  // ---- pods/binding, pods/eviction -----------------------------------------------------------

  private async bind(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, id: number): Promise<ApiResponse> {
    let binding: { metadata?: ObjectMeta; target?: { kind?: string; name?: string } };
    try {
      binding = JSON.parse(req.body ?? '');
    } catch (e) {
      throw new HttpError(ApiErrors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`));
    }
    const node = binding.target?.name ?? '';
    const bindingInfo = { ...info, resource: 'pods/binding' } as ResourceInfo;
    if (!node)
      this.invalid(
        { ...info, kind: 'Binding' },
        ri.name,
        [{ type: 'FieldValueRequired', field: 'target.name', detail: '' }],
        id,
      );
    const key = this.key(info, ri.namespace, ri.name);
    const stored = await this.storage
      .guaranteedUpdate(key, (cur) => {
        const pod = clone(cur.obj);
        const spec = (pod.spec ?? {}) as Record<string, unknown>;
        if (pod.metadata?.deletionTimestamp)
          throw new HttpError(
            ApiErrors.conflict(bindingInfo, ri.name, `pod ${ri.name} is being deleted, cannot be assigned to a host`),
          );
        if (spec.nodeName)
          throw new HttpError(
            ApiErrors.conflict(
              bindingInfo,
              ri.name,
              `pod ${ri.name} is already assigned to node "${String(spec.nodeName)}"`,
            ),
          );
        spec.nodeName = node;
        const status = (pod.status ?? (pod.status = {})) as { conditions?: Record<string, unknown>[] };
        const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: this.nowISO() });
        status.conditions = conds;
        return this.finishUpdate(info, pod, cur.obj, req, id, 'binding');
      })
      .catch((e: unknown) => {
        if (e instanceof StorageError && e.code === 'NotFound') throw new HttpError(ApiErrors.notFound(info, ri.name));
        throw e;
      });
    this.stage(id, 'storage', `bound ${ri.namespace}/${ri.name} to ${node} at revision ${stored.rev}`);
    return json(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  private async evict(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, id: number): Promise<ApiResponse> {
    const r = await this.delete(info, { ...ri, subresource: '' }, { ...req, body: '' }, id);
    if (r.status >= 400) return r;
    return json(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  // ---- delete --------------------------------------------------------------------------------

  private deleteOptions(req: ApiRequest): {
    grace?: number;
    policy?: string;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun: boolean;
  } {
    let body: Record<string, unknown> = {};
    if (req.body?.trim()) {
      try {
        body = JSON.parse(req.body);
      } catch (e) {
        throw new HttpError(
          ApiErrors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`),
        );
      }
    }
    const grace = req.query.gracePeriodSeconds ?? body.gracePeriodSeconds;
    const policy = req.query.propagationPolicy ?? body.propagationPolicy;
    if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(String(policy))) {
      throw new HttpError(
        ApiErrors.badRequest(
          `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
        ),
      );
    }
    const out: ReturnType<KubeApiserver['deleteOptions']> = {
      dryRun: req.query.dryRun === 'All' || (body.dryRun as string[] | undefined)?.includes('All') === true,
    };
    if (grace !== undefined) out.grace = Number(grace);
    if (policy !== undefined) out.policy = String(policy);
    if (body.preconditions) out.preconditions = body.preconditions as { uid?: string; resourceVersion?: string };
    if (body.orphanDependents === true && !out.policy) out.policy = 'Orphan';
    return out;
  }

  private async delete(info: ResourceInfo, ri: RequestInfo, req: ApiRequest, id: number): Promise<ApiResponse> {
    if (ri.subresource) return statusResponse(ApiErrors.methodNotSupported(info, 'delete'));
    const opts = this.deleteOptions(req);
    const key = this.key(info, ri.namespace, ri.name);
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.read(info, ri.namespace, ri.name);
      const obj = this.typed(info, clone(current.obj));
      const m = meta(obj);
      if (opts.preconditions?.uid && opts.preconditions.uid !== m.uid) {
        throw new HttpError(
          ApiErrors.conflict(
            info,
            ri.name,
            `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${m.uid ?? ''}`,
          ),
        );
      }
      if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== m.resourceVersion) {
        throw new HttpError(
          ApiErrors.conflict(
            info,
            ri.name,
            `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion ?? ''}`,
          ),
        );
      }
      this.stage(id, 'admission', 'delete admitted');
      if (opts.dryRun) return json(200, obj);
      // Graceful deletion: a pod bound to a node waits for its kubelet.
      const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
      const phase = (obj.status as { phase?: string } | undefined)?.phase;
      let grace = 0;
      if (info.resource === 'pods' && spec.nodeName && phase !== 'Succeeded' && phase !== 'Failed') {
        grace = opts.grace ?? spec.terminationGracePeriodSeconds ?? 30;
      }
      const finalizers = [...(m.finalizers ?? [])];
      if (opts.policy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
        finalizers.push('foregroundDeletion');
      if (opts.policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      const nsFinalizers =
        info.resource === 'namespaces' ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
      if (
        m.deletionTimestamp &&
        grace > 0 &&
        (m.deletionGracePeriodSeconds ?? 0) <= grace &&
        finalizers.length === (m.finalizers ?? []).length
      ) {
        return json(200, obj); // already terminating
      }
      if (grace > 0 || finalizers.length > 0 || nsFinalizers.length > 0) {
        const next = clone(obj);
        const nm = meta(next);
        if (!nm.deletionTimestamp) nm.deletionTimestamp = formatRFC3339(this.epoch + this.ctx.now() + grace * 1000);
        nm.deletionGracePeriodSeconds = grace;
        if (finalizers.length) nm.finalizers = finalizers;
        if (info.resource === 'namespaces') (next.status as { phase?: string }).phase = 'Terminating';
        const stored = await this.storage.guaranteedUpdate(key, (cur) => (cur.rev === current.rev ? next : undefined), {
          cached: current,
        });
        if (stored.rev === current.rev) continue;
        this.stage(id, 'storage', `marked for deletion (grace ${grace}s) at revision ${stored.rev}`);
        return json(info.resource === 'pods' ? 200 : 200, stored.obj);
      }
      const rev = await this.storage.deleteIf(key, current.rev);
      if (rev === undefined) continue;
      this.stage(id, 'storage', `etcd deleted ${key} at revision ${rev}`);
      if (info.resource === 'services') this.releaseAllocations(obj);
      return json(200, { ...obj, metadata: { ...m, resourceVersion: String(rev) } });
    }
    throw new HttpError(ApiErrors.conflict(info, ri.name));
  }

  private async deleteCollection(
    info: ResourceInfo,
    ri: RequestInfo,
    req: ApiRequest,
    id: number,
  ): Promise<ApiResponse> {
    const listed = await this.list(info, ri, { ...req, method: 'GET', headers: { ...req.headers, accept: JSON_TYPE } });
    const items = (listed.body as { items: KObject[] }).items;
    const deleted: KObject[] = [];
    for (const obj of items) {
      const r = await this.delete(
        info,
        { ...ri, name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace ?? '' },
        req,
        id,
      );
      if (r.status < 300) deleted.push(r.body as KObject);
    }
    return json(200, { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata: {}, items: deleted });
  }

  // ---- connect (logs, exec): answered by the pod's kubelet ---------------------------------

  private async connect(info: ResourceInfo, ri: RequestInfo, req: ApiRequest): Promise<ApiResponse> {
    if (info.resource !== 'pods' || !['log', 'exec'].includes(ri.subresource))
      return statusResponse(ApiErrors.notFoundPath());
    const pod = (await this.read(info, ri.namespace, ri.name)).obj;
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!node) {
      return statusResponse(ApiErrors.badRequest(`pod ${ri.name} does not have a host assigned`));
    }
    try {
      const r = await this.ctx.request<ApiResponse>(
        `kubelet@${node}`,
        `kubelet.${ri.subresource === 'log' ? 'logs' : 'exec'}`,
        { namespace: ri.namespace, pod: ri.name, query: req.query, body: req.body },
        {
          // An exec stream stays open while the command runs (the kubelet's
          // --streaming-connection-idle-timeout is 4 h); a logs request is answered at once.
          timeout: ri.subresource === 'exec' ? 4 * 3600_000 : 5000,
          summary: `${ri.subresource} ${ri.namespace}/${ri.name}${ri.subresource === 'exec' && req.query.command ? `: ${req.query.command}` : ''}`,
        },
      );
      return r.payload;
    } catch (e) {
      return statusResponse(
        ApiErrors.internal(
          `error dialing backend: dial tcp ${node}:10250: connect: connection refused (${(e as Error).message})`,
        ),
      );
    }
  }
}

function btoaSafe(s: string): string {
  const B = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  const bytes = Array.from(s, (c) => c.charCodeAt(0) & 255);
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      B[(n >> 18) & 63]! +
      B[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? B[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? B[n & 63]! : '=');
  }
  return out;
}

function atobSafe(b: string): string {
  const B = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = b.replace(/=+$/, '');
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = B.indexOf(ch);
    if (v < 0) throw new Error('illegal base64 data');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 255);
    }
  }
  return out;
}

export function createKubeApiserver(spec: ComponentSpec): Component {
  return new KubeApiserver((spec.config ?? {}) as ApiserverConfig);
}
