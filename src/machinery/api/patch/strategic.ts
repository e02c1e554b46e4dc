/**
 * Strategic merge patch, applied as kube-apiserver applies `application/strategic-merge-patch+json`:
 * a port of the apply half of staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go
 * (StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls), including its list
 * ordering rules, so that `kubectl apply`, `set image`, `rollout restart`, `edit`, `taint` and
 * `patch` give what a real cluster gives.
 *
 * Directives: `$patch: replace|delete|merge` (maps and list items), `$retainKeys`,
 * `$deleteFromPrimitiveList/<list>`, `$setElementOrder/<list>`; a null member deletes.
 *
 * Simplified: upstream decodes the merged map into the Go type, which drops members it does not
 * know (leftover directives) and turns nulls into zero values. Here new list items and replaced
 * lists lose their nulls and directives instead, which is what that decoding gives for the served
 * types.
 */
import type { KObject, ResourceInfo } from '../types.ts';
import {
  badRequest,
  ErrBadPatchFormatForPrimitiveList,
  ErrBadPatchFormatForRetainKeys,
  ErrBadPatchFormatForSetElementOrderList,
  ErrNoListOfLists,
  errBadArgType,
  errBadPatchType,
  errNoMergeKey,
  smpError,
} from './errors.ts';
import { clone, goValue, isObject, type JsonObject } from './json.ts';
import { childOf, elemOf, type SmpTag, schemaFor, type TypeNode } from './schema.ts';

const DIRECTIVE_MARKER = '$patch';
const DELETE_DIRECTIVE = 'delete';
const REPLACE_DIRECTIVE = 'replace';
const MERGE_DIRECTIVE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

/** The Go kind of a decoded JSON value, as reflect.TypeOf distinguishes them. */
function goKind(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** Go's `==` on two interface values holding decoded JSON scalars. */
function goEqual(a: unknown, b: unknown): boolean {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  if (na || nb) return na && nb;
  if (typeof a === 'object' || typeof b === 'object') return false;
  return a === b && goKind(a) === goKind(b);
}

function extractRetainKeysPatchStrategy(tag: SmpTag | undefined): { retainKeys: boolean; strategy: string } {
  const s = tag?.strategies ?? [];
  switch (s.length) {
    case 0:
      return { retainKeys: false, strategy: '' };
    case 1:
      return s[0] === RETAIN_KEYS_STRATEGY
        ? { retainKeys: true, strategy: '' }
        : { retainKeys: false, strategy: s[0] as string };
    case 2:
      if (s[0] === RETAIN_KEYS_STRATEGY) return { retainKeys: true, strategy: s[1] as string };
      if (s[1] === RETAIN_KEYS_STRATEGY) return { retainKeys: true, strategy: s[0] as string };
      break;
  }
  throw smpError(`unexpected patch strategy: [${s.join(' ')}]`);
}

/** removeDirectives: drops maps carrying `$patch` (and, here, leftover `$` members); false when obj itself goes. */
function removeDirectives(obj: unknown): [unknown, boolean] {
  if (isObject(obj)) {
    if (DIRECTIVE_MARKER in obj) return [undefined, false];
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith('$')) {
        delete obj[k];
        continue;
      }
      const [nv, keep] = removeDirectives(v);
      if (keep) obj[k] = nv;
      else delete obj[k];
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: unknown[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

/** discardNullValuesFromPatch: drops null members at every depth. */
function discardNullValues(v: unknown): void {
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNullValues(x);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) discardNullValues(x);
  }
}

/** What the typed decode of a new value leaves: no nulls, no directives. */
function sanitizeNew(v: unknown): [unknown, boolean] {
  discardNullValues(v);
  return removeDirectives(v);
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    removeDirectives(patch);
    return patch;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

function extractKey(s: string, prefix: string): string {
  const idx = s.indexOf('/');
  if (idx < 0 || s.slice(0, idx) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw smpError(ErrBadPatchFormatForPrimitiveList);
    throw smpError(ErrBadPatchFormatForSetElementOrderList);
  }
  return s.slice(idx + 1);
}

function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS_DIRECTIVE in patch)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retain)) throw smpError(ErrBadPatchFormatForRetainKeys);
  const keep = new Set<unknown>(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX))
      continue;
    if (!keep.has(k)) throw smpError(ErrBadPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

// ---- list ordering ------------------------------------------------------------------------

function sliceElementKind(...slices: unknown[][]): string {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const cur = goKind(v);
      if (prev === undefined) {
        prev = cur;
        if (cur === 'slice') throw smpError(ErrNoListOfLists);
      } else if (prev !== cur) {
        throw smpError(`list element types are not identical: ${goValue(slices)}`);
      }
    }
  }
  if (prev === undefined) throw smpError('no elements in any of the given slices');
  return prev;
}

