/**
 * Client-side strategic merge patches, as kubectl computes them (apimachinery
 * `util/strategicpatch`): the patch strategy and merge key of each list come from the built-in
 * types' struct tags (`patchStrategy:"merge" patchMergeKey:"name"`), lists merged by key get a
 * `$setElementOrder/<list>` directive, removed items a `{"$patch":"delete", key}` entry, removed
 * fields `null`, and fields with the `retainKeys` strategy a `$retainKeys` list.
 *
 * CreateThreeWayMergePatch(original, modified, current): the changes from current to modified
 * (ignoring deletions) merged with the deletions from original (last-applied) to modified.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON values.
type Any = any;

interface ListMeta {
  key?: string;
  retainKeys?: boolean;
  /** The struct type of the elements (for nested lookups). */
  type?: string;
}

interface TypeMeta {
  /** Nested struct fields: field → type name. */
  fields?: Record<string, string>;
  /** Lists with the merge strategy. */
  lists?: Record<string, ListMeta>;
  /** Fields whose struct has patchStrategy retainKeys. */
  retainKeys?: string[];
  /** Fields with patchStrategy replace. */
  replace?: string[];
}

const OBJECT_META: TypeMeta = { lists: { finalizers: {}, ownerReferences: { key: 'uid' } } };
const CONTAINER: TypeMeta = {
  lists: {
    ports: { key: 'containerPort' },
    env: { key: 'name' },
    volumeMounts: { key: 'mountPath' },
    volumeDevices: { key: 'devicePath' },
  },
};
const POD_SPEC: TypeMeta = {
  lists: {
    containers: { key: 'name', type: 'Container' },
    initContainers: { key: 'name', type: 'Container' },
    ephemeralContainers: { key: 'name', type: 'Container' },
    volumes: { key: 'name', retainKeys: true },
    imagePullSecrets: { key: 'name' },
    hostAliases: { key: 'ip' },
    topologySpreadConstraints: { key: 'topologyKey' },
    schedulingGates: { key: 'name' },
    resourceClaims: { key: 'name', retainKeys: true },
  },
};
const POD_TEMPLATE_SPEC: TypeMeta = { fields: { metadata: 'ObjectMeta', spec: 'PodSpec' } };
const CONDITIONS: TypeMeta = { lists: { conditions: { key: 'type' } } };

const TYPES: Record<string, TypeMeta> = {
  ObjectMeta: OBJECT_META,
  Container: CONTAINER,
  PodSpec: POD_SPEC,
  PodTemplateSpec: POD_TEMPLATE_SPEC,
  PodStatus: { lists: { conditions: { key: 'type' }, podIPs: { key: 'ip' } } },
  Conditions: CONDITIONS,
  DeploymentSpec: { fields: { template: 'PodTemplateSpec' }, retainKeys: ['strategy'] },
  ReplicaSetSpec: { fields: { template: 'PodTemplateSpec' } },
  DaemonSetSpec: { fields: { template: 'PodTemplateSpec' } },
  StatefulSetSpec: { fields: { template: 'PodTemplateSpec' } },
  JobSpec: { fields: { template: 'PodTemplateSpec' } },
  JobTemplateSpec: { fields: { metadata: 'ObjectMeta', spec: 'JobSpec' } },
  CronJobSpec: { fields: { jobTemplate: 'JobTemplateSpec' } },
  ServiceSpec: { lists: { ports: { key: 'port' } } },
  NodeStatus: { lists: { conditions: { key: 'type' }, addresses: { key: 'type' } } },
  Root: { fields: { metadata: 'ObjectMeta' } },
};

const ROOTS: Record<string, Record<string, string>> = {
  Pod: { spec: 'PodSpec', status: 'PodStatus' },
  PodTemplate: { template: 'PodTemplateSpec' },
  Deployment: { spec: 'DeploymentSpec', status: 'Conditions' },
  ReplicaSet: { spec: 'ReplicaSetSpec', status: 'Conditions' },
  DaemonSet: { spec: 'DaemonSetSpec', status: 'Conditions' },
  StatefulSet: { spec: 'StatefulSetSpec', status: 'Conditions' },
  Job: { spec: 'JobSpec', status: 'Conditions' },
  CronJob: { spec: 'CronJobSpec' },
  Service: { spec: 'ServiceSpec', status: 'Conditions' },
  Node: { status: 'NodeStatus' },
  Namespace: { status: 'Conditions' },
  ServiceAccount: {},
};

