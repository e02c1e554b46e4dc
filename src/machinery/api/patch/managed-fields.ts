/**
 * managedFields and server-side apply, as kube-apiserver's field manager does them
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager and
 * apimachinery/pkg/util/managedfields/internal, over sigs.k8s.io/structured-merge-diff/v4
 * merge/update.go). The managers are layered as upstream layers them:
 *
 *   versionCheck → lastAppliedUpdater → lastAppliedManager → capManagers → buildManagerInfo →
 *   managedFieldsUpdater → stripMeta → structuredMerge
 *
 *  - structuredMerge: Apply merges the configuration, prunes what the applier owned last time and
 *    no longer applies (unless someone else owns it), and reports conflicts with other managers;
 *    Update gives the writer the fields it added or changed and takes them from everyone else.
 *  - stripMeta: apiVersion, kind and server-set metadata are nobody's.
 *  - managedFieldsUpdater: the entry's time moves when the manager's write changed something.
 *  - capManagers: past 10 Update entries the oldest are folded into `ancient-changes`.
 *  - lastAppliedManager / lastAppliedUpdater: `kubectl apply --server-side` (manager "kubectl")
 *    takes over fields from client-side apply when they still match the last-applied annotation,
 *    and keeps that annotation in step.
 *
 * The status (or, through /status, the spec) is reset by the registry strategies, so it is left
 * out of the sets (GetResetFields). Simplified: one version per resource, so no conversion; the
 * status subresource resets only `spec`.
 */
import { groupVersion, lookupKind } from '../resources.ts';
import { formatRFC3339, parseRFC3339 } from '../time.ts';
import type { KObject, ManagedFieldsEntry, ResourceInfo } from '../types.ts';
import { badRequest, PatchError, serverError } from './errors.ts';
import { FieldSet, fieldPE, type Path, pathString } from './fieldpath.ts';
import { clone, deepEqual, goJSON, goQuote, isObject, type JsonObject } from './json.ts';
import { type StructNode, schemaFor, zeroValue } from './schema.ts';
import {
  type Comparison,
  compare,
  ensureNamedFieldsAreMembers,
  excludeFields,
  merge,
  removeItems,
  toFieldSet,
} from './typed.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** DefaultMaxUpdateManagers. */
const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';
const CURRENT_OPERATION = 'current-operation';
/** validation.FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

interface ManagerInfo {
  manager: string;
  operation: string;
  apiVersion?: string;
  subresource?: string;
}

/**
 * Memoises a pure function of a string in a bounded map: every write asks the same few questions
 * (the same managers, the same timestamps), and the answers are immutable.
 */
function memo<T>(fn: (key: string) => T, limit = 4096): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined && !cache.has(key)) {
      v = fn(key);
      if (cache.size >= limit) cache.clear();
      cache.set(key, v);
    }
    return v as T;
  };
}

const identifierOf = memo((k: string) => {
  const [manager, operation, apiVersion, subresource] = k.split('\u0000') as [string, string, string, string];
  return buildManagerIdentifier({
    manager,
    operation,
    apiVersion: apiVersion || undefined,
    subresource: subresource || undefined,
  });
});

/** BuildManagerIdentifier: the entry without time and fields (and without apiVersion for appliers). */
function managerIdentifier(e: ManagerInfo): string {
  const parts = [e.manager, e.operation, e.apiVersion ?? '', e.subresource ?? ''];
  // Only plain strings are memoised (a client's managedFields may hold anything).
  for (const p of parts) if (typeof p !== 'string' || p.includes('\u0000')) return buildManagerIdentifier(e);
  return identifierOf(parts.join('\u0000'));
}

function buildManagerIdentifier(e: ManagerInfo): string {
  const o: Record<string, string> = {};
  if (e.manager) o.manager = e.manager;
  if (e.operation) o.operation = e.operation;
  if (e.operation !== 'Apply' && e.apiVersion) o.apiVersion = e.apiVersion;
  if (e.subresource) o.subresource = e.subresource;
  return JSON.stringify(o);
}

const parseIdentifier: (id: string) => Readonly<ManagerInfo> = memo((id) => Object.freeze(parseIdentifierText(id)));

function parseIdentifierText(id: string): ManagerInfo {
  try {
    const o = JSON.parse(id) as Record<string, string>;
    return {
      manager: o.manager ?? '',
      operation: o.operation ?? '',
      apiVersion: o.apiVersion,
      subresource: o.subresource,
    };
  } catch {
    return { manager: id, operation: '' };
  }
}