function indexOf(l: unknown[], val: unknown, mergeKey: string, kind: string): number {
  const get = kind === 'map' ? (x: unknown) => (isObject(x) ? x[mergeKey] : undefined) : (x: unknown) => x;
  const want = get(val);
  for (let i = 0; i < l.length; i++) if (goEqual(get(l[i]), want)) return i;
  return -1;
}

/** Go's sort.SliceStable (insertion sort on blocks of 20, then SymMerge), kept for identical results. */
function sliceStable(data: unknown[], less: (i: number, j: number) => boolean): void {
  const swap = (i: number, j: number) => {
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (less(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!less(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!less(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType(MAP_TYPE, item);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(l: unknown[]): [unknown[], unknown[]] {
  const nonDelete: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of l) {
    if (!isObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (DIRECTIVE_MARKER in v && v[DIRECTIVE_MARKER] === DELETE_DIRECTIVE) toDelete.push(v);
    else nonDelete.push(v);
  }
  return [nonDelete, toDelete];
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: string): unknown[] {
  let items = toSort;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, order);
    [items, toDelete] = extractToDeleteItems(items);
  }
  sliceStable(items, (i, j) => {
    const ii = indexOf(order, items[i], mergeKey, kind);
    if (ii >= 0) {
      const ij = indexOf(order, items[j], mergeKey, kind);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return [...items, ...toDelete];
}

function mergeSortedSlice(
  left: unknown[],
  right: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: string,
): unknown[] {
  const less = (l: unknown, r: unknown): [boolean, boolean] => {
    const li = indexOf(serverOrder, l, mergeKey, kind);
    const ri = indexOf(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 ? [li < ri, true] : [false, false];
  };
  const size = left.length + right.length;
  let i = 0;
  let j = 0;
  const s: unknown[] = [];
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) s.push(right[j++]);
    else if (j >= right.length && i < left.length) s.push(left[i++]);
    else {
      const [lt, both] = less(left[i], right[j]);
      if (both && lt) s.push(left[i++]);
      else s.push(right[j++]);
    }
  }
  return s;
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: string,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function findMapInSlice(m: unknown[], key: string, value: unknown): [JsonObject, number] | undefined {
  for (let i = 0; i < m.length; i++) {
    const v = m[i];
    if (!isObject(v)) throw smpError(`value for key ${i} is not a map.`);
    if (key in v && goEqual(v[key], value)) return [v, i];
  }
  return undefined;
}

function partitionPrimitivesByPresentInList(original: unknown[], partitionBy: unknown[]): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) {
    if (partitionBy.some((p) => goEqual(p, v))) patch.push(v);
    else serverOnly.push(v);
  }
  return [patch, serverOnly];
}

function partitionMapsByPresentInList(
  original: unknown[],
  partitionBy: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) {
    if (!isObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    if (findMapInSlice(partitionBy, mergeKey, v[mergeKey])) patch.push(v);
    else serverOnly.push(v);
  }
  return [patch, serverOnly];
}

function partition(merged: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  return mergeKey ? partitionMapsByPresentInList(merged, by, mergeKey) : partitionPrimitivesByPresentInList(merged, by);
}

/** deduplicateScalars, with upstream's swap-with-last removal (the order is fixed up later). */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  return current.filter((v) => !toDelete.some((d) => goEqual(d, v)));
}

// ---- merging --------------------------------------------------------------------------------

function mergeSliceWithSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const without: unknown[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!(DIRECTIVE_MARKER in m)) {
      without.push(v);
      continue;
    }
    const t = m[DIRECTIVE_MARKER];
    if (t === DELETE_DIRECTIVE) {
      if (!(mergeKey in m)) throw errNoMergeKey(m, mergeKey);
      const value = m[mergeKey];
      for (;;) {
        const found = findMapInSlice(orig, mergeKey, value);
        if (!found) break;
        orig = [...orig.slice(0, found[1]), ...orig.slice(found[1] + 1)];
      }
    } else if (t === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (t === MERGE_DIRECTIVE) {
      throw smpError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(t, m);
    }
  }
  if (replace) return [without, []];
  return [orig, without];
}

function mergeSliceWithoutSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  elem: TypeNode,
): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const m = v as JsonObject;
    if (!(mergeKey in m)) throw errNoMergeKey(m, mergeKey);
    const found = findMapInSlice(out, mergeKey, m[mergeKey]);
    if (found) {
      out[found[1]] = mergeMap(found[0], m, elem);
    } else {
      const [nv, keep] = sanitizeNew(m);
      if (keep) out.push(nv);
    }
  }
  return out;
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  elem: TypeNode,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let p = patch;
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey)
      throw smpError(`cannot merge lists without merge key for type ${elem.k === 'map' ? 'map' : 'struct'}`);
    [orig, p] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(orig, p, mergeKey, elem);
  }
  const [patchItems, serverOnly] = partition(merged, p, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, p, orig, mergeKey, kind);
}

