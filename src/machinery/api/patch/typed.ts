/**
 * The typed-value walks of sigs.k8s.io/structured-merge-diff (typed/{tofieldset,merge,compare,
 * remove}.go and fieldpath.Set.EnsureNamedFieldsAreMembers), over this package's type trees:
 *
 *  - toFieldSet: every leaf and list item a value sets (the set an applier owns);
 *  - merge: an applied configuration laid over a live object (lists ordered as upstream orders
 *    them);
 *  - compare: added, modified and removed fields between two objects (the set an update owns);
 *  - removeItems: drop the given fields and items.
 *
 * Absent members are `undefined`; JSON null is a present value, as in upstream.
 */
import { FieldSet, fieldPE, internField, keyPE, type Path, type PathElement, serializePE } from './fieldpath.ts';
import { deepEqual, isObject, type JsonObject } from './json.ts';
import { childOf, childType, elemOf, type ListNode, resolveNode, type TypeNode } from './schema.ts';

export class TypedError extends Error {}

/** The path element of a list item: its keys (with defaults), its value for a set, else its index. */
export function listItemPE(t: ListNode, index: number, item: unknown): PathElement {
  if (t.rel === 'set') {
    if (isObject(item) || Array.isArray(item)) throw new TypedError('expected a scalar in a set');
    return { kind: 'value', value: item };
  }
  if (t.rel === 'map' && t.keys.length > 0) {
    if (!isObject(item)) throw new TypedError('associative list with keys may only contain maps');
    const fields: [string, unknown][] = [];
    for (const k of t.keys) {
      if (item[k] !== undefined) fields.push([k, item[k]]);
      else if (k in t.keyDefaults) fields.push([k, t.keyDefaults[k]]);
      else
        throw new TypedError(
          `associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
        );
    }
    return keyPE(fields);
  }
  return { kind: 'index', index };
}

type Shape = 'list' | 'map' | 'scalar';

function shape(v: unknown): Shape | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return 'list';
  if (isObject(v)) return 'map';
  return 'scalar';
}

/** The concrete node to walk two values with (deduced nodes and mismatched values become leaves). */
function concrete(node: TypeNode, lhs: unknown, rhs: unknown): TypeNode {
  const n = resolveNode(node, rhs !== undefined && rhs !== null ? rhs : lhs);
  const want: Shape = n.k === 'list' ? 'list' : n.k === 'struct' || n.k === 'map' ? 'map' : 'scalar';
  const sl = shape(lhs);
  const sr = shape(rhs);
  if ((sl && sl !== want) || (sr && sr !== want)) return resolveNode({ k: 'deduced' }, 0);
  return n;
}

// ---- ToFieldSet -----------------------------------------------------------------------------

function toSet(v: unknown, node: TypeNode, path: Path, set: FieldSet, errors: string[]): void {
  const n = concrete(node, v, undefined);
  if (n.k === 'scalar' || n.k === 'deduced') {
    set.insert(path);
    return;
  }
  if (n.k === 'list') {
    if (n.rel === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(v)) return;
    const seen = new Set<string>();
    v.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = listItemPE(n, i, item);
      } catch (e) {
        errors.push(`${pathText(path)}: element ${i}: ${(e as Error).message}`);
        return;
      }
      const key = serializePE(pe);
      if (seen.has(key)) errors.push(`${pathText(path)}: duplicate entries for key ${peText(pe)}`);
      seen.add(key);
      const p = [...path, pe];
      toSet(item, n.elem, p, set, errors);
      set.insert(p);
    });
    return;
  }
  if (n.atomic) {
    set.insert(path);
    return;
  }
  if (!isObject(v)) return;
  for (const [key, val] of Object.entries(v)) {
    if (val === undefined) continue;
    const c = childOf(n, key);
    const p = [...path, fieldPE(key)];
    toSet(val, c.t, p, set, errors);
    if (!c.named) set.insert(p);
  }
}

function peText(pe: PathElement): string {
  if (pe.kind === 'key') return `[${pe.fields.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
  return serializePE(pe);
}

function pathText(p: Path): string {
  return p.map((pe) => (pe.kind === 'field' ? `.${pe.name}` : peText(pe))).join('');
}

/** TypedValue.ToFieldSet. Duplicate keys and items without their keys are reported in `errors`. */
export function toFieldSet(v: unknown, node: TypeNode, errors: string[] = []): FieldSet {
  const set = new FieldSet();
  toSet(v, node, [], set, errors);
  return set;
}

// ---- merge and compare (the merging walker) -------------------------------------------------

interface Walker {
  /**
   * Leaf rule: returns the output value (undefined: absent). `path` and `keys` (each element's
   * serialised form) are the walk's own stacks: read them during the call, never keep them.
   */
  leaf(path: Path, keys: string[], lhs: unknown, rhs: unknown): unknown;
  /** After a non-leaf node's children were visited. */
  post(path: Path, keys: string[], lhs: unknown, rhs: unknown): void;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) {
    for (const k in v) if (Object.hasOwn(v, k)) return false;
    return true;
  }
  return false;
}

/** indexListPathElements: items by path element, in list order; repeated keys keep the first. */
function index(n: ListNode, list: unknown): { order: PathElement[]; items: Map<string, unknown> } {
  const order: PathElement[] = [];
  const items = new Map<string, unknown>();
  if (!Array.isArray(list)) return { order, items };
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    let pe: PathElement;
    try {
      pe = listItemPE(n, i, item);
    } catch {
      continue;
    }
    const k = serializePE(pe);
    if (items.has(k)) continue;
    items.set(k, item);
    order.push(pe);
  }
  return { order, items };
}

function walk(lhs: unknown, rhs: unknown, node: TypeNode, path: Path, keys: string[], w: Walker): unknown {
  const n = concrete(node, lhs, rhs);
  if (n.k === 'scalar' || n.k === 'deduced') return w.leaf(path, keys, lhs, rhs);
  if ((n.k !== 'list' && n.atomic) || (n.k === 'list' && n.rel === 'atomic') || (isEmpty(lhs) && isEmpty(rhs))) {
    return w.leaf(path, keys, lhs, rhs);
  }
  let out: unknown;
  if (n.k === 'list') out = walkList(n, lhs, rhs, path, keys, w);
  else {
    const L = isObject(lhs) ? lhs : undefined;
    const R = isObject(rhs) ? rhs : undefined;
    let o: JsonObject | undefined;
    // Members of the left side, then those only on the right (`in`: inherited names count as the
    // left side's). Own enumerable members only, in Object.keys order.
    if (L) {
      const lk = Object.keys(L);
      for (let i = 0; i < lk.length; i++) {
        const key = lk[i] as string;
        const v = walkMember(L[key], R?.[key], n, key, path, keys, w);
        if (v !== undefined) (o ??= {})[key] = v;
      }
    }
    if (R) {
      const rk = Object.keys(R);
      for (let i = 0; i < rk.length; i++) {
        const key = rk[i] as string;
        if (L && key in L) continue;
        const v = walkMember(undefined, R[key], n, key, path, keys, w);
        if (v !== undefined) (o ??= {})[key] = v;
      }
    }
    out = o;
  }
  w.post(path, keys, lhs, rhs);
  return out;
}

function walkMember(
  lv: unknown,
  rv: unknown,
  n: TypeNode,
  key: string,
  path: Path,
  keys: string[],
  w: Walker,
): unknown {
  if (lv === undefined && rv === undefined) return undefined;
  const f = internField(key);
  path.push(f.pe);
  keys.push(f.key);
  const v = walk(lv, rv, childType(n, key), path, keys, w);
  path.pop();
  keys.pop();
  return v;
}

/** mergingWalker.visitListItems: the order of the result follows upstream's interleaving. */
function walkList(n: ListNode, lhs: unknown, rhs: unknown, path: Path, keys: string[], w: Walker): unknown {
  const out: unknown[] = [];
  const r = index(n, rhs);
  const l = index(n, lhs);
  const sharedOrder = r.order.filter((pe) => l.items.has(serializePE(pe)));
  let nextShared: string | undefined;
  let sharedIdx = 0;
  const advance = () => {
    const pe = sharedOrder[sharedIdx++];
    nextShared = pe ? serializePE(pe) : undefined;
  };
  advance();
  const item = (pe: PathElement, k: string, lc: unknown, rc: unknown) => {
    path.push(pe);
    keys.push(k);
    const v = walk(lc, rc, n.elem, path, keys, w);
    path.pop();
    keys.pop();
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < l.order.length || ri < r.order.length) {
    if (li < l.order.length && ri < r.order.length) {
      const lk = serializePE(l.order[li] as PathElement);
      const rk = serializePE(r.order[ri] as PathElement);
      if (lk === rk) {
        item(l.order[li] as PathElement, lk, l.items.get(lk), r.items.get(rk));
        li++;
        ri++;
        advance();
        continue;
      }
      if (r.items.has(lk) && nextShared !== undefined && nextShared !== lk) {
        li++;
        continue;
      }
    }
    if (li < l.order.length) {
      const pe = l.order[li] as PathElement;
      const lk = serializePE(pe);
      if (!r.items.has(lk)) {
        item(pe, lk, l.items.get(lk), undefined);
        li++;
        continue;
      }
    }
    if (ri < r.order.length) {
      const pe = r.order[ri] as PathElement;
      const rk = serializePE(pe);
      item(pe, rk, l.items.get(rk), r.items.get(rk));
      ri++;
      if (nextShared === rk) advance();
    }
  }
  return out.length > 0 ? out : undefined;
}

const MERGE: Walker = {
  leaf(_p, _k, l, r) {
    return r !== undefined ? r : l;
  },
  post() {},
};

/** TypedValue.Merge: `rhs` (an applied configuration) over `lhs`; no field is removed. */
export function merge(lhs: unknown, rhs: unknown, node: TypeNode): unknown {
  return walk(lhs, rhs, node, [], [], MERGE);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

class CompareWalker implements Walker {
  readonly c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  leaf(p: Path, k: string[], l: unknown, r: unknown): unknown {
    if (l === undefined) this.c.added.insertKeyed(p, k);
    else if (r === undefined) this.c.removed.insertKeyed(p, k);
    else if (!deepEqual(l, r)) this.c.modified.insertKeyed(p, k);
    return undefined;
  }
  post(p: Path, k: string[], l: unknown, r: unknown): void {
    if (l === undefined) this.c.added.insertKeyed(p, k);
    else if (r === undefined) this.c.removed.insertKeyed(p, k);
  }
}

/** TypedValue.Compare. */
export function compare(lhs: unknown, rhs: unknown, node: TypeNode): Comparison {
  const w = new CompareWalker();
  walk(lhs, rhs, node, [], [], w);
  return w.c;
}

/** Comparison.ExcludeFields. */
export function excludeFields(c: Comparison, ignored: FieldSet): Comparison {
  if (ignored.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

// ---- removeItems ----------------------------------------------------------------------------

/** TypedValue.RemoveItems: the value without the given fields and items (emptied containers go too). */
export function removeItems(v: unknown, set: FieldSet, node: TypeNode): unknown {
  const n = concrete(node, v, undefined);
  if (n.k === 'list') {
    if (!Array.isArray(v) || v.length === 0 || n.rel === 'atomic') return v;
    const out: unknown[] = [];
    v.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = listItemPE(n, i, item);
      } catch {
        out.push(item);
        return;
      }
      if (set.has([pe])) return;
      const sub = set.withPrefix(pe);
      const next = sub.isEmpty() ? item : removeItems(item, sub, n.elem);
      if (next !== undefined) out.push(next);
    });
    return out.length > 0 ? out : undefined;
  }
  if (n.k === 'struct' || n.k === 'map') {
    if (!isObject(v) || Object.keys(v).length === 0 || n.atomic) return v;
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) {
      const pe = fieldPE(k);
      if (set.has([pe])) continue;
      const sub = set.withPrefix(pe);
      const next = sub.isEmpty() ? val : removeItems(val, sub, childOf(n, k).t);
      if (next !== undefined) out[k] = next;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return v;
}

/** Set.EnsureNamedFieldsAreMembers: struct fields with owned children count as owned themselves. */
export function ensureNamedFieldsAreMembers(set: FieldSet, node: TypeNode): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of set.members) out.setMember(k, pe);
  for (const [k, c] of set.children) {
    let childType: TypeNode;
    if (c.pe.kind === 'field') {
      const ct = childOf(node, c.pe.name);
      childType = ct.t;
      if (ct.named) out.setMember(k, c.pe);
    } else childType = elemOf(node);
    out.setChild(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, childType) });
  }
  return out;
}
