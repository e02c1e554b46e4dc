/**
 * The schema of every served kind: each Go type's fields with their JSON type, a short description,
 * enum values, required-ness and the list/patch markers (`x-kubernetes-list-type`,
 * `x-kubernetes-patch-merge-key`, ...) upstream's types carry. One table feeds the OpenAPI v2/v3
 * documents (kubectl explain), strict field validation (unknown fields), decode type checks
 * (`json: cannot unmarshal ...`) and strategic-merge-patch metadata.
 *
 * Field sets follow k8s.io/api v1.32. Descriptions are our own short wording. Rarely used volume
 * plugins (cloud disks, iSCSI, Ceph, ...) and alpha-only fields are left out; see README notes in
 * openapi.ts.
 */

import { RESOURCES } from './resources.ts';
import { SCHEMA_APPS } from './schema-apps.ts';
import { SCHEMA_BATCH } from './schema-batch.ts';
import { SCHEMA_CORE } from './schema-core.ts';
import {
  API_VERSION,
  type FieldSchema,
  fullTypeName,
  type GVK,
  KIND,
  LIST_META,
  type TypeSchema,
} from './schema-dsl.ts';
import { SCHEMA_META } from './schema-meta.ts';
import { SCHEMA_MISC } from './schema-misc.ts';
import type { KObject, ResourceInfo } from './types.ts';

export type { FieldSchema, GVK, TypeSchema } from './schema-dsl.ts';

const GROUP_PACKAGE: Record<string, string> = {
  '': 'io.k8s.api.core.v1',
  apps: 'io.k8s.api.apps.v1',
  batch: 'io.k8s.api.batch.v1',
  'coordination.k8s.io': 'io.k8s.api.coordination.v1',
  'discovery.k8s.io': 'io.k8s.api.discovery.v1',
  'events.k8s.io': 'io.k8s.api.events.v1',
};

/** The OpenAPI package prefix of an API group's types. */
export function groupPackage(group: string): string {
  const p = GROUP_PACKAGE[group];
  if (!p) throw new Error(`schema: no package for group "${group}"`);
  return p;
}

/** All types by their OpenAPI name (`io.k8s.api.core.v1.Pod`). */
export const TYPES: Readonly<Record<string, TypeSchema>> = (() => {
  const all: Record<string, TypeSchema> = {};
  const add = (t: TypeSchema) => {
    if (all[t.name]) throw new Error(`schema: duplicate type ${t.name}`);
    all[t.name] = t;
  };
  for (const group of [SCHEMA_META, SCHEMA_CORE, SCHEMA_APPS, SCHEMA_BATCH, SCHEMA_MISC])
    for (const t of group) add({ ...t });
  // Top-level kinds carry their group/version/kind, and each gets a <Kind>List type.
  for (const info of RESOURCES) {
    const name = `${groupPackage(info.group)}.${info.kind}`;
    const t = all[name];
    if (!t) throw new Error(`schema: no type for ${name}`);
    t.gvk = [{ group: info.group, kind: info.kind, version: info.version }];
    const list = listOf(`${name}List`, name, `List of ${info.resource}.`);
    list.gvk = [{ group: info.group, kind: `${info.kind}List`, version: info.version }];
    add(list);
  }
  const scale = all['io.k8s.api.autoscaling.v1.Scale'];
  if (scale) scale.gvk = [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }];
  for (const n of ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList']) {
    const t = all[`io.k8s.apimachinery.pkg.apis.meta.v1.${n}`];
    if (t) t.gvk = [{ group: '', kind: n, version: 'v1' }];
  }
  return all;
})();

function listOf(name: string, itemType: string, itemsDescription: string): TypeSchema {
  const goName = name.slice(name.lastIndexOf('.') + 1);
  return {
    name,
    goName,
    goPackage: 'v1',
    description: `${goName} is a list of ${itemType.slice(itemType.lastIndexOf('.') + 1)} objects.`,
    properties: {
      apiVersion: API_VERSION,
      items: {
        type: 'array',
        items: { type: 'ref', ref: itemType, default: {} },
        description: itemsDescription,
        required: true,
      },
      kind: KIND,
      metadata: LIST_META,
    },
  };
}

/** The OpenAPI name of a resource's kind (`io.k8s.api.apps.v1.Deployment`). */
export function rootTypeName(info: ResourceInfo): string {
  return `${groupPackage(info.group)}.${info.kind}`;
}

/** rootType by resource (TYPES is fixed at load; every request asks). */
const rootTypes = new WeakMap<ResourceInfo, TypeSchema | null>();

export function rootType(info: ResourceInfo): TypeSchema | undefined {
  let t = rootTypes.get(info);
  if (t === undefined) {
    t = TYPES[rootTypeName(info)] ?? null;
    rootTypes.set(info, t);
  }
  return t ?? undefined;
}

export function gvkOf(info: ResourceInfo): GVK {
  return { group: info.group, kind: info.kind, version: info.version };
}

/** Resolves a `ref` field to its type. */
export function typeOf(f: FieldSchema): TypeSchema | undefined {
  return f.type === 'ref' && f.ref ? TYPES[f.ref] : undefined;
}

// ---- unknown fields (fieldValidation=Strict/Warn) ----------------------------------------------

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The walk keeps the path as a stack of segments (`spec`, `.containers`, `[0]`) and joins it only
 * for an unknown field: objects almost never have one, and every member is visited.
 */
function walkUnknown(t: TypeSchema, v: unknown, path: string[], out: string[]): void {
  if (t.open || !isDict(v)) return;
  for (const k of Object.keys(v)) {
    const val = v[k];
    const f = t.properties[k];
    path.push(path.length ? `.${k}` : k);
    if (!f) out.push(path.join(''));
    else walkField(f, val, path, out);
    path.pop();
  }
}