/** printManager: `"kubectl-client-side-apply" using apps/v1`, `"kubelet" with subresource "status" using v1`. */
function printManager(id: string): string {
  let o: Record<string, string>;
  try {
    o = JSON.parse(id) as Record<string, string>;
  } catch {
    return goQuote(id);
  }
  let s = goQuote(o.manager ?? '');
  if (o.subresource) s += ` with subresource ${goQuote(o.subresource)}`;
  if (o.operation === 'Update') s += ` using ${o.apiVersion ?? ''}`;
  return s;
}

function decodeManagedFields(entries: unknown): Managed {
  const m: Managed = { fields: new Map(), times: new Map() };
  if (entries === undefined || entries === null) return m;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw, i) => {
    const e = (isObject(raw) ? raw : {}) as Partial<ManagedFieldsEntry>;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (e.fieldsType !== 'FieldsV1') {
      throw new Error(
        e.fieldsType
          ? `invalid fieldsType ${goQuote(String(e.fieldsType))} in managed fields entry ${i}`
          : `missing fieldsType in managed fields entry ${i}`,
      );
    }
    const id = managerIdentifier({
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource,
    });
    m.fields.set(id, {
      set: FieldSet.fromFieldsV1(e.fieldsV1),
      apiVersion: e.apiVersion,
      applied: e.operation === 'Apply',
    });
    m.times.set(id, typeof e.time === 'string' ? e.time : undefined);
  });
  return m;
}

const secondsOf = memo((t: string) => {
  const ms = parseRFC3339(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
});

function seconds(t: string | undefined): number {
  if (!t) return 0;
  return secondsOf(t);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** encodeManagedFields + sortEncodedManagedFields: by operation, time, manager, apiVersion, subresource. */
function encodeManagedFields(m: Managed): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const info = parseIdentifier(id);
    const e = {
      manager: info.manager,
      operation: info.operation as 'Apply' | 'Update',
      apiVersion: vs.apiVersion,
    } as ManagedFieldsEntry;
    const time = m.times.get(id);
    if (time) e.time = time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    out.push(e);
  }
  out.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return out;
}

function copyManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

/** stripMetaManager's paths. */
const STRIP = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((n): Path => [fieldPE('metadata'), fieldPE(n)]),
);

function stripFields(m: Managed, id: string): void {
  const vs = m.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIP);
  if (set.isEmpty()) m.fields.delete(id);
  else m.fields.set(id, { ...vs, set });
}

/** capUpdateManagers: folds the oldest Update entries into `ancient-changes` past the cap. */
function capUpdateManagers(m: Managed): void {
  let count = 0;
  for (const vs of m.fields.values()) if (!vs.applied) count++;
  if (count <= MAX_UPDATE_MANAGERS) return;
  const updaters = [...m.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => seconds(m.times.get(a)) - seconds(m.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i] as string;
    const vs = m.fields.get(id);
    if (!vs) continue;
    const time = m.times.get(id);
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!m.fields.has(bucket)) {
      const s = m.fields.get(first);
      m.fields.delete(first);
      if (s) m.fields.set(bucket, s);
    }
    const b = m.fields.get(bucket);
    m.fields.set(bucket, {
      set: vs.set.union(b?.set ?? new FieldSet()),
      apiVersion: vs.apiVersion,
      applied: vs.applied,
    });
    m.fields.delete(id);
    length--;
    m.times.set(bucket, time);
  }
}

/** GetResetFields of the registry strategies: what the write cannot change, so nobody owns it through it. */
function resetFields(info: ResourceInfo | undefined, subresource: string | undefined): FieldSet {
  if (!info?.subresources.includes('status')) return new FieldSet();
  if (!subresource) return FieldSet.of([fieldPE('status')]);
  if (subresource === 'status') return FieldSet.of([fieldPE('spec')]);
  return new FieldSet();
}

/** A shallow copy without metadata.managedFields (the walks never modify their inputs). */
function withoutManagedFields(obj: KObject): KObject {
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _, ...md } = obj.metadata;
  return { ...obj, metadata: md };
}

const normalizeTime = memo((now: string) => {
  const ms = parseRFC3339(now);
  return Number.isNaN(ms) ? now : formatRFC3339(ms);
}, 64);

/** zeroValue of each kind, built once (the walks only read it). */
const zeroValues = new WeakMap<StructNode, JsonObject>();

