/**
 * Shared validation helpers (apimachinery api/validation objectmeta.go and generic.go, core
 * validation's small checks), written as upstream's functions are, returning `FieldError`s with
 * upstream's field paths and details.
 */
import { go, goStringSlice } from './gofmt.ts';
import { validateLabels } from './labels.ts';
import { byteLength, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.ts';
import type { FieldError } from './types.ts';

export type Dict = Record<string, unknown>;
export const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asDict = (v: unknown): Dict => (isDict(v) ? v : {});
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const dicts = (v: unknown): Dict[] => asList(v).map(asDict);
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const has = (o: Dict, k: string): boolean => o[k] !== undefined && o[k] !== null;

export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const IS_NOT_POSITIVE_ERROR_MSG = 'must be greater than zero';
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const invalid = (field: string, badValue: unknown, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  badValue,
  detail,
});
export const forbidden = (field: string, detail: string): FieldError => ({
  type: 'FieldValueForbidden',
  field,
  detail,
});
export const duplicate = (field: string, badValue: unknown): FieldError => ({
  type: 'FieldValueDuplicate',
  field,
  badValue,
});
export const notFound = (field: string, badValue: unknown): FieldError => ({
  type: 'FieldValueNotFound',
  field,
  badValue,
});
export const tooLong = (field: string, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: `may not be more than ${max} bytes`,
});
export const tooMany = (field: string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field,
  badValue: actual,
  detail: `must have at most ${max} item${max === 1 ? '' : 's'}`,
});
/** `field.NotSupported`: the detail lists the valid values, quoted, in the order given. */
export const notSupported = (field: string, badValue: unknown, valid: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  badValue,
  detail: valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : undefined,
});

/** `ValidateNonnegativeField`. */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

/** `ValidateDNS1123Label` / `ValidateDNS1123Subdomain` / `ValidateQualifiedName` on a field. */
export function dns1123Label(value: string, field: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(field, value, m));
}
export function dns1123Subdomain(value: string, field: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(field, value, m));
}
export function qualifiedName(value: string, field: string): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(field, value, m));
}

/**
 * Go's "semantic" equality for JSON values: absent, null, empty lists and empty maps are all the
 * zero value, as are "", 0 and false (nil and empty slices and maps compare equal upstream, and
 * absent scalar fields decode to their zero value).
 */
export function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isDict(v)) return Object.values(v).every(isZero);
  return false;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isDict(a) || isDict(b)) {
    const x = asDict(a);
    const y = asDict(b);
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) if (!semanticEqual(x[k], y[k])) return false;
    return true;
  }
  return a === b;
}

/** `ValidateImmutableField`. `shown` is the value the error prints (Go's rendering of the new value). */
export function immutable(next: unknown, old: unknown, field: string, shown: unknown = next): FieldError[] {
  return semanticEqual(next, old) ? [] : [invalid(field, shown, FIELD_IMMUTABLE_ERROR_MSG)];
}

/** `ValidateAnnotations`: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isDict(annotations)) return errs;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, m));
    size += byteLength(k) + byteLength(str(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = asList(finalizers).map(str);
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(invalid(field, f, m));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(field, go(goStringSlice(list)), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  list.forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f) && isQualifiedName(f).length === 0) {
      errs.push(invalid(`${field}[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const r of dicts(refs)) {
    const apiVersion = str(r.apiVersion);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) errs.push(invalid(`${field}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!str(r.kind)) errs.push(invalid(`${field}.kind`, str(r.kind), 'must not be empty'));
    if (!str(r.name)) errs.push(invalid(`${field}.name`, str(r.name), 'must not be empty'));
    if (!str(r.uid)) errs.push(invalid(`${field}.uid`, str(r.uid), 'must not be empty'));
    if (r.controller === true) {
      const cur = `${str(r.kind)}/${str(r.name)}`;
      if (firstController) {
        errs.push(
          invalid(
            field,
            go('[]v1.OwnerReference{...}'),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else firstController = cur;
    }
  }
  return errs;
}

/**
 * `ValidateObjectMeta` without the name (kube-apiserver checks `metadata.name` with
 * validateName): namespace, generation, labels, annotations, owner references, finalizers.
 */
export function validateObjectMetaRest(meta: unknown, namespaced: boolean): FieldError[] {
  const m = asDict(meta);
  const errs: FieldError[] = [];
  if (namespaced) {
    const ns = str(m.namespace);
    if (!ns) errs.push(required('metadata.namespace'));
    else errs.push(...isDNS1123Label(ns).map((d) => invalid('metadata.namespace', ns, d)));
  } else if (str(m.namespace)) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...nonNegative(m.generation, 'metadata.generation'));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers, 'metadata.finalizers'));
  return errs;
}

/** `ValidateObjectMetaUpdate`. */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown): FieldError[] {
  const m = asDict(meta);
  const o = asDict(oldMeta);
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const old = new Set(asList(o.finalizers).map(str));
    const extra = [...new Set(asList(m.finalizers).map(str))].filter((f) => !old.has(f)).sort();
    if (extra.length) {
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  if (typeof m.generation === 'number' && typeof o.generation === 'number' && m.generation < o.generation) {
    errs.push(invalid('metadata.generation', m.generation, 'must not be decremented'));
  }
  errs.push(...immutable(str(m.name), str(o.name), 'metadata.name'));
  errs.push(...immutable(str(m.namespace), str(o.namespace), 'metadata.namespace'));
  errs.push(...immutable(str(m.uid), str(o.uid), 'metadata.uid'));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  return errs;
}
