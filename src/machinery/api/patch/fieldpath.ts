/**
 * Field paths and field sets as sigs.k8s.io/structured-merge-diff (v4) has them: the path element
 * kinds (`f:` field, `k:` keyed list item, `v:` set item, `i:` index), their total order, the set
 * algebra server-side apply uses, the FieldsV1 wire form of managedFields and the `.spec.replicas`
 * / `[name="nginx"]` text conflicts print. Source: fieldpath/{element,path,set,serialize,
 * serialize-pe}.go and value/{fields,less}.go.
 */
import { goJSON, isObject } from './json.ts';

export type PathElement =
  | { kind: 'field'; name: string }
  | { kind: 'key'; fields: [string, unknown][] }
  | { kind: 'value'; value: unknown }
  | { kind: 'index'; index: number };

export type Path = PathElement[];

export const fieldPE = (name: string): PathElement => ({ kind: 'field', name });

/** A field element and its serialised form (`f:<name>`). */
export interface InternedField {
  pe: PathElement;
  key: string;
}

const interned = new Map<string, InternedField>();

/**
 * The shared element for field `name` (elements are never modified, so the walks, which meet the
 * same few names on every object, can share one instead of building one per visit).
 */
export function internField(name: string): InternedField {
  let f = interned.get(name);
  if (f === undefined) {
    f = { pe: { kind: 'field', name }, key: `f:${name}` };
    if (interned.size < 20_000) interned.set(name, f);
  }
  return f;
}

/** value.Compare: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    typeof v === 'number'
      ? 0
      : typeof v === 'string'
        ? 1
        : typeof v === 'boolean'
          ? 2
          : Array.isArray(v)
            ? 3
            : isObject(v)
              ? 4
              : 5;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const x = ka[i] as string;
      const y = kb[i] as string;
      if (x !== y) return x < y ? -1 : 1;
      const c = compareValues(a[x], b[y]);
      if (c) return c;
    }
    return ka.length < kb.length ? -1 : ka.length > kb.length ? 1 : 0;
  }
  return 0;
}

const PE_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** PathElement.Compare: fields < keys < values < indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return PE_ORDER[a.kind] < PE_ORDER[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field': {
      const bn = (b as { name: string }).name;
      return a.name < bn ? -1 : a.name > bn ? 1 : 0;
    }
    case 'key': {
      const bf = (b as { fields: [string, unknown][] }).fields;
      for (let i = 0; ; i++) {
        if (i >= a.fields.length && i >= bf.length) return 0;
        if (i >= a.fields.length) return -1;
        if (i >= bf.length) return 1;
        const [an, av] = a.fields[i] as [string, unknown];
        const [bn, bv] = bf[i] as [string, unknown];
        if (an !== bn) return an < bn ? -1 : 1;
        const c = compareValues(av, bv);
        if (c) return c;
      }
    }
    case 'value':
      return compareValues(a.value, (b as { value: unknown }).value);
    case 'index': {
      const bi = (b as { index: number }).index;
      return a.index < bi ? -1 : a.index > bi ? 1 : 0;
    }
  }
}

/** Serialised keys and values, by element: the walks meet the same element at every depth below it. */
const serialized = new WeakMap<PathElement, string>();

/** The FieldsV1 member name of a path element: `f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`. */
export function serializePE(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key': {
      let s = serialized.get(pe);
      if (s === undefined) {
        s = `k:{${pe.fields.map(([n, v]) => `${goJSON(n)}:${goJSON(v)}`).join(',')}}`;
        serialized.set(pe, s);
      }
      return s;
    }
    case 'value': {
      let s = serialized.get(pe);
      if (s === undefined) {
        s = `v:${goJSON(pe.value)}`;
        serialized.set(pe, s);
      }
      return s;
    }
    case 'index':
      return `i:${pe.index}`;
  }
}

