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

/** PathElement.Compare: fields < keys < values < indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  const order = { field: 0, key: 1, value: 2, index: 3 };
  if (a.kind !== b.kind) return order[a.kind] < order[b.kind] ? -1 : 1;
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

/** The FieldsV1 member name of a path element: `f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`. */
export function serializePE(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([n, v]) => `${goJSON(n)}:${goJSON(v)}`).join(',')}}`;
    case 'value':
      return `v:${goJSON(pe.value)}`;
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
 * Operations return new sets; `insert` mutates.
 */
export class FieldSet {
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, { pe: PathElement; set: FieldSet }>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let cur: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i] as PathElement;
      const k = serializePE(pe);
      let child = cur.children.get(k);
      if (!child) {
        child = { pe, set: new FieldSet() };
        cur.children.set(k, child);
      }
      cur = child.set;
    }
    const last = path[path.length - 1] as PathElement;
    cur.members.set(serializePE(last), last);
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
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      out.children.set(k, { pe: c.pe, set: oc ? c.set.union(oc.set) : c.set });
    }
    for (const [k, c] of o.children) if (!out.children.has(k)) out.children.set(k, c);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (!oc) continue;
      const s = c.set.intersection(oc.set);
      if (!s.isEmpty()) out.children.set(k, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Set.Difference: members of `o` go, and o's subtrees are subtracted from children. */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (!oc) {
        out.children.set(k, c);
        continue;
      }
      const s = c.set.difference(oc.set);
      if (!s.isEmpty()) out.children.set(k, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Set.RecursiveDifference: a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const oc = o.children.get(k);
      if (!oc) {
        out.children.set(k, c);
        continue;
      }
      const s = c.set.recursiveDifference(oc.set);
      if (!s.isEmpty()) out.children.set(k, { pe: c.pe, set: s });
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
    const keys = new Map<string, PathElement>();
    for (const [k, pe] of this.members) keys.set(k, pe);
    for (const [k, c] of this.children) keys.set(k, c.pe);
    for (const [k] of [...keys].sort((a, b) => comparePE(a[1], b[1]))) {
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
      const pe = deserializePE(k);
      const key = serializePE(pe);
      const isObj = isObject(sub);
      if (!isObj || Object.keys(sub).length === 0 || '.' in sub) s.members.set(key, pe);
      if (isObj) {
        const child = FieldSet.fromFieldsV1(sub);
        if (!child.isEmpty()) s.children.set(key, { pe, set: child });
      }
    }
    return s;
  }
}