/** The patch schema of a built-in kind (or a plain JSON merge for an unknown one). */
export class PatchMeta {
  constructor(private readonly t: TypeMeta) {}

  static forKind(kind: string | undefined): PatchMeta {
    const extra = ROOTS[kind ?? ''] ?? {};
    return new PatchMeta({ fields: { metadata: 'ObjectMeta', ...extra } });
  }

  static of(type: string | undefined): PatchMeta {
    return new PatchMeta((type && TYPES[type]) || {});
  }

  field(key: string): PatchMeta {
    const type = this.t.fields?.[key];
    return PatchMeta.of(type);
  }

  list(key: string): ListMeta | undefined {
    return this.t.lists?.[key];
  }

  retainKeys(key: string): boolean {
    return this.t.retainKeys?.includes(key) ?? false;
  }

  elements(key: string): PatchMeta {
    return PatchMeta.of(this.t.lists?.[key]?.type);
  }
}

interface DiffOptions {
  ignoreDeletions: boolean;
  ignoreChangesAndAdditions: boolean;
  setElementOrder: boolean;
  buildRetainKeys?: boolean;
}

function isMap(v: unknown): v is Record<string, Any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  // json.Unmarshal into interface{} makes every number a float64.
  if (typeof v === 'number') return 'float64';
  return typeof v;
}

/** Go's %v of a merge key value, for ordering. */
function keyString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

