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
import { FieldSet, fieldPE, keyPE, type Path, type PathElement, serializePE } from './fieldpath.ts';
import { deepEqual, isObject, type JsonObject } from './json.ts';
import { childOf, elemOf, type ListNode, resolveNode, type TypeNode } from './schema.ts';

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
  /** Leaf rule: returns the output value (undefined: absent). */
  leaf(path: Path, lhs: unknown, rhs: unknown): unknown;
  /** After a non-leaf node's children were visited. */
  post(path: Path, lhs: unknown, rhs: unknown): void;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** indexListPathElements: items by path element, in list order; repeated keys keep the first. */
function index(n: ListNode, list: unknown): { order: PathElement[]; items: Map<string, unknown> } {
  const order: PathElement[] = [];
  const items = new Map<string, unknown>();
  if (!Array.isArray(list)) return { order, items };
  list.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = listItemPE(n, i, item);
    } catch {
      return;
    }
    const k = serializePE(pe);
    if (items.has(k)) return;
    items.set(k, item);
    order.push(pe);
  });
  return { order, items };
}

function walk(lhs: unknown, rhs: unknown, node: TypeNode, path: Path, w: Walker): unknown {
  const n = concrete(node, lhs, rhs);
  if (n.k === 'scalar' || n.k === 'deduced') return w.leaf(path, lhs, rhs);
  if ((n.k !== 'list' && n.atomic) || (n.k === 'list' && n.rel === 'atomic') || (isEmpty(lhs) && isEmpty(rhs))) {
    return w.leaf(path, lhs, rhs);
  }
  let out: unknown;
  if (n.k === 'list') out = walkList(n, lhs, rhs, path, w);
  else {
    const L = isObject(lhs) ? lhs : undefined;
    const R = isObject(rhs) ? rhs : undefined;
    const o: JsonObject = {};
    const keys = [...Object.keys(L ?? {}), ...Object.keys(R ?? {}).filter((k) => !L || !(k in L))];
    for (const key of keys) {
      const lv = L?.[key];
      const rv = R?.[key];
      if (lv === undefined && rv === undefined) continue;
      const v = walk(lv, rv, childOf(n, key).t, [...path, fieldPE(key)], w);
      if (v !== undefined) o[key] = v;
    }
    out = Object.keys(o).length > 0 ? o : undefined;
  }
  w.post(path, lhs, rhs);
  return out;
}

/** mergingWalker.visitListItems: the order of the result follows upstream's interleaving. */
function walkList(n: ListNode, lhs: unknown, rhs: unknown, path: Path, w: Walker): unknown {
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
  const item = (pe: PathElement, lc: unknown, rc: unknown) => {
    const v = walk(lc, rc, n.elem, [...path, pe], w);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < l.order.length || ri < r.order.length) {
    if (li < l.order.length && ri < r.order.length) {
      const lk = serializePE(l.order[li] as PathElement);
      const rk = serializePE(r.order[ri] as PathElement);
      if (lk === rk) {
        item(l.order[li] as PathElement, l.items.get(lk), r.items.get(rk));
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
        item(pe, l.items.get(lk), undefined);
        li++;
        continue;
      }
    }
    if (ri < r.order.length) {
      const pe = r.order[ri] as PathElement;
      const rk = serializePE(pe);
      item(pe, l.items.get(rk), r.items.get(rk));
      ri++;
      if (nextShared === rk) advance();
    }
  }
  return out.length > 0 ? out : undefined;
}

/** TypedValue.Merge: `rhs` (an applied configuration) over `lhs`; no field is removed. */
export function merge(lhs: unknown, rhs: unknown, node: TypeNode): unknown {
  return walk(lhs, rhs, node, [], {
    leaf: (_p, l, r) => (r !== undefined ? r : l),
    post: () => {},
  });
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** TypedValue.Compare. */
export function compare(lhs: unknown, rhs: unknown, node: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(lhs, rhs, node, [], {
    leaf: (p, l, r) => {
      if (l === undefined) c.added.insert(p);
      else if (r === undefined) c.removed.insert(p);
      else if (!deepEqual(l, r)) c.modified.insert(p);
      return undefined;
    },
    post: (p, l, r) => {
      if (l === undefined) c.added.insert(p);
      else if (r === undefined) c.removed.insert(p);
    },
  });
  return c;
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
  for (const [k, pe] of set.members) out.members.set(k, pe);
  for (const [k, c] of set.children) {
    let childType: TypeNode;
    if (c.pe.kind === 'field') {
      const ct = childOf(node, c.pe.name);
      childType = ct.t;
      if (ct.named) out.members.set(k, c.pe);
    } else childType = elemOf(node);
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, childType) });
  }
  return out;
}