function zeroOf(schema: StructNode): JsonObject {
  let z = zeroValues.get(schema);
  if (!z) {
    z = deepFreeze(zeroValue(schema));
    zeroValues.set(schema, z);
  }
  return z;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

// ---- structured merge (merge/update.go) -----------------------------------------------------

interface Conflict {
  manager: string;
  path: Path;
}

class Conflicts extends Error {
  constructor(readonly list: Conflict[]) {
    super('conflicts');
  }
}

function conflictsFromManagers(sets: Map<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const id of [...sets.keys()].sort()) sets.get(id)?.iterate((path) => out.push({ manager: id, path }));
  return out;
}

interface Ctx {
  schema: StructNode;
  version: string;
  ignored: FieldSet;
}

/** Updater.update: other managers lose what changed (or it is a conflict) and what was removed. */
function smdUpdate(
  oldObj: unknown,
  newObj: unknown,
  managers: Map<string, VersionedSet>,
  workflow: string,
  force: boolean,
  ctx: Ctx,
): Comparison {
  const cmp = excludeFields(compare(oldObj, newObj, ctx.schema), ctx.ignored);
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, vs] of managers) {
    if (id === workflow) continue;
    const c = vs.set.intersection(changed);
    if (!c.isEmpty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size > 0) throw new Conflicts(conflictsFromManagers(conflicts));
  for (const [id, vs] of [...managers]) {
    if (id === workflow) continue;
    let set = vs.set;
    const c = conflicts.get(id);
    if (c) set = set.difference(c);
    if (!cmp.removed.isEmpty()) set = set.difference(cmp.removed);
    if (set.isEmpty()) managers.delete(id);
    else managers.set(id, { ...vs, set });
  }
  return cmp;
}

/** Updater.prune: drops what the applier owned last time, no longer applies and nobody else owns. */
function prune(
  merged: unknown,
  managers: Map<string, VersionedSet>,
  lastSet: VersionedSet | undefined,
  ctx: Ctx,
): unknown {
  if (!lastSet || lastSet.set.isEmpty()) return merged;
  const ens = (s: FieldSet) => ensureNamedFieldsAreMembers(s, ctx.schema);
  const set = (v: unknown) => toFieldSet(v, ctx.schema);
  let pruned = removeItems(merged, ens(lastSet.set), ctx.schema) ?? {};
  // addBackOwnedItems
  let managed = new FieldSet();
  for (const vs of managers.values()) managed = managed.union(vs.set);
  pruned = removeItems(merged, ens(set(merged)).difference(ens(set(pruned)).union(ens(managed))), ctx.schema) ?? {};
  // addBackDanglingItems
  const gone = ens(set(merged))
    .difference(ens(set(pruned)))
    .intersection(ens(lastSet.set));
  return removeItems(merged, gone, ctx.schema) ?? {};
}

/** Updater.Apply. Returns undefined as the object when nothing changed. */
function smdApply(
  live: unknown,
  config: unknown,
  managers: Map<string, VersionedSet>,
  manager: string,
  force: boolean,
  ctx: Ctx,
): unknown {
  let newObj: unknown = merge(live, config, ctx.schema) ?? {};
  const lastSet = managers.get(manager);
  const set = toFieldSet(config, ctx.schema).recursiveDifference(ctx.ignored);
  managers.set(manager, { set, apiVersion: ctx.version, applied: true });
  newObj = prune(newObj, managers, lastSet, ctx);
  smdUpdate(live, newObj, managers, manager, force, ctx);
  return deepEqual(live, newObj) ? undefined : newObj;
}

// ---- last-applied (client-side apply hand-over) ---------------------------------------------

function annotationsOf(obj: KObject): Record<string, unknown> | undefined {
  const a = obj.metadata?.annotations;
  return isObject(a) ? a : undefined;
}

