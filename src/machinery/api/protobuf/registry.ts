/** The parsed form of the schema table in schema.ts, and kind → message lookup. */
import { API_VERSION_PACKAGES, KINDS, MESSAGES, META_KINDS } from './schema.ts';

export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double' | 'bytes';

/** Message types with a hand-written codec (custom JSON form). */
export type SpecialType =
  | 'meta.Time'
  | 'meta.MicroTime'
  | 'meta.Duration'
  | 'meta.FieldsV1'
  | 'intstr.IntOrString'
  | 'resource.Quantity'
  | 'runtime.RawExtension';

export const SPECIAL_TYPES: ReadonlySet<string> = new Set<SpecialType>([
  'meta.Time',
  'meta.MicroTime',
  'meta.Duration',
  'meta.FieldsV1',
  'intstr.IntOrString',
  'resource.Quantity',
  'runtime.RawExtension',
]);

const SCALARS: ReadonlySet<string> = new Set<ScalarType>([
  'string',
  'bool',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'double',
  'bytes',
]);

export interface FieldSpec {
  num: number;
  /** JSON key; '' for an inline embedded struct. */
  json: string;
  /** A scalar, or a fully qualified message name (`meta.ObjectMeta`). */
  type: string;
  scalar: boolean;
  repeated: boolean;
  map: boolean;
  /** A Go pointer: nil when absent. */
  pointer: boolean;
  /** No omitempty: zero values and nils are printed. */
  always: boolean;
  inline: boolean;
}

export interface MessageSpec {
  name: string;
  /** Go declaration (JSON) order. */
  fields: FieldSpec[];
  /** Field number order (Go's marshal order). */
  byNumberOrder: FieldSpec[];
  byNumber: Map<number, FieldSpec>;
}

const FIELD_RE = /^([A-Za-z0-9_$-]*)=(\d+):([A-Za-z0-9_.]+)((?:\[\]|\{\})?)(\??)(!?)$/;

const parsed = new Map<string, MessageSpec>();

/** Whether `name` is a message of the table (or one with a hand-written codec). */
export function hasMessage(name: string): boolean {
  return name in MESSAGES || SPECIAL_TYPES.has(name);
}

/** The parsed message `name` (`apps.Deployment`); throws for an unknown name. */
export function messageSpec(name: string): MessageSpec {
  const cached = parsed.get(name);
  if (cached) return cached;
  const text = MESSAGES[name];
  if (text === undefined) throw new Error(`protobuf: no message type ${name}`);
  const pkg = name.slice(0, name.indexOf('.'));
  const fields: FieldSpec[] = [];
  for (const token of text.split(/\s+/)) {
    if (!token) continue;
    const m = FIELD_RE.exec(token);
    if (!m) throw new Error(`protobuf schema: bad field ${JSON.stringify(token)} in ${name}`);
    const [, json = '', num = '', rawType = '', coll = '', ptr = '', bang = ''] = m;
    const scalar = SCALARS.has(rawType);
    const type = scalar || rawType.includes('.') ? rawType : `${pkg}.${rawType}`;
    fields.push({
      num: Number(num),
      json,
      type,
      scalar,
      repeated: coll === '[]',
      map: coll === '{}',
      pointer: ptr === '?',
      always: bang === '!',
      inline: json === '',
    });
  }
  const byNumber = new Map(fields.map((f) => [f.num, f]));
  const spec: MessageSpec = {
    name,
    fields,
    byNumberOrder: [...fields].sort((a, b) => a.num - b.num),
    byNumber,
  };
  parsed.set(name, spec);
  return spec;
}

const kindSets = new Map<string, ReadonlySet<string>>();
function kindsOf(pkg: string): ReadonlySet<string> {
  let set = kindSets.get(pkg);
  if (!set) {
    set = new Set((KINDS[pkg] ?? '').split(/\s+/).filter(Boolean));
    kindSets.set(pkg, set);
  }
  return set;
}

/**
 * The message type of the object `{apiVersion, kind}` (`apps/v1`, `Deployment` → `apps.Deployment`),
 * or undefined when the schema does not cover it.
 */
export function messageTypeFor(apiVersion: string, kind: string): string | undefined {
  const pkg = API_VERSION_PACKAGES[apiVersion];
  if (pkg !== undefined && kindsOf(pkg).has(kind)) return `${pkg}.${kind}`;
  if (META_KINDS.includes(kind) || (apiVersion === 'v1' && kind === 'List')) return `meta.${kind}`;
  return undefined;
}

/** Every (apiVersion, kind) the schema covers. */
export function coveredKinds(): { apiVersion: string; kind: string }[] {
  const out: { apiVersion: string; kind: string }[] = [];
  for (const [apiVersion, pkg] of Object.entries(API_VERSION_PACKAGES))
    for (const kind of kindsOf(pkg)) out.push({ apiVersion, kind });
  return out;
}
