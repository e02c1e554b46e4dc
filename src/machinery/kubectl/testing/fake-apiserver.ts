/**
 * A small in-memory Kubernetes API server for kubectl's tests: discovery (aggregated and legacy,
 * from the served RESOURCES), get/list (JSON or Table), create, update, merge/strategic/JSON patch,
 * delete, with upstream's error Statuses. It records every request, so tests can compare what our
 * kubectl sends with what the real kubectl sends to the same server. It is not the simulated
 * kube-apiserver (workers/kube-apiserver); it only has to be the same for both clients.
 */
import { ApiErrors } from '../../api/errors.ts';
import { groupResource, RESOURCES } from '../../api/resources.ts';
import type { ApiRequest, ApiResponse, KObject, ResourceInfo } from '../../api/types.ts';
import { toTable } from '../../printers/table.ts';
import { acceptsTable } from '../../printers/table-types.ts';
import { formatTime } from '../../printers/time.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON values.
type Any = any;

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface FakeOptions {
  now: number;
  /** Serve aggregated discovery when asked (as kube-apiserver does); false forces legacy. */
  aggregated?: boolean;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function gv(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

function groups(): string[] {
  const out: string[] = [];
  for (const r of RESOURCES) if (r.group && !out.includes(r.group)) out.push(r.group);
  return out;
}

function mergePatch(target: Any, patch: Any): Any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  conditions: 'type',
  tolerations: 'key',
  imagePullSecrets: 'name',
};

/** A small strategic merge patch: lists with a known merge key merge by key, `$patch: delete`. */
function strategic(target: Any, patch: Any, key = ''): Any {
  if (patch === null || typeof patch !== 'object') return patch;
  if (Array.isArray(patch)) {
    const mk =
      key === 'ports' && Array.isArray(target) && target.some((p: Any) => p?.port !== undefined)
        ? 'port'
        : MERGE_KEYS[key];
    if (!mk || !Array.isArray(target)) return patch.filter((p: Any) => !(p && typeof p === 'object' && p.$patch));
    const out = [...target];
    for (const item of patch) {
      const idx = out.findIndex((t: Any) => t?.[mk] === item?.[mk]);
      if (item?.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
      } else if (idx >= 0) out[idx] = strategic(out[idx], item);
      else out.push(item);
    }
    return out;
  }
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys') continue;
    if (v === null) delete base[k];
    else base[k] = strategic(base[k], v, k);
  }
  return base;
}

function jsonPointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function jsonPatch(doc: Any, ops: Any[]): Any {
  const out = clone(doc);
  for (const op of ops) {
    const parts = jsonPointer(op.path);
    const last = parts.pop() as string;
    let parent = out;
    for (const p of parts) parent = parent?.[Array.isArray(parent) ? Number(p) : p];
    if (parent === undefined || parent === null) throw new Error(`doc is missing path: "${op.path}"`);
    if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(parent)) {
        const i = last === '-' ? parent.length : Number(last);
        if (op.op === 'add') parent.splice(i, 0, op.value);
        else parent[i] = op.value;
      } else parent[last] = op.value;
    } else if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    }
  }
  return out;
}

const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });

/** A small excerpt of the core/v1 OpenAPI schemas, enough for `kubectl explain pods...`. */
const CORE_SCHEMAS: Record<string, unknown> = {
  'io.k8s.api.core.v1.Pod': {
    description:
      'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
    type: 'object',
    properties: {
      apiVersion: {
        description: 'APIVersion defines the versioned schema of this representation of an object.',
        type: 'string',
      },
      kind: {
        description: 'Kind is a string value representing the REST resource this object represents.',
        type: 'string',
      },
      metadata: {
        ...ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
        default: {},
        description: "Standard object's metadata.",
      },
      spec: {
        ...ref('io.k8s.api.core.v1.PodSpec'),
        default: {},
        description: 'Specification of the desired behavior of the pod.',
      },
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    description:
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    type: 'object',
    properties: {
      labels: {
        additionalProperties: { default: '', type: 'string' },
        description:
          'Map of string keys and values that can be used to organize and categorize (scope and select) objects.',
        type: 'object',
      },
      name: { description: 'Name must be unique within a namespace.', type: 'string' },
    },
  },
  'io.k8s.api.core.v1.PodSpec': {
    description: 'PodSpec is a description of a pod.',
    type: 'object',
    required: ['containers'],
    properties: {
      containers: {
        description:
          'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
        items: { ...ref('io.k8s.api.core.v1.Container'), default: {} },
        type: 'array',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
      restartPolicy: {
        description: 'Restart policy for all containers within the pod. One of Always, OnFailure, Never.',
        enum: ['Always', 'Never', 'OnFailure'],
        type: 'string',
      },
      nodeSelector: {
        additionalProperties: { default: '', type: 'string' },
        description: 'NodeSelector is a selector which must be true for the pod to fit on a node.',
        type: 'object',
      },
    },
  },
  'io.k8s.api.core.v1.Container': {
    description: 'A single application container that you want to run within a pod.',
    type: 'object',
    required: ['name'],
    properties: {
      image: { description: 'Container image name.', type: 'string' },
      imagePullPolicy: {
        description: 'Image pull policy. One of Always, Never, IfNotPresent.',
        enum: ['Always', 'IfNotPresent', 'Never'],
        type: 'string',
      },
      name: { default: '', description: 'Name of the container specified as a DNS_LABEL.', type: 'string' },
      ports: {
        description: 'List of ports to expose from the container.',
        items: { ...ref('io.k8s.api.core.v1.ContainerPort'), default: {} },
        type: 'array',
      },
      resources: {
        ...ref('io.k8s.api.core.v1.ResourceRequirements'),
        default: {},
        description: 'Compute Resources required by this container.',
      },
    },
  },
  'io.k8s.api.core.v1.ContainerPort': {
    description: 'ContainerPort represents a network port in a single container.',
    type: 'object',
    required: ['containerPort'],
    properties: {
      containerPort: {
        default: 0,
        description: "Number of port to expose on the pod's IP address.",
        format: 'int32',
        type: 'integer',
      },
      protocol: {
        default: 'TCP',
        description: 'Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".',
        enum: ['SCTP', 'TCP', 'UDP'],
        type: 'string',
      },
    },
  },
  'io.k8s.api.core.v1.ResourceRequirements': {
    description: 'ResourceRequirements describes the compute resource requirements.',
    type: 'object',
    properties: {
      limits: {
        additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        description: 'Limits describes the maximum amount of compute resources allowed.',
        type: 'object',
      },
      requests: {
        additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        description: 'Requests describes the minimum amount of compute resources required.',
        type: 'object',
      },
    },
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'Quantity is a fixed-point representation of a number.',
    type: 'string',
  },
};

export class FakeApiServer {
  readonly requests: ApiRequest[] = [];
  private store = new Map<string, KObject>();
  private rv = 100;
  private uid = 0;
  constructor(readonly opts: FakeOptions) {}

  private key(info: ResourceInfo, ns: string, name: string): string {
    return `${groupResource(info)}|${info.namespaced ? ns : ''}|${name}`;
  }

  /** Adds an object (kind and apiVersion decide the resource). */
  add(obj: KObject): KObject {
    const info = RESOURCES.find((r) => r.kind === obj.kind && gv(r) === obj.apiVersion);
    if (!info) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
    const o = clone(obj);
    const md = (o.metadata ??= {});
    if (info.namespaced) md.namespace ??= 'default';
    md.uid ??= `00000000-0000-4000-8000-${String(++this.uid).padStart(12, '0')}`;
    md.resourceVersion = String(++this.rv);
    md.creationTimestamp ??= formatTime(this.opts.now - 600_000);
    this.store.set(this.key(info, md.namespace ?? '', md.name ?? ''), o);
    return o;
  }

  get(info: ResourceInfo, ns: string, name: string): KObject | undefined {
    return this.store.get(this.key(info, ns, name));
  }

  list(info: ResourceInfo, ns?: string): KObject[] {
    const out: KObject[] = [];
    for (const [k, v] of [...this.store.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [gr, kns] = k.split('|');
      if (gr !== groupResource(info)) continue;
      if (ns !== undefined && info.namespaced && kns !== ns) continue;
      out.push(v);
    }
    return out;
  }

  handle(req: ApiRequest): ApiResponse {
    this.requests.push(req);
    try {
      return this.route(req);
    } catch (e) {
      return this.json(400, ApiErrors.badRequest((e as Error).message));
    }
  }

  private json(status: number, body: unknown, contentType = 'application/json'): ApiResponse {
    return { status, headers: { 'content-type': contentType }, body };
  }

  private discovery(req: ApiRequest): ApiResponse | undefined {
    const agg = this.opts.aggregated !== false && /as=APIGroupDiscoveryList/.test(req.headers.accept ?? '');
    const res = (r: ResourceInfo) => {
      const o: Any = {
        resource: r.resource,
        responseKind: { group: r.group, version: r.version, kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singular,
        verbs: r.verbs,
      };
      if (r.shortNames.length) o.shortNames = r.shortNames;
      if (r.categories.length) o.categories = r.categories;
      if (r.subresources.length) {
        o.subresources = r.subresources.map((sub) => ({
          subresource: sub,
          responseKind:
            sub === 'scale'
              ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
              : { group: r.group, version: r.version, kind: r.kind },
          verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
        }));
      }
      return o;
    };
    const legacy = (r: ResourceInfo) => {
      const o: Any = {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
      };
      if (r.shortNames.length) o.shortNames = r.shortNames;
      if (r.categories.length) o.categories = r.categories;
      return o;
    };
    if (req.path === '/api') {
      if (agg)
        return this.json(
          200,
          {
            kind: 'APIGroupDiscoveryList',
            apiVersion: 'apidiscovery.k8s.io/v2',
            metadata: {},
            items: [
              {
                metadata: { creationTimestamp: null },
                versions: [
                  { version: 'v1', resources: RESOURCES.filter((r) => !r.group).map(res), freshness: 'Current' },
                ],
              },
            ],
          },
          AGGREGATED,
        );
      return this.json(200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.18.0.2:6443' }],
      });
    }
    if (req.path === '/apis') {
      if (agg)
        return this.json(
          200,
          {
            kind: 'APIGroupDiscoveryList',
            apiVersion: 'apidiscovery.k8s.io/v2',
            metadata: {},
            items: groups().map((g) => ({
              metadata: { name: g, creationTimestamp: null },
              versions: [
                { version: 'v1', resources: RESOURCES.filter((r) => r.group === g).map(res), freshness: 'Current' },
              ],
            })),
          },
          AGGREGATED,
        );
      return this.json(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups().map((g) => ({
          name: g,
          versions: [{ groupVersion: `${g}/v1`, version: 'v1' }],
          preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
        })),
      });
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/(v1))$/.exec(req.path);
    if (m) {
      const group = m[2] ?? '';
      const rs = RESOURCES.filter((r) => r.group === group);
      if (rs.length === 0) return this.json(404, ApiErrors.notFoundPath());
      const resources: Any[] = [];
      for (const r of rs) {
        resources.push(legacy(r));
        for (const sub of r.subresources) {
          const e: Any = {
            name: `${r.resource}/${sub}`,
            singularName: '',
            namespaced: r.namespaced,
            kind: sub === 'scale' ? 'Scale' : r.kind,
            verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
          };
          if (sub === 'scale') {
            e.group = 'autoscaling';
            e.version = 'v1';
          }
          resources.push(e);
        }
      }
      return this.json(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/v1` : 'v1',
        resources,
      });
    }
    // Just enough OpenAPI v3 for kubectl to see that PATCH takes fieldValidation (server-side validation).
    if (req.path === '/openapi/v3') {
      const paths: Record<string, unknown> = {};
      for (const r of RESOURCES) {
        const key = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=0123456789ABCDEF` };
      }
      return this.json(200, { paths });
    }
    const oa = /^\/openapi\/v3\/(api\/v1|apis\/([^/]+)\/v1)$/.exec(req.path);
    if (oa) {
      const group = oa[2] ?? '';
      const paths: Record<string, unknown> = {};
      for (const r of RESOURCES.filter((x) => x.group === group)) {
        const base = group ? `/apis/${group}/v1` : '/api/v1';
        const p = r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}/{name}` : `${base}/${r.resource}/{name}`;
        paths[p] = {
          patch: {
            'x-kubernetes-group-version-kind': { group, version: 'v1', kind: r.kind },
            parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
          },
        };
      }
      const doc: Any = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths };
      if (group === '') doc.components = { schemas: CORE_SCHEMAS };
      return this.json(200, doc);
    }
    if (req.path === '/version')
      return this.json(200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.4',
        gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
        gitTreeState: 'clean',
        buildDate: '2025-04-22T16:02:27Z',
        goVersion: 'go1.23.6',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
    return undefined;
  }

  private route(req: ApiRequest): ApiResponse {
    const d = this.discovery(req);
    if (d) return d;
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
      req.path,
    );
    if (!m) return this.json(404, ApiErrors.notFoundPath());
    const group = m[1] ?? '';
    let ns = m[2];
    let resource = m[3] as string;
    let name = m[4];
    const sub = m[5];
    // /api/v1/namespaces/foo is the namespace "foo".
    if (
      !group &&
      ns !== undefined &&
      resource !== undefined &&
      name === undefined &&
      !RESOURCES.some((r) => r.resource === resource && !r.group)
    ) {
      name = resource;
      resource = 'namespaces';
      ns = undefined;
    }
    if (!group && resource === 'namespaces' && m[2] && !m[3]) {
      name = m[2];
    }
    const info = RESOURCES.find((r) => r.group === group && r.resource === resource);
    if (!info) return this.json(404, ApiErrors.notFoundPath());
    const namespace = info.namespaced ? (ns ?? '') : '';
    const table = acceptsTable(req.headers.accept);
    const tableResp = (objs: KObject[], rv: string) =>
      this.json(
        200,
        toTable(info, objs, {
          now: this.opts.now,
          resourceVersion: rv,
          includeObject: (req.query.includeObject as 'Object') ?? 'Metadata',
        }),
        'application/json;as=Table;v=v1;g=meta.k8s.io',
      );
    const body = req.body ? (JSON.parse(req.body) as Any) : undefined;
    switch (req.method) {
      case 'GET': {
        if (name === undefined && req.query.watch === 'true') {
          // No watch support: an empty event stream that ends at once.
          return this.json(200, '', 'application/json');
        }
        if (name === undefined) {
          let items = this.list(info, info.namespaced && ns !== undefined ? namespace : undefined);
          const ls = req.query.labelSelector;
          if (ls) {
            const reqs = ls.split(',').map((s) => s.split('='));
            items = items.filter((o) => reqs.every(([k, v]) => o.metadata?.labels?.[k as string] === v));
          }
          const fs = req.query.fieldSelector;
          if (fs) {
            // field=value and field!=value on dotted paths (metadata.name, spec.nodeName, involvedObject.uid, ...)
            const reqs = fs.split(',').map((term) => {
              const neg = term.includes('!=');
              const [k, v] = term.split(neg ? '!=' : /==?/) as [string, string];
              return { path: k.split('.'), v: v ?? '', neg };
            });
            const field = (o: Any, path: string[]) => {
              let cur = o;
              for (const p of path) cur = cur?.[p];
              return cur === undefined || cur === null ? '' : String(cur);
            };
            items = items.filter((o) => reqs.every((r) => (field(o, r.path) === r.v) !== r.neg));
          }
          const rv = String(this.rv);
          if (table) return tableResp(items, rv);
          return this.json(200, {
            kind: `${info.kind}List`,
            apiVersion: gv(info),
            metadata: { resourceVersion: rv },
            items: clone(items),
          });
        }
        const o = this.get(info, namespace, name);
        if (!o) return this.json(404, ApiErrors.notFound(info, name));
        if (sub === 'log') return this.json(200, `log line 1 of ${name}\nlog line 2 of ${name}\n`, 'text/plain');
        if (sub === 'scale') {
          const a = o as Any;
          return this.json(200, {
            kind: 'Scale',
            apiVersion: 'autoscaling/v1',
            metadata: {
              name,
              namespace,
              uid: a.metadata?.uid,
              resourceVersion: a.metadata?.resourceVersion,
              creationTimestamp: a.metadata?.creationTimestamp,
            },
            spec: { replicas: a.spec?.replicas ?? 0 },
            status: {
              replicas: a.status?.replicas ?? 0,
              selector: Object.entries(a.spec?.selector?.matchLabels ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(','),
            },
          });
        }
        if (table) return tableResp([o], o.metadata?.resourceVersion ?? '');
        return this.json(200, clone(o));
      }
      case 'POST': {
        const o = body as KObject;
        const md = (o.metadata ??= {});
        if (!md.name && md.generateName) md.name = `${md.generateName}x7k2q`;
        if (this.get(info, namespace, md.name ?? ''))
          return this.json(409, ApiErrors.alreadyExists(info, md.name ?? ''));
        if (info.namespaced) md.namespace = namespace;
        if (req.query.dryRun) return this.json(201, o);
        return this.json(201, clone(this.add(o)));
      }
      case 'PUT': {
        const cur = name ? this.get(info, namespace, name) : undefined;
        if (!cur || !name) return this.json(404, ApiErrors.notFound(info, name ?? ''));
        const o = body as KObject;
        if (o.metadata?.resourceVersion && o.metadata.resourceVersion !== cur.metadata?.resourceVersion)
          return this.json(409, ApiErrors.conflict(info, name));
        if (sub === 'scale') {
          (cur as Any).spec.replicas = (o as Any).spec?.replicas ?? 0;
          const saved = this.add(cur);
          return this.json(200, {
            ...(o as Any),
            metadata: { ...o.metadata, resourceVersion: saved.metadata?.resourceVersion },
          });
        }
        o.metadata = { ...o.metadata, uid: cur.metadata?.uid, creationTimestamp: cur.metadata?.creationTimestamp };
        return this.json(200, clone(this.add(o)));
      }
      case 'PATCH': {
        const cur = name ? this.get(info, namespace, name) : undefined;
        const ct = req.headers['content-type'] ?? '';
        if (!cur || !name) {
          if (ct === 'application/apply-patch+yaml') {
            const o = body as KObject;
            (o.metadata ??= {}).namespace = info.namespaced ? namespace : undefined;
            return this.json(201, clone(this.add(o)));
          }
          return this.json(404, ApiErrors.notFound(info, name ?? ''));
        }
        let next: Any;
        if (ct === 'application/json-patch+json') next = jsonPatch(cur, body);
        else if (ct === 'application/merge-patch+json') next = mergePatch(cur, body);
        else if (ct === 'application/apply-patch+yaml') next = mergePatch(cur, body);
        else next = strategic(cur, body);
        const target = sub === 'scale' ? cur : next;
        if (sub === 'scale') (cur as Any).spec.replicas = body?.spec?.replicas ?? (cur as Any).spec.replicas;
        if (JSON.stringify(target) === JSON.stringify(cur) && sub !== 'scale') return this.json(200, clone(cur));
        const saved = this.add(target);
        if (sub === 'scale')
          return this.json(200, {
            kind: 'Scale',
            apiVersion: 'autoscaling/v1',
            metadata: {
              name,
              namespace,
              uid: saved.metadata?.uid,
              resourceVersion: saved.metadata?.resourceVersion,
              creationTimestamp: saved.metadata?.creationTimestamp,
            },
            spec: { replicas: (saved as Any).spec.replicas },
            status: { replicas: (saved as Any).status?.replicas ?? 0, selector: '' },
          });
        return this.json(200, clone(saved));
      }
      case 'DELETE': {
        if (!name) {
          const items = this.list(info, info.namespaced ? namespace : undefined);
          for (const o of items) this.store.delete(this.key(info, namespace, o.metadata?.name ?? ''));
          return this.json(200, {
            kind: `${info.kind}List`,
            apiVersion: gv(info),
            metadata: { resourceVersion: String(++this.rv) },
            items,
          });
        }
        const cur = this.get(info, namespace, name);
        if (!cur) return this.json(404, ApiErrors.notFound(info, name));
        this.store.delete(this.key(info, namespace, name));
        return this.json(200, clone(cur));
      }
    }
    return this.json(405, ApiErrors.methodNotSupported(info, req.method));
  }
}
