/**
 * The OpenAPI documents kube-apiserver serves, generated from the schema table (schema.ts):
 *
 * - `/openapi/v3`: the index, `{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"}}}`;
 * - `/openapi/v3/<api/v1|apis/<group>/<version>>`: one OpenAPI 3.0 document per group version, with
 *   the resource paths (each operation tagged with `x-kubernetes-group-version-kind`, which is how
 *   `kubectl explain` finds the kind, and PATCH operations declaring the `fieldValidation` query
 *   parameter, which is how kubectl decides to leave field validation to the server) and
 *   `components.schemas` keyed `io.k8s.api.core.v1.Pod`, with `allOf`-wrapped `$ref`s;
 * - `/openapi/v2`: the same as one Swagger 2.0 document (`definitions`).
 *
 * Simplifications: only the list/create/deletecollection/read/replace/patch/delete operations and
 * the status and scale subresources are described (no watch, log, exec, binding or eviction paths).
 * PATCH operations do not advertise `application/strategic-merge-patch+json`, so kubectl computes
 * strategic merge patches for `apply` from its compiled-in types (which carry the same patch
 * metadata as this table) instead of from these documents. kubectl requests `/openapi/v2` as
 * protobuf; the JSON form here is for curl and tools that ask for JSON.
 */

import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { groupVersion, RESOURCES } from './resources.ts';
import { type FieldSchema, rootTypeName, TYPES, type TypeSchema } from './schema.ts';
import type { ResourceInfo } from './types.ts';

type Json = Record<string, unknown>;

const KUBERNETES_VERSION = 'v1.33.1';

// ---- schemas -----------------------------------------------------------------------------------

function refString(name: string, v: 2 | 3): string {
  return v === 3 ? `#/components/schemas/${name}` : `#/definitions/${name}`;
}

function isPrimitive(name: string | undefined): boolean {
  return !!name && !!TYPES[name]?.primitiveV3;
}