function walkField(f: FieldSchema, v: unknown, path: string[], out: string[]): void {
  if (v === null || v === undefined) return;
  switch (f.type) {
    case 'ref': {
      const t = typeOf(f);
      if (t) walkUnknown(t, v, path, out);
      return;
    }
    case 'array':
      if (Array.isArray(v) && f.items)
        for (let i = 0; i < v.length; i++) {
          path.push(`[${i}]`);
          walkField(f.items, v[i], path, out);
          path.pop();
        }
      return;
    case 'map':
      if (isDict(v) && f.values)
        for (const k of Object.keys(v)) {
          path.push(`.${k}`);
          walkField(f.values, v[k], path, out);
          path.pop();
        }
      return;
    default:
      return;
  }
}

/** Paths of fields in `obj` that the kind's schema does not define (`spec.foo`, `spec.containers[0].bar`). */
export function findUnknownFields(info: ResourceInfo, obj: KObject): string[] {
  const t = rootType(info);
  if (!t) return [];
  const out: string[] = [];
  walkUnknown(t, obj, [], out);
  return out;
}

// ---- decode type errors ------------------------------------------------------------------------

/** The Go type name a decode error names (`int32`, `[]v1.Container`, `map[string]string`). */
export function goTypeName(f: FieldSchema): string {
  switch (f.type) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return f.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'any':
      return 'interface {}';
    case 'ref': {
      const t = typeOf(f);
      return t ? `${t.goPackage}.${t.goName}` : 'interface {}';
    }
    case 'array':
      return `[]${f.items ? goTypeName(f.items) : 'interface {}'}`;
    case 'map':
      return `map[string]${f.values ? goTypeName(f.values) : 'interface {}'}`;
  }
  return 'interface {}';
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return 'string';
}

interface DecodeCtx {
  /** The innermost Go struct the failing field belongs to. */
  struct: string;
  /** Field names from the root, without indices (Go's errorContext.FieldStack). */
  stack: string[];
}

function mismatch(f: FieldSchema, what: string, ctx: DecodeCtx): string {
  return `json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${ctx.stack.join('.')} of type ${goTypeName(f)}`;
}

/** `ctx.stack` is the walk's own stack: an error text is built from it before it changes. */
function decodeMismatch(f: FieldSchema, v: unknown, ctx: DecodeCtx): string | undefined {
  if (v === null) return undefined;
  const k = jsonKind(v);
  switch (f.type) {
    case 'string':
      return k === 'string' ? undefined : mismatch(f, k, ctx);
    case 'boolean':
      return k === 'bool' ? undefined : mismatch(f, k, ctx);
    case 'integer': {
      if (k !== 'number') return mismatch(f, k, ctx);
      const n = v as number;
      const max = f.format === 'int64' ? 2 ** 63 : 2 ** 31;
      if (!Number.isInteger(n) || n >= max || n < -max) return mismatch(f, `number ${String(n)}`, ctx);
      return undefined;
    }
    case 'number':
      return k === 'number' ? undefined : mismatch(f, k, ctx);
    case 'any':
      return undefined;
    case 'array': {
      if (k !== 'array') return mismatch(f, k, ctx);
      for (const x of v as unknown[]) {
        const e = decodeMismatch(f.items as FieldSchema, x, ctx);
        if (e) return e;
      }
      return undefined;
    }
    case 'map': {
      if (k !== 'object') return mismatch(f, k, ctx);
      for (const x of Object.values(v as Record<string, unknown>)) {
        const e = decodeMismatch(f.values as FieldSchema, x, ctx);
        if (e) return e;
      }
      return undefined;
    }
    case 'ref': {
      const t = typeOf(f);
      if (!t) return undefined;
      if (t.scalar) return t.scalar(v, ctx.struct, ctx.stack.join('.'));
      if (k !== 'object') return mismatch(f, k, ctx);
      return decodeStruct(t, v as Record<string, unknown>, ctx.stack);
    }
  }
  return undefined;
}

/** `stack` (field names from the root) is pushed and popped in place. */
function decodeStruct(t: TypeSchema, v: Record<string, unknown>, stack: string[]): string | undefined {
  if (t.open) return undefined;
  const ctx: DecodeCtx = { struct: t.goName, stack };
  for (const key of Object.keys(v)) {
    const f = t.properties[key];
    if (!f) continue;
    stack.push(key);
    const e = decodeMismatch(f, v[key], ctx);
    stack.pop();
    if (e) return e;
  }
  return undefined;
}

/**
 * The first JSON decode error Go's decoder would report for this object
 * (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`,
 * or a quantity parse error), or undefined. The API server answers 400 with
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: <this>`.
 */
export function findDecodeError(info: ResourceInfo, obj: KObject): string | undefined {
  const t = rootType(info);
  if (!t) return undefined;
  return decodeStruct(t, obj as Record<string, unknown>, []);
}

// ---- patch metadata ----------------------------------------------------------------------------

/**
 * The schema of the field at `path` (object keys; array indices are skipped), for strategic merge
 * patch: `patchStrategy`, `patchMergeKey`, `listType`, `listMapKeys`.
 */
export function fieldAt(info: ResourceInfo, path: string[]): FieldSchema | undefined {
  let t = rootType(info);
  let f: FieldSchema | undefined;
  for (const key of path) {
    if (!t) return undefined;
    f = t.properties[key];
    if (!f) return undefined;
    let g: FieldSchema = f;
    while (g.type === 'array' || g.type === 'map') g = (g.type === 'array' ? g.items : g.values) as FieldSchema;
    t = typeOf(g);
  }
  return f;
}

export { fullTypeName };