export function deserializePE(s: string): PathElement {
  if (s.length < 2 || s[1] !== ':') throw new Error(`unknown path element prefix: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { kind: 'field', name: body };
    case 'v':
      return { kind: 'value', value: JSON.parse(body) };
    case 'i':
      return { kind: 'index', index: Number(body) };
    case 'k': {
      const obj = JSON.parse(body) as unknown;
      if (!isObject(obj)) throw new Error(`invalid key path element: ${s}`);
      return keyPE(Object.entries(obj));
    }
    default:
      throw new Error(`unknown path element prefix: ${s}`);
  }
}

/** A keyed list item element; key fields are kept sorted by name, as value.FieldList.Sort does. */
export function keyPE(fields: [string, unknown][]): PathElement {
  return { kind: 'key', fields: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/** value.ToString of a key value. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .map((k) => `${k}=${valueString(v[k])}`)
      .join(',')}}`;
  return String(v);
}

/** PathElement.String: `.name`, `[name="nginx"]`, `[=value]`, `[0]`. */
export function peString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export function pathString(p: Path): string {
  return p.map(peString).join('');
}

/**
 * fieldpath.Set: a tree of members (paths in the set) and children (prefixes of longer paths).
 * Operations return new sets; `insert` mutates, and only sets being built are inserted into, so
 * results share subtrees (and an operation with an empty side returns the other side itself).
 */
export interface FieldSetChild {
  pe: PathElement;
  set: FieldSet;
}

const NO_MEMBERS: ReadonlyMap<string, PathElement> = new Map();
const NO_CHILDREN: ReadonlyMap<string, FieldSetChild> = new Map();

export class FieldSet {
  // Most sets in a walk are small or empty: the maps are made on the first insertion.
  private m: Map<string, PathElement> | undefined;
  private c: Map<string, FieldSetChild> | undefined;

  /** Paths that end here, by serialised element. */
  get members(): ReadonlyMap<string, PathElement> {
    return this.m ?? NO_MEMBERS;
  }

  /** Longer paths, by serialised first element. */
  get children(): ReadonlyMap<string, FieldSetChild> {
    return this.c ?? NO_CHILDREN;
  }

  /** For a set being built: adds a member. */
  setMember(key: string, pe: PathElement): void {
    (this.m ??= new Map()).set(key, pe);
  }

  /** For a set being built: sets the subtree under `key`. */
  setChild(key: string, child: FieldSetChild): void {
    (this.c ??= new Map()).set(key, child);
  }

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  isEmpty(): boolean {
    return (this.m === undefined || this.m.size === 0) && (this.c === undefined || this.c.size === 0);
  }

  insert(path: Path): void {
    this.insertKeyed(path, undefined);
  }

  /** insert, with each element's serialised form already at hand (`keys[i]` is serializePE(path[i])). */
  insertKeyed(path: Path, keys: readonly string[] | undefined): void {
    if (path.length === 0) return;
    let cur: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i] as PathElement;
      const k = keys ? (keys[i] as string) : serializePE(pe);
      let child = cur.children.get(k);
      if (!child) {
        child = { pe, set: new FieldSet() };
        cur.setChild(k, child);
      }
      cur = child.set;
    }
    const last = path[path.length - 1] as PathElement;
    cur.setMember(keys ? (keys[path.length - 1] as string) : serializePE(last), last);
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let cur: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const child = cur.children.get(serializePE(path[i] as PathElement));
      if (!child) return false;
      cur = child.set;
    }
    return cur.members.has(serializePE(path[path.length - 1] as PathElement));
  }

  /** The set of paths below `pe` (empty when none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? new FieldSet();
  }

  union(o: FieldSet): FieldSet {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.setMember(k, pe);
    for (const [k, pe] of o.members) out.setMember(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      out.setChild(k, { pe: c.pe, set: oc ? c.set.union(oc.set) : c.set });
    }
    for (const [k, c] of o.children) if (!out.children.has(k)) out.setChild(k, c);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    if (this.isEmpty()) return this;
    if (o.isEmpty()) return o;
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.setMember(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (!oc) continue;
      const s = c.set.intersection(oc.set);
      if (!s.isEmpty()) out.setChild(k, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Set.Difference: members of `o` go, and o's subtrees are subtracted from children. */
  difference(o: FieldSet): FieldSet {
    if (this.isEmpty() || o.isEmpty()) return this;
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.setMember(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (!oc) {
        out.setChild(k, c);
        continue;
      }
      const s = c.set.difference(oc.set);
      if (!s.isEmpty()) out.setChild(k, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Set.RecursiveDifference: a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    if (this.isEmpty() || o.isEmpty()) return this;
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.setMember(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const oc = o.children.get(k);
      if (!oc) {
        out.setChild(k, c);
        continue;
      }
      const s = c.set.recursiveDifference(oc.set);
      if (!s.isEmpty()) out.setChild(k, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Set.Iterate: at each level the members in order, then each child's paths. */
  iterate(fn: (p: Path) => void, prefix: Path = []): void {
    for (const pe of [...this.members.values()].sort(comparePE)) fn([...prefix, pe]);
    for (const c of [...this.children.values()].sort((a, b) => comparePE(a.pe, b.pe)))
      c.set.iterate(fn, [...prefix, c.pe]);
  }

  paths(): Path[] {
    const out: Path[] = [];
    this.iterate((p) => out.push(p));
    return out;
  }

  /** The FieldsV1 JSON object (`{"f:spec":{"f:replicas":{}}}`), members in upstream's order. */
  toFieldsV1(): Record<string, unknown> {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (includeSelf) out['.'] = {};
    const keys: [string, PathElement][] = [];
    let fieldsOnly = true;
    for (const [k, pe] of this.members) {
      keys.push([k, pe]);
      if (pe.kind !== 'field') fieldsOnly = false;
    }
    for (const [k, c] of this.children) {
      if (this.members.has(k)) continue;
      keys.push([k, c.pe]);
      if (c.pe.kind !== 'field') fieldsOnly = false;
    }
    // Field members are `f:<name>`, so their text order is comparePE's order.
    if (fieldsOnly) keys.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    else keys.sort((a, b) => comparePE(a[1], b[1]));
    for (const [k] of keys) {
      const child = this.children.get(k);
      out[k] = child ? child.set.emit(this.members.has(k)) : {};
    }
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (!isObject(v)) return s;
    for (const [k, sub] of Object.entries(v)) {
      if (k === '.') continue;
      // A field member's name is already in serialised form; other kinds are normalised.
      const field = k.length >= 2 && k.charCodeAt(0) === 102 && k.charCodeAt(1) === 58; // 'f:'
      const pe: PathElement = field ? internField(k.slice(2)).pe : deserializePE(k);
      const key = field ? k : serializePE(pe);
      const isObj = isObject(sub);
      if (!isObj || Object.keys(sub).length === 0 || '.' in sub) s.setMember(key, pe);
      if (isObj) {
        const child = FieldSet.fromFieldsV1(sub);
        if (!child.isEmpty()) s.setChild(key, { pe, set: child });
      }
    }
    return s;
  }
}