function mergeSliceHandler(
  original: unknown,
  patch: unknown,
  listType: TypeNode,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (!Array.isArray(original)) throw errBadArgType(SLICE_TYPE, original);
  if (!Array.isArray(patch)) throw errBadArgType(SLICE_TYPE, patch);
  if (strategy === MERGE_DIRECTIVE) return mergeSlice(original, patch, elemOf(listType), mergeKey, isDeleteList);
  const [v] = sanitizeNew(patch);
  return v as unknown[];
}

function validatePatchWithSetOrderList(patchList: unknown[], setOrderList: unknown[], mergeKey: string): void {
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDelete.length && setOrderIndex < setOrderList.length) {
    const item = nonDelete[patchIndex];
    if (isObject(item) && DIRECTIVE_MARKER in item) {
      patchIndex++;
      continue;
    }
    let equal: boolean;
    const so = setOrderList[setOrderIndex];
    if (!mergeKey) equal = goEqual(item, so);
    else {
      if (!isObject(item)) throw errBadArgType(MAP_TYPE, item);
      if (!isObject(so)) throw errBadArgType(MAP_TYPE, so);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
      if (!(mergeKey in so)) throw errNoMergeKey(so, mergeKey);
      equal = goEqual(item[mergeKey], so[mergeKey]);
    }
    if (equal) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDelete.length && setOrderIndex >= setOrderList.length) {
    throw smpError(
      `The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goValue(setOrderList)}\n`,
    );
  }
}

/** mergePatchIntoOriginal: merges each `$setElementOrder/<list>` with its list and orders the result. */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, schema: TypeNode): void {
  for (const [key, setOrder] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    delete patch[key];
    if (!Array.isArray(setOrder)) throw errBadArgType(SLICE_TYPE, setOrder);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = originalKey in original;
    const foundPatch = originalKey in patch;
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalValue: unknown[] = [];
    let patchValue: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType(SLICE_TYPE, originalList);
      originalValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType(SLICE_TYPE, patchList);
      patchValue = patchList;
    }
    const child = childOf(schema, originalKey);
    const { strategy } = extractRetainKeysPatchStrategy(child.smp);
    const mergeKey = child.smp?.mergeKey ?? '';
    validatePatchWithSetOrderList(patchValue, setOrder, mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalValue;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchValue)[0] as unknown[];
    else if (foundOriginal && foundPatch) {
      merged = mergeSliceHandler([...originalValue], patchValue, child.t, strategy, mergeKey, false);
    } else continue;

    const [patchItems, serverOnly] = partition(merged, setOrder, mergeKey);
    const kind = sliceElementKind(originalValue, patchValue);
    original[originalKey] = normalizeElementOrder(patchItems, serverOnly, setOrder, originalValue, mergeKey, kind);
    delete patch[originalKey];
  }
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: TypeNode): JsonObject {
  if (DIRECTIVE_MARKER in patch) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const [rawKey, patchV] of Object.entries(patch)) {
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[k];
      continue;
    }
    if (!Object.hasOwn(original, k) || goKind(original[k]) !== goKind(patchV)) {
      // Not in the original, or of another type: take the patch value.
      if (!isDeleteList) {
        const [v, keep] = sanitizeNew(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }
    const origV = original[k];
    if (!isObject(origV) && !Array.isArray(origV)) {
      original[k] = patchV;
      continue;
    }
    const child = childOf(schema, k);
    const { strategy } = extractRetainKeysPatchStrategy(child.smp);
    if (isObject(origV)) {
      original[k] =
        strategy === REPLACE_DIRECTIVE
          ? (sanitizeNew(patchV)[0] as JsonObject)
          : mergeMap(origV, patchV as JsonObject, child.t);
    } else {
      original[k] = mergeSliceHandler(origV, patchV, child.t, strategy, child.smp?.mergeKey ?? '', isDeleteList);
    }
  }
  return original;
}

/**
 * StrategicMergeMapPatch against a type tree: `original` and `patch` are not modified. Throws
 * PatchError with the HTTP mapping kube-apiserver gives (400 for malformed directives, 422 for
 * lists of lists, 500 with the bare Go error text otherwise, as in "map: map[image:nginx] does not
 * contain declared merge key: name").
 */
export function strategicMergeMapPatch(original: unknown, patch: unknown, schema: TypeNode): JsonObject {
  const orig = isObject(original) ? clone(original) : {};
  if (patch === null || patch === undefined) return orig;
  if (!isObject(patch)) {
    const kind = Array.isArray(patch)
      ? 'array'
      : typeof patch === 'number'
        ? 'number'
        : typeof patch === 'boolean'
          ? 'bool'
          : 'string';
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  return mergeMap(orig, clone(patch), schema);
}

/** Applies a strategic merge patch to an object of the resource's kind. */
export function strategicMergePatch(info: ResourceInfo, target: KObject, patch: unknown): KObject {
  return strategicMergeMapPatch(target, patch, schemaFor(info.group, info.kind)) as KObject;
}