function extensions(f: FieldSchema, out: Json): Json {
  if (f.listType) out['x-kubernetes-list-type'] = f.listType;
  if (f.listMapKeys) out['x-kubernetes-list-map-keys'] = f.listMapKeys;
  if (f.mapType) out['x-kubernetes-map-type'] = f.mapType;
  if (f.patchMergeKey) out['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.patchStrategy) out['x-kubernetes-patch-strategy'] = f.patchStrategy;
  return out;
}

function fieldSchema(f: FieldSchema, v: 2 | 3): Json {
  const out: Json = {};
  switch (f.type) {
    case 'ref': {
      const r = refString(f.ref as string, v);
      const withDefault = f.default !== undefined && !isPrimitive(f.ref);
      if (v === 3 && (f.description || withDefault)) {
        out.allOf = [{ $ref: r }];
        if (withDefault) out.default = f.default;
      } else {
        out.$ref = r;
      }
      break;
    }
    case 'array':
      out.type = 'array';
      out.items = fieldSchema(f.items as FieldSchema, v);
      break;
    case 'map':
      out.type = 'object';
      out.additionalProperties = fieldSchema(f.values as FieldSchema, v);
      break;
    case 'any':
      out.type = 'object';
      out['x-kubernetes-preserve-unknown-fields'] = true;
      break;
    default:
      out.type = f.type;
      if (f.format) out.format = f.format;
      if (f.default !== undefined) out.default = f.default;
  }
  if (f.description) out.description = f.description;
  if (f.enum) out.enum = f.enum;
  return extensions(f, out);
}

function typeSchema(t: TypeSchema, v: 2 | 3): Json {
  const prim = v === 3 ? t.primitiveV3 : t.primitiveV2;
  if (prim) return { description: t.description, ...prim };
  const out: Json = { description: t.description };
  const props: Json = {};
  const required: string[] = [];
  for (const [k, f] of Object.entries(t.properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    props[k] = fieldSchema(f, v);
    if (f.required) required.push(k);
  }
  if (Object.keys(props).length) out.properties = props;
  if (required.length) out.required = required;
  out.type = 'object';
  if (t.gvk) out['x-kubernetes-group-version-kind'] = t.gvk;
  if (t.mapType) out['x-kubernetes-map-type'] = t.mapType;
  return out;
}

/** Every type reachable from the given roots. */
function closure(roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !TYPES[name]) return;
    seen.add(name);
    const walk = (f: FieldSchema) => {
      if (f.type === 'ref' && f.ref) visit(f.ref);
      if (f.items) walk(f.items);
      if (f.values) walk(f.values);
    };
    for (const f of Object.values(TYPES[name].properties)) walk(f);
  };
  for (const r of roots) visit(r);
  return [...seen].sort();
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const COMMON_ROOTS = [
  `${META}.Status`,
  `${META}.DeleteOptions`,
  `${META}.WatchEvent`,
  `${META}.APIResourceList`,
  `${META}.Patch`,
];
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

function rootsFor(infos: ResourceInfo[]): string[] {
  const roots = [...COMMON_ROOTS];
  for (const info of infos) {
    roots.push(rootTypeName(info), `${rootTypeName(info)}List`);
    if (info.subresources.includes('scale')) roots.push(SCALE);
  }
  return roots;
}

// ---- paths -------------------------------------------------------------------------------------

function q(name: string, description: string, schema: Json = { type: 'string', uniqueItems: true }): Json {
  return { description, in: 'query', name, schema };
}

const P = {
  pretty: q('pretty', "If 'true', the output is pretty printed."),
  dryRun: q(
    'dryRun',
    'When present, modifications are not persisted. An invalid or unrecognized value is an error and the request is not processed. The only valid value is All: all dry run stages are processed.',
  ),
  fieldManager: q(
    'fieldManager',
    'A name for the actor making the change, recorded in managedFields. At most 128 printable characters.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'How the server treats unknown and duplicate fields in the object of a POST, PUT or PATCH request: Ignore drops them silently; Warn drops them and returns a warning for each (the default); Strict fails the request with a BadRequest error naming every such field.',
  ),
  force: q(
    'force',
    'Force is going to "force" Apply requests: it re-acquires fields owned by other managers. Must be unset for non-apply patches.',
    {
      type: 'boolean',
      uniqueItems: true,
    },
  ),
  labelSelector: q(
    'labelSelector',
    'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  ),
  fieldSelector: q(
    'fieldSelector',
    'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  ),
  limit: q('limit', 'The most items a list call returns; the response carries a continue token when there are more.', {
    type: 'integer',
    uniqueItems: true,
  }),
  continue: q('continue', 'The continue token of a previous limited list call, to get the next chunk.'),
  resourceVersion: q(
    'resourceVersion',
    'Constrains which resource versions a request may be served from. Defaults to unset (the most recent).',
  ),
  resourceVersionMatch: q('resourceVersionMatch', 'How resourceVersion applies to list calls: NotOlderThan or Exact.'),
  timeoutSeconds: q('timeoutSeconds', 'Timeout for the list/watch call, regardless of activity.', {
    type: 'integer',
    uniqueItems: true,
  }),
  watch: q(
    'watch',
    'Watch for changes to the described resources and return them as a stream of add, update and remove notifications.',
    {
      type: 'boolean',
      uniqueItems: true,
    },
  ),
  allowWatchBookmarks: q('allowWatchBookmarks', 'Requests watch events of type BOOKMARK.', {
    type: 'boolean',
    uniqueItems: true,
  }),
  sendInitialEvents: q(
    'sendInitialEvents',
    'With watch=true, start the stream with synthetic events for the current state.',
    {
      type: 'boolean',
      uniqueItems: true,
    },
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'Seconds before the object is deleted; zero means immediately. Defaults to the value of the kind.',
    {
      type: 'integer',
      uniqueItems: true,
    },
  ),
  propagationPolicy: q(
    'propagationPolicy',
    'Whether and how garbage collection is performed: Orphan, Background or Foreground.',
  ),
  orphanDependents: q('orphanDependents', 'Deprecated: use propagationPolicy.', { type: 'boolean', uniqueItems: true }),
};

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];

function pathParam(name: string, description: string): Json {
  return { description, in: 'path', name, required: true, schema: { type: 'string', uniqueItems: true } };
}

function content(
  schemaRef: Json,
  v: 2 | 3,
  types = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
): Json {
  void v;
  const c: Json = {};
  for (const t of types) c[t] = { schema: schemaRef };
  return c;
}

function tagOf(info: ResourceInfo): string {
  const g = info.group ? info.group.split('.')[0] : 'core';
  return `${g}_${info.version}`;
}

function opPrefix(info: ResourceInfo): string {
  const g = info.group ? (info.group.split('.')[0] as string) : 'core';
  return `${g[0]?.toUpperCase()}${g.slice(1)}${info.version[0]?.toUpperCase()}${info.version.slice(1)}`;
}

interface Op {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  action: string;
  verbName: string;
  description: string;
  params: Json[];
  body?: string;
  responses: Record<string, string>;
  gvk: Json;
}

function operation(o: Op, v: 2 | 3, opId: string, tag: string): Json {
  const ref = (name: string) => ({ $ref: refString(name, v) });
  const out: Json = { description: o.description, operationId: opId };
  if (v === 2) {
    out.consumes =
      o.method === 'patch'
        ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
        : ['*/*'];
    out.produces = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
    const params = [...o.params];
    if (o.body) params.unshift({ in: 'body', name: 'body', required: true, schema: ref(o.body) });
    if (params.length) out.parameters = params.map(v2Param);
    const responses: Json = {};
    for (const [code, schema] of Object.entries(o.responses))
      responses[code] = {
        description: code === '200' ? 'OK' : code === '201' ? 'Created' : 'Accepted',
        schema: ref(schema),
      };
    responses['401'] = { description: 'Unauthorized' };
    out.responses = responses;
    out.schemes = ['https'];
  } else {
    if (o.params.length) out.parameters = o.params;
    if (o.body) {
      const types =
        o.method === 'patch'
          ? ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']
          : ['*/*'];
      out.requestBody = { content: content(ref(o.body), v, types), required: true };
    }
    const responses: Json = {};
    for (const [code, schema] of Object.entries(o.responses)) {
      responses[code] = {
        content: content(ref(schema), v),
        description: code === '200' ? 'OK' : code === '201' ? 'Created' : 'Accepted',
      };
    }
    responses['401'] = { description: 'Unauthorized' };
    out.responses = responses;
  }
  out.tags = [tag];
  out['x-kubernetes-action'] = o.action;
  out['x-kubernetes-group-version-kind'] = o.gvk;
  return out;
}

function v2Param(p: Json): Json {
  if (p.in === 'body') return p;
  const { schema, ...rest } = p as { schema?: Json } & Json;
  return { ...rest, ...(schema ?? {}) };
}

/** The paths of one resource: collection, item, all-namespaces list, status and scale. */
function resourcePaths(info: ResourceInfo, v: 2 | 3): Record<string, Json> {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const kind = info.kind;
  const typeName = rootTypeName(info);
  const gvk = { group: info.group, kind, version: info.version };
  const tag = tagOf(info);
  const prefix = opPrefix(info);
  const ns = info.namespaced ? 'Namespaced' : '';
  const coll = info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}` : `${base}/${info.resource}`;
  const item = `${coll}/{name}`;
  const nsParam = pathParam('namespace', 'object name and auth scope, such as for teams and projects');
  const nameParam = (what: string) => pathParam('name', `name of the ${what}`);
  const writeParams = [P.dryRun, P.fieldManager, P.fieldValidation];
  const paths: Record<string, Json> = {};
  const build = (ops: Op[], pathParams: Json[], idFor: (o: Op) => string): Json => {
    const entry: Json = {};
    for (const o of ops) entry[o.method] = operation(o, v, idFor(o), tag);
    entry.parameters = [...pathParams, P.pretty];
    return entry;
  };
  const collOps: Op[] = [
    {
      method: 'get',
      action: 'list',
      verbName: 'list',
      description: `list or watch objects of kind ${kind}`,
      params: LIST_PARAMS,
      responses: { '200': `${typeName}List` },
      gvk,
    },
    {
      method: 'post',
      action: 'post',
      verbName: 'create',
      description: `create a ${kind}`,
      params: writeParams,
      body: typeName,
      responses: { '200': typeName, '201': typeName, '202': typeName },
      gvk,
    },
    {
      method: 'delete',
      action: 'deletecollection',
      verbName: 'deleteCollection',
      description: `delete collection of ${kind}`,
      params: [
        P.continue,
        P.dryRun,
        P.fieldSelector,
        P.gracePeriodSeconds,
        P.labelSelector,
        P.limit,
        P.orphanDependents,
        P.propagationPolicy,
        P.resourceVersion,
        P.resourceVersionMatch,
        P.sendInitialEvents,
        P.timeoutSeconds,
      ],
      body: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
      responses: { '200': 'io.k8s.apimachinery.pkg.apis.meta.v1.Status' },
      gvk,
    },
  ];
  const id = (o: Op, suffix = '') => {
    if (o.verbName === 'deleteCollection') return `delete${prefix}Collection${ns}${kind}${suffix}`;
    return `${o.verbName}${prefix}${ns}${kind}${suffix}`;
  };
  paths[coll] = build(collOps, info.namespaced ? [nsParam] : [], (o) => id(o));
  const itemOps = (what: string, schema: string, opGvk: Json, subresource: boolean): Op[] => {
    const ops: Op[] = [
      {
        method: 'get',
        action: 'get',
        verbName: 'read',
        description: `read ${what} of the specified ${kind}`,
        params: [],
        responses: { '200': schema },
        gvk: opGvk,
      },
      {
        method: 'put',
        action: 'put',
        verbName: 'replace',
        description: `replace ${what} of the specified ${kind}`,
        params: writeParams,
        body: schema,
        responses: { '200': schema, '201': schema },
        gvk: opGvk,
      },
      {
        method: 'patch',
        action: 'patch',
        verbName: 'patch',
        description: `partially update ${what} of the specified ${kind}`,
        params: [...writeParams, P.force],
        body: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
        responses: { '200': schema, '201': schema },
        gvk: opGvk,
      },
    ];
    if (!subresource) {
      ops.push({
        method: 'delete',
        action: 'delete',
        verbName: 'delete',
        description: `delete a ${kind}`,
        params: [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy],
        body: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
        responses: { '200': typeName, '202': typeName },
        gvk: opGvk,
      });
    }
    return ops;
  };
  const itemParams = (what: string) => (info.namespaced ? [nameParam(what), nsParam] : [nameParam(what)]);
  for (const o of itemOps('the', typeName, gvk, false))
    o.description = o.description.replace('read the of the', 'read the').replace(' the of the', ' the');
  paths[item] = build(
    itemOps('the', typeName, gvk, false).map((o) => ({
      ...o,
      description: o.description.replace(/ the of the specified/, ' the specified'),
    })),
    itemParams(kind),
    (o) => id(o),
  );
  if (info.namespaced) {
    paths[`${base}/${info.resource}`] = {
      get: operation(
        {
          method: 'get',
          action: 'list',
          verbName: 'list',
          description: `list or watch objects of kind ${kind}`,
          params: LIST_PARAMS,
          responses: { '200': `${typeName}List` },
          gvk,
        },
        v,
        `list${prefix}${kind}ForAllNamespaces`,
        tag,
      ),
      parameters: [P.pretty],
    };
  }
  if (info.subresources.includes('status')) {
    paths[`${item}/status`] = build(itemOps('status', typeName, gvk, true), itemParams(kind), (o) => id(o, 'Status'));
  }
  if (info.subresources.includes('scale')) {
    const sgvk = { group: 'autoscaling', kind: 'Scale', version: 'v1' };
    paths[`${item}/scale`] = build(itemOps('scale', SCALE, sgvk, true), itemParams('Scale'), (o) => id(o, 'Scale'));
  }
  return paths;
}

// ---- documents ---------------------------------------------------------------------------------

/** `api/v1`, `apis/apps/v1`: the key of a group version in the v3 index. */
function gvPath(info: ResourceInfo): string {
  return info.group ? `apis/${groupVersion(info)}` : `api/${info.version}`;
}

function groupVersions(): Map<string, ResourceInfo[]> {
  const m = new Map<string, ResourceInfo[]>();
  for (const info of RESOURCES) {
    const k = gvPath(info);
    m.set(k, [...(m.get(k) ?? []), info]);
  }
  return m;
}

function buildV3(infos: ResourceInfo[]): Json {
  const paths: Record<string, Json> = {};
  for (const info of infos) Object.assign(paths, resourcePaths(info, 3));
  const schemas: Json = {};
  for (const name of closure(rootsFor(infos))) schemas[name] = typeSchema(TYPES[name] as TypeSchema, 3);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1))),
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          description: 'Bearer Token authentication',
          in: 'header',
          name: 'authorization',
          type: 'apiKey',
        },
      },
    },
  };
}

const v3Cache = new Map<string, { doc: Json; hash: string }>();

function v3Entry(path: string): { doc: Json; hash: string } | undefined {
  const cached = v3Cache.get(path);
  if (cached) return cached;
  const infos = groupVersions().get(path);
  if (!infos) return undefined;
  const doc = buildV3(infos);
  const hash = bytesToHex(sha512(utf8ToBytes(JSON.stringify(doc)))).toUpperCase();
  const entry = { doc, hash };
  v3Cache.set(path, entry);
  return entry;
}

/** `GET /openapi/v3`: one entry per group version, with a content hash in the URL. */
export function openapiV3Index(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const path of [...groupVersions().keys()].sort()) {
    const e = v3Entry(path) as { hash: string };
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${e.hash}` };
  }
  return { paths };
}

/** `GET /openapi/v3/<groupVersionPath>` (`api/v1`, `apis/apps/v1`); undefined if not served. */
export function openapiV3(groupVersionPath: string): unknown | undefined {
  return v3Entry(groupVersionPath.replace(/^\/+|\/+$/g, '').replace(/\?.*$/, ''))?.doc;
}

let v2Cache: Json | undefined;

/** `GET /openapi/v2`: everything in one Swagger 2.0 document. */
export function openapiV2(): unknown {
  if (v2Cache) return v2Cache;
  const paths: Record<string, Json> = {};
  for (const info of RESOURCES) Object.assign(paths, resourcePaths(info, 2));
  const definitions: Json = {};
  for (const name of closure(rootsFor([...RESOURCES]))) definitions[name] = typeSchema(TYPES[name] as TypeSchema, 2);
  v2Cache = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1))),
    definitions,
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' },
    },
    security: [{ BearerToken: [] }],
  };
  return v2Cache;
}
