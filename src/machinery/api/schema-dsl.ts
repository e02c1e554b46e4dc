/** The small language the schema tables are written in (see schema.ts). */

export interface GVK {
  group: string;
  kind: string;
  version: string;
}

export interface FieldSchema {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'ref' | 'array' | 'map' | 'any';
  /** int32, int64, double, byte, date-time … */
  format?: string;
  /** For `ref`: the full OpenAPI name of the type. */
  ref?: string;
  /** For `array`: the element. */
  items?: FieldSchema;
  /** For `map`: the value (keys are strings). */
  values?: FieldSchema;
  description?: string;
  enum?: string[];
  required?: boolean;
  /** OpenAPI `default`. */
  default?: unknown;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
  /** Byte strings (Secret data) are base64 in JSON. */
  byteString?: boolean;
}

export interface TypeSchema {
  /** OpenAPI name, `io.k8s.api.core.v1.Pod`. */
  name: string;
  /** Go type name (`Pod`) and the package name Go prints it with (`v1`). */
  goName: string;
  goPackage: string;
  description: string;
  properties: Record<string, FieldSchema>;
  /** Types with their own JSON form (Time, Quantity, IntOrString, ...): the OpenAPI v2/v3 schema. */
  primitiveV2?: Record<string, unknown>;
  primitiveV3?: Record<string, unknown>;
  /** Decode check for primitive types: returns Go's error text or undefined. */
  scalar?: (v: unknown, struct: string, path: string) => string | undefined;
  /** Free-form content: no unknown-field checks inside. */
  open?: boolean;
  mapType?: 'atomic' | 'granular';
  /** Set for top-level kinds (and their lists). */
  gvk?: GVK[];
}

const PREFIX: Record<string, string> = {
  core: 'io.k8s.api.core.v1',
  apps: 'io.k8s.api.apps.v1',
  batch: 'io.k8s.api.batch.v1',
  coordination: 'io.k8s.api.coordination.v1',
  discovery: 'io.k8s.api.discovery.v1',
  events: 'io.k8s.api.events.v1',
  autoscaling: 'io.k8s.api.autoscaling.v1',
  meta: 'io.k8s.apimachinery.pkg.apis.meta.v1',
  intstr: 'io.k8s.apimachinery.pkg.util.intstr',
  resource: 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
};

/** `core.Pod` → `io.k8s.api.core.v1.Pod`. */
export function fullTypeName(short: string): string {
  const dot = short.indexOf('.');
  const p = PREFIX[short.slice(0, dot)];
  if (!p) throw new Error(`schema: unknown prefix in ${short}`);
  return `${p}.${short.slice(dot + 1)}`;
}

type Opts = Partial<Omit<FieldSchema, 'type'>>;

export const str = (description: string, o: Opts = {}): FieldSchema => ({ type: 'string', description, ...o });
export const enm = (values: string[], description: string, o: Opts = {}): FieldSchema => ({
  type: 'string',
  description,
  enum: values,
  ...o,
});
export const i32 = (description: string, o: Opts = {}): FieldSchema => ({
  type: 'integer',
  format: 'int32',
  description,
  ...o,
});
export const i64 = (description: string, o: Opts = {}): FieldSchema => ({
  type: 'integer',
  format: 'int64',
  description,
  ...o,
});
export const bool = (description: string, o: Opts = {}): FieldSchema => ({ type: 'boolean', description, ...o });
export const num = (description: string, o: Opts = {}): FieldSchema => ({
  type: 'number',
  format: 'double',
  description,
  ...o,
});
export const ref = (short: string, description: string, o: Opts = {}): FieldSchema => ({
  type: 'ref',
  ref: fullTypeName(short),
  description,
  ...o,
});
export const arr = (items: FieldSchema, description: string, o: Opts = {}): FieldSchema => ({
  type: 'array',
  items,
  description,
  ...o,
});
export const map = (values: FieldSchema, description: string, o: Opts = {}): FieldSchema => ({
  type: 'map',
  values,
  description,
  ...o,
});
export const any = (description: string, o: Opts = {}): FieldSchema => ({ type: 'any', description, ...o });

/** Element schemas (no description of their own). */
export const S: FieldSchema = { type: 'string', default: '' };
export const I32: FieldSchema = { type: 'integer', format: 'int32', default: 0 };
export const I64: FieldSchema = { type: 'integer', format: 'int64', default: 0 };
export const R = (short: string): FieldSchema => ({ type: 'ref', ref: fullTypeName(short), default: {} });

/** `[]string` with atomic list semantics (the common case). */
export const strs = (description: string, o: Opts = {}): FieldSchema =>
  arr(S, description, { listType: 'atomic', ...o });
/** `map[string]string`. */
export const strMap = (description: string, o: Opts = {}): FieldSchema => map(S, description, o);
/** A list of structs merged by `key` (patchStrategy merge, listType map). */
export const mergeList = (short: string, key: string, description: string, o: Opts = {}): FieldSchema =>
  arr(R(short), description, { patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key], ...o });
export const atomicList = (short: string, description: string, o: Opts = {}): FieldSchema =>
  arr(R(short), description, { listType: 'atomic', ...o });

export const req = { required: true } as const;

/** Declares a Go struct type. */
export function type(
  short: string,
  description: string,
  properties: Record<string, FieldSchema>,
  extra: Partial<TypeSchema> = {},
): TypeSchema {
  const name = fullTypeName(short);
  const goName = short.slice(short.indexOf('.') + 1);
  const pkg = short.slice(0, short.indexOf('.'));
  const goPackage =
    pkg === 'intstr' ? 'intstr' : pkg === 'resource' ? 'resource' : pkg === 'runtime' ? 'runtime' : 'v1';
  return { name, goName, goPackage, description, properties, ...extra };
}

/** The standard `apiVersion`/`kind`/`metadata` fields of a top-level kind. */
export const API_VERSION = str(
  'The versioned schema of this object. Servers convert recognized schemas to the latest internal value and may reject unrecognized values.',
);
export const KIND = str(
  'The REST resource this object represents, in CamelCase. Servers may infer it from the endpoint the client submits requests to. Cannot be updated.',
);
export const OBJECT_META = ref(
  'meta.ObjectMeta',
  "Standard object's metadata: name, namespace, labels, annotations and system fields.",
  { default: {} },
);
export const LIST_META = ref('meta.ListMeta', "Standard list metadata: the list's resourceVersion and paging token.", {
  default: {},
});

/** Declares a top-level kind with apiVersion, kind and metadata first. */
export function kind(
  short: string,
  description: string,
  properties: Record<string, FieldSchema>,
  extra: Partial<TypeSchema> = {},
): TypeSchema {
  return type(short, description, { apiVersion: API_VERSION, kind: KIND, metadata: OBJECT_META, ...properties }, extra);
}