function allowedConflictsFromLastApplied(live: KObject, ctx: Ctx): FieldSet | undefined {
  const text = annotationsOf(live)?.[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string' || text === '') return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last) || last.apiVersion !== ctx.version) return undefined;
  const errors: string[] = [];
  const lastSet = toFieldSet(last, ctx.schema, errors);
  if (errors.length) return undefined;
  const cmp = compare(last, live, ctx.schema);
  return lastSet.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

function buildLastApplied(applied: KObject): string {
  const obj = clone(applied);
  const a = annotationsOf(obj);
  if (a) delete a[LAST_APPLIED_ANNOTATION];
  return `${goJSON(obj)}\n`;
}

/** ValidateAnnotationsSize: 256 KiB of keys and values. */
function annotationsSize(a: Record<string, unknown>): number {
  let n = 0;
  for (const [k, v] of Object.entries(a)) n += k.length + String(v).length;
  return n;
}

function setLastApplied(obj: KObject, value: string): void {
  const md = (obj.metadata ??= {});
  const a = (isObject(md.annotations) ? md.annotations : {}) as Record<string, string>;
  a[LAST_APPLIED_ANNOTATION] = value;
  if (annotationsSize(a) > 256 * 1024) delete a[LAST_APPLIED_ANNOTATION];
  md.annotations = a;
}

// ---- public API ------------------------------------------------------------------------------

export interface ApplyOptions {
  /** `?force=true`: take conflicting fields from their managers. */
  force: boolean;
  /** The write's time, RFC 3339 (recorded with seconds precision). */
  now: string;
  /** `status` for `kubectl apply --server-side --subresource=status`. */
  subresource?: string;
}

export interface ApplyConflict {
  /** The field path as upstream prints it: `.spec.replicas`, `.spec.template.spec.containers[name="nginx"].image`. */
  field: string;
  /** The other manager's name. */
  manager: string;
  /** The Status cause's message: `conflict with "kubectl-client-side-apply" using apps/v1`. */
  message: string;
}

export interface ServerSideApplyResult {
  /** The merged object with its new managedFields (the live object, unchanged, on conflict). */
  object: KObject;
  /** Conflicts that stopped the apply (empty on success). */
  conflicts: ApplyConflict[];
  /** The 409 kube-apiserver answers with when there are conflicts. */
  error?: PatchError;
  /** False when the apply changed nothing but managedFields (a no-op apply keeps the entry's time). */
  changed: boolean;
}

function gvkString(apiVersion: string, kind: string): string {
  const i = apiVersion.indexOf('/');
  const g = i < 0 ? '' : apiVersion.slice(0, i);
  const v = i < 0 ? apiVersion : apiVersion.slice(i + 1);
  return `${g}/${v}, Kind=${kind}`;
}

/** NewConflictError: `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`. */
function conflictError(conflicts: Conflict[]): PatchError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0] as Conflict;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const l = byManager.get(c.manager) ?? [];
      l.push(pathString(c.path));
      byManager.set(c.manager, l);
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(id)}:`);
      for (const p of byManager.get(id) ?? []) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new PatchError(message, { code: 409, reason: 'Conflict', causes });
}

/** The manager kube-apiserver records: `?fieldManager=`, else the user agent up to its first `/`. */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  for (const ch of prefix) {
    if (/\p{C}/u.test(ch)) continue;
    if (new TextEncoder().encode(out + ch).length > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`): merges `applied` into `live`
 * (undefined when the object is being created), records `manager`'s Apply entry in managedFields
 * and reports conflicts with other managers. Throws PatchError for a request upstream rejects
 * before merging (wrong apiVersion/kind: 400 `invalid object type: apps/v1, Kind=Foo`;
 * managedFields in the configuration: 400; duplicate list keys in it: 500).
 */