function sortByKey(list: Any[], key: string): Any[] {
  return [...list].sort((a, b) => {
    const x = keyString(a?.[key]);
    const y = keyString(b?.[key]);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function diffMaps(
  original: Record<string, Any>,
  modified: Record<string, Any>,
  meta: PatchMeta,
  opt: DiffOptions,
): Record<string, Any> {
  const patch: Record<string, Any> = {};
  const retainKeys: string[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (opt.buildRetainKeys && modifiedValue !== null && modifiedValue !== undefined) retainKeys.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!opt.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (kindOf(originalValue) !== kindOf(modifiedValue)) {
      if (!opt.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isMap(originalValue)) {
      const sub = meta.field(key);
      const childOpt = { ...opt, buildRetainKeys: meta.retainKeys(key) };
      const p = diffMaps(originalValue, modifiedValue, sub, childOpt);
      if (Object.keys(p).length > 0) patch[key] = p;
    } else if (Array.isArray(originalValue)) {
      const lm = meta.list(key);
      if (lm) {
        const [add, del, order] = diffLists(originalValue, modifiedValue, meta.elements(key), lm, {
          ...opt,
          buildRetainKeys: lm.retainKeys ?? false,
        });
        if (add.length > 0) patch[key] = add;
        if (del.length > 0) patch[`$deleteFromPrimitiveList/${key}`] = del;
        if (order.length > 0) patch[`$setElementOrder/${key}`] = order;
      } else if (!opt.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
    } else if (!opt.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
  }
  if (!opt.ignoreDeletions)
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  if (
    retainKeys.length > 0 &&
    (Object.keys(patch).length > 0 || Object.keys(original).some((k) => !Object.hasOwn(modified, k)))
  ) {
    patch.$retainKeys = [...retainKeys].sort();
  }
  return patch;
}

/** Position of an item in a list, comparing merge key values (or scalars) with Go's `==`. */
function goIndex(list: Any[], item: Any, key: string | undefined): number {
  const val = (x: Any) => (key ? (isMap(x) ? x[key] : undefined) : x);
  const want = val(item);
  return list.findIndex((x) => val(x) === want);
}

/**
 * normalizeSliceOrder: delete directives go last; the rest is put in `order`'s order with Go's
 * sort.SliceStable (an insertion sort for short lists) and upstream's comparator, which calls an
 * item "less" whenever either side is missing from `order`.
 */
function normalizeSliceOrder(toSort: Any[], order: Any[], key: string | undefined): Any[] {
  const keep = key ? toSort.filter((x) => !(isMap(x) && x.$patch === 'delete')) : [...toSort];
  const dels = key ? toSort.filter((x) => isMap(x) && x.$patch === 'delete') : [];
  const less = (a: Any, b: Any) => {
    const ia = goIndex(order, a, key);
    if (ia >= 0) {
      const ib = goIndex(order, b, key);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  for (let i = 1; i < keep.length; i++) {
    for (let j = i; j > 0 && less(keep[j], keep[j - 1]); j--) [keep[j], keep[j - 1]] = [keep[j - 1], keep[j]];
  }
  return [...keep, ...dels];
}

/** mergeSortedSlice: interleaves server-only items with patch items by their order on the server. */
function mergeSortedSlice(left: Any[], right: Any[], serverOrder: Any[], key: string | undefined): Any[] {
  const out: Any[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = goIndex(serverOrder, left[i], key);
      const ri = goIndex(serverOrder, right[j], key);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: Any[],
  serverOnly: Any[],
  patchOrder: Any[],
  serverOrder: Any[],
  key: string | undefined,
): Any[] {
  return mergeSortedSlice(
    normalizeSliceOrder(serverOnly, serverOrder, key),
    normalizeSliceOrder(patch, patchOrder, key),
    serverOrder,
    key,
  );
}

/** Splits `items` into those present in `by` (by merge key or value) and the rest. */
function partition(items: Any[], by: Any[], key: string | undefined): [Any[], Any[]] {
  const inPatch: Any[] = [];
  const serverOnly: Any[] = [];
  for (const v of items) (goIndex(by, v, key) >= 0 ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

/** deduplicateScalars, including the way it reorders (a duplicate is replaced by the last item). */
function dedupeScalars(list: Any[]): Any[] {
  const s = [...list];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function diffLists(
  original: Any[],
  modified: Any[],
  meta: PatchMeta,
  lm: ListMeta,
  opt: DiffOptions,
): [Any[], Any[], Any[]] {
  if (original.length === 0) {
    if (modified.length === 0 || opt.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const sample = original[0] ?? modified[0];
  if (isMap(sample) && lm.key) {
    const key = lm.key;
    const patch: Any[] = [];
    const deletions: Any[] = [];
    const os = sortByKey(original, key);
    const ms = sortByKey(modified, key);
    let i = 0;
    let j = 0;
    while (i < os.length || j < ms.length) {
      const o = os[i];
      const m = ms[j];
      const ok = i < os.length ? keyString(o?.[key]) : undefined;
      const mk = j < ms.length ? keyString(m?.[key]) : undefined;
      if (ok !== undefined && mk !== undefined && ok === mk) {
        const p = diffMaps(o, m, meta, opt);
        if (Object.keys(p).length > 0) {
          p[key] = m[key];
          patch.push(p);
        }
        i++;
        j++;
      } else if (ok === undefined || (mk !== undefined && ok > mk)) {
        if (!opt.ignoreChangesAndAdditions) patch.push(m);
        j++;
      } else {
        if (!opt.ignoreDeletions) deletions.push({ $patch: 'delete', [key]: o[key] });
        i++;
      }
    }
    const normalized = normalizeSliceOrder(patch, modified, key);
    const orderSame =
      original.length === modified.length && modified.every((m, idx) => deepEqual(original[idx]?.[key], m?.[key]));
    const full = [...normalized, ...deletions];
    let order: Any[] = [];
    if (
      opt.setElementOrder &&
      ((!opt.ignoreChangesAndAdditions && (full.length > 0 || !orderSame)) || (!opt.ignoreDeletions && full.length > 0))
    ) {
      order = modified.map((m) => ({ [key]: m?.[key] }));
    }
    return [full, [], order];
  }
  // Scalars (e.g. finalizers).
  const adds = opt.ignoreChangesAndAdditions ? [] : modified.filter((m) => !original.some((o) => deepEqual(o, m)));
  const sorted = [...original].sort((a, b) => (keyString(a) < keyString(b) ? -1 : keyString(a) > keyString(b) ? 1 : 0));
  const dels = opt.ignoreDeletions ? [] : dedupeScalars(sorted.filter((o) => !modified.some((m) => deepEqual(o, m))));
  let order: Any[] = [];
  if (
    opt.setElementOrder &&
    ((!opt.ignoreDeletions && dels.length > 0) || (!opt.ignoreChangesAndAdditions && !deepEqual(original, modified)))
  )
    order = modified;
  return [normalizeSliceOrder(adds, modified, undefined), dels, order];
}

/**
 * mergeMap with MergeParallelList=false and IgnoreUnmatchedNulls=false: how
 * CreateThreeWayMergePatch folds the changes patch into the deletions patch.
 */
function mergeMap(original: Record<string, Any>, patch: Record<string, Any>, meta: PatchMeta): Record<string, Any> {
  if (Object.hasOwn(patch, '$patch')) {
    if (patch.$patch === 'replace') {
      const { $patch: _, ...rest } = patch;
      return rest;
    }
    return {};
  }
  const out: Record<string, Any> = { ...original };
  const rest: Record<string, Any> = { ...patch };
  if (Object.hasOwn(rest, '$retainKeys')) {
    if (!Object.hasOwn(out, '$retainKeys')) out.$retainKeys = rest.$retainKeys;
    delete rest.$retainKeys;
  }
  for (const k of Object.keys(rest)) {
    if (!k.startsWith('$setElementOrder/')) continue;
    const order: Any[] = rest[k];
    if (!Object.hasOwn(out, k)) out[k] = order;
    delete rest[k];
    const field = k.slice('$setElementOrder/'.length);
    const lm = meta.list(field);
    const inOrig = Array.isArray(out[field]);
    const inPatch = Array.isArray(rest[field]);
    if (!inOrig && !inPatch) continue;
    const orig: Any[] = inOrig ? out[field] : [];
    let merged: Any[];
    if (inOrig && inPatch) merged = lm ? mergeSlice(orig, rest[field], lm, meta.elements(field)) : rest[field];
    else merged = inOrig ? orig : rest[field];
    const [inP, serverOnly] = partition(merged, order, lm?.key);
    out[field] = normalizeElementOrder(inP, serverOnly, order, orig, lm?.key);
    delete rest[field];
  }
  for (const [k, v] of Object.entries(rest)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      out[k] = v;
      continue;
    }
    const prev = out[k];
    if (v === null || !Object.hasOwn(out, k) || kindOf(prev) !== kindOf(v)) out[k] = v;
    else if (isMap(prev)) out[k] = mergeMap(prev, v, meta.field(k));
    else if (Array.isArray(prev)) {
      const lm = meta.list(k);
      out[k] = lm ? mergeSlice(prev, v, lm, meta.elements(k)) : v;
    } else out[k] = v;
  }
  return out;
}

function mergeSlice(original: Any[], patch: Any[], lm: ListMeta, elements: PatchMeta): Any[] {
  if (original.length === 0 && patch.length === 0) return original;
  const key = lm.key;
  const sample = original[0] ?? patch[0];
  let orig = original;
  let items = patch;
  let merged: Any[];
  if (!isMap(sample)) merged = dedupeScalars([...original, ...patch]);
  else {
    if (!key) return patch;
    const plain: Any[] = [];
    let replace = false;
    for (const v of patch) {
      if (!isMap(v) || !Object.hasOwn(v, '$patch')) plain.push(v);
      else if (v.$patch === 'delete') orig = orig.filter((o) => !(isMap(o) && o[key] === v[key]));
      else if (v.$patch === 'replace') replace = true;
    }
    if (replace) {
      orig = plain;
      items = [];
    } else items = plain;
    merged = [...orig];
    for (const v of items) {
      const idx = merged.findIndex((o) => isMap(o) && Object.hasOwn(o, key) && o[key] === v[key]);
      if (idx >= 0) merged[idx] = mergeMap(merged[idx], v, elements);
      else merged.push(v);
    }
  }
  const k = isMap(sample) ? key : undefined;
  const [inP, serverOnly] = partition(merged, items, k);
  return normalizeElementOrder(inP, serverOnly, items, orig, k);
}

/** CreateTwoWayMergePatch(original, modified): everything that changed, including deletions. */
export function createTwoWayMergePatch(original: Any, modified: Any, meta: PatchMeta): Record<string, Any> {
  return diffMaps(original ?? {}, modified ?? {}, meta, {
    ignoreDeletions: false,
    ignoreChangesAndAdditions: false,
    setElementOrder: true,
  });
}

/** CreateThreeWayMergePatch(original, modified, current). */
export function createThreeWayMergePatch(
  original: Any,
  modified: Any,
  current: Any,
  meta: PatchMeta,
): Record<string, Any> {
  const delta = diffMaps(current ?? {}, modified ?? {}, meta, {
    ignoreDeletions: true,
    ignoreChangesAndAdditions: false,
    setElementOrder: true,
  });
  const deletions = diffMaps(original ?? {}, modified ?? {}, meta, {
    ignoreDeletions: false,
    ignoreChangesAndAdditions: true,
    setElementOrder: true,
  });
  return mergeMap(deletions, delta, meta);
}