export function serverSideApply(
  info: ResourceInfo,
  live: KObject | undefined,
  applied: KObject,
  manager: string,
  opts: ApplyOptions,
): ServerSideApplyResult {
  const version = groupVersion(info);
  const av = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  const ak = typeof applied.kind === 'string' ? applied.kind : '';
  if (av !== version || ak !== info.kind) throw badRequest(`invalid object type: ${gvkString(av, ak)}`);
  if (applied.metadata?.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const ctx: Ctx = { schema: schemaFor(info.group, info.kind), version, ignored: resetFields(info, opts.subresource) };
  const errors: string[] = [];
  toFieldSet(applied, ctx.schema, errors);
  if (errors.length) {
    const md = applied.metadata ?? {};
    const detail = errors.length === 1 ? (errors[0] as string) : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
    throw serverError(
      `failed to create typed patch object (${md.namespace ?? ''}/${md.name ?? ''}; ${gvkString(av, ak)}): ${detail}`,
    );
  }

  let managed: Managed;
  try {
    managed = decodeManagedFields(live?.metadata?.managedFields);
  } catch (e) {
    throw serverError(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const liveObj: KObject = live ? withoutManagedFields(live) : {};
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Apply', subresource: opts.subresource });
  const now = normalizeTime(opts.now);

  const run = (force: boolean): { object: unknown; managed: Managed } => {
    const m = copyManaged(managed);
    const object = smdApply(liveObj, applied, m.fields, id, force, ctx);
    stripFields(m, id);
    if (object !== undefined) m.times.set(id, now);
    capUpdateManagers(m);
    return { object, managed: m };
  };

  let result: { object: unknown; managed: Managed };
  try {
    result = run(opts.force);
  } catch (e) {
    if (!(e instanceof Conflicts)) throw e;
    let conflicts = e.list;
    if (manager === 'kubectl') {
      const allowed = allowedConflictsFromLastApplied(liveObj, ctx);
      if (allowed) conflicts = conflicts.filter((c) => !allowed.has(c.path));
    }
    if (conflicts.length > 0) {
      const error = conflictError(conflicts);
      return {
        object: live ? clone(live) : {},
        conflicts: conflicts.map((c, i) => ({
          field: pathString(c.path),
          manager: parseIdentifier(c.manager).manager,
          message: error.causes?.[i]?.message ?? '',
        })),
        error,
        changed: false,
      };
    }
    result = run(true);
  }

  const object = clone((result.object === undefined ? liveObj : result.object) as KObject);
  if (manager === 'kubectl' && typeof annotationsOf(object)?.[LAST_APPLIED_ANNOTATION] === 'string') {
    setLastApplied(object, buildLastApplied(applied));
  }
  setManagedFields(object, result.managed);
  return { object, conflicts: [], changed: result.object !== undefined };
}

function setManagedFields(obj: KObject, m: Managed): void {
  const entries = encodeManagedFields(m);
  const md = (obj.metadata ??= {});
  if (entries.length) md.managedFields = entries;
  else delete md.managedFields;
}

/**
 * Records an ordinary write (create, update, non-apply patch) in managedFields, as kube-apiserver's
 * FieldManager.UpdateNoErrors does: `manager` (with operation Update, `apiVersion` and the
 * subresource) gets the fields this write added or changed, every other manager loses them and
 * the fields the write removed. `old` is the stored object (undefined on create: the kind's
 * empty value is diffed instead). Returns a copy of `next` with the new managedFields. The
 * managedFields the client sent are kept when they decode and are not empty (not through a
 * subresource); otherwise the stored object's are used.
 */
export function updateManagedFields(
  old: KObject | undefined,
  next: KObject,
  manager: string,
  operation: 'Update',
  apiVersion: string,
  now: string,
  subresource?: string,
): KObject {
  const kind = typeof next.kind === 'string' ? next.kind : (old?.kind ?? '');
  const info = lookupKind(apiVersion, kind);
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
  const ctx: Ctx = { schema: schemaFor(group, kind), version: apiVersion, ignored: resetFields(info, subresource) };
  const out: KObject = { ...next, metadata: { ...(isObject(next.metadata) ? next.metadata : {}) } };

  let managed: Managed | undefined;
  try {
    if (!subresource) {
      try {
        managed = decodeManagedFields(next.metadata?.managedFields);
      } catch {
        managed = undefined;
      }
    }
    if (!managed || managed.fields.size === 0) managed = decodeManagedFields(old?.metadata?.managedFields);
  } catch {
    // UpdateNoErrors: on failure the object is stored without managedFields.
    delete out.metadata?.managedFields;
    return out;
  }

  const liveObj: JsonObject = old ? withoutManagedFields(old) : zeroOf(ctx.schema);
  const newObj = withoutManagedFields(next);
  const id = managerIdentifier({ manager: manager || 'unknown', operation, apiVersion, subresource });

  // Structured merge Update as "current-operation", then stripMeta, then managedFieldsUpdater.
  const fields = managed.fields;
  const cmp = smdUpdate(liveObj, newObj, fields, CURRENT_OPERATION, true, ctx);
  const current = cmp.modified
    .union(cmp.added)
    .difference(cmp.removed)
    .recursiveDifference(ctx.ignored)
    .difference(STRIP);
  if (!current.isEmpty()) {
    const previous = fields.get(id);
    fields.set(id, { set: previous ? current.union(previous.set) : current, apiVersion, applied: false });
    managed.times.set(id, normalizeTime(now));
  }
  capUpdateManagers(managed);
  setManagedFields(out, managed);
  return out;
}

/** The paths a FieldsV1 object names, as upstream prints them (`.metadata.labels.app`). */
export function fieldsV1Paths(fieldsV1: unknown): string[] {
  return FieldSet.fromFieldsV1(fieldsV1)
    .paths()
    .map((p) => pathString(p));
}
