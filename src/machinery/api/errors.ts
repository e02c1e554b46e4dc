/**
 * API errors as apimachinery's `errors` package builds them (`staging/src/k8s.io/apimachinery/pkg/
 * api/errors/errors.go`), and `field.Error` texts (`pkg/util/validation/field/errors.go`).
 */
import { groupResource } from './resources.ts';
import type { FieldError, ResourceInfo, Status } from './types.ts';

function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

function detailsOf(info: ResourceInfo, name: string): Status['details'] {
  const d: NonNullable<Status['details']> = {};
  if (name) d.name = name;
  if (info.group) d.group = info.group;
  d.kind = info.resource;
  return d;
}

export const ApiErrors = {
  notFound: (info: ResourceInfo, name: string) =>
    status(404, 'NotFound', `${groupResource(info)} "${name}" not found`, detailsOf(info, name)),
  alreadyExists: (info: ResourceInfo, name: string) =>
    status(409, 'AlreadyExists', `${groupResource(info)} "${name}" already exists`, detailsOf(info, name)),
  conflict: (info: ResourceInfo, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    status(409, 'Conflict', `Operation cannot be fulfilled on ${groupResource(info)} "${name}": ${why}`, detailsOf(info, name)),
  invalid: (info: ResourceInfo, name: string, errs: FieldError[]) => {
    const qualified = info.group ? `${info.kind}.${info.group}` : info.kind;
    const msgs = errs.map(fieldErrorText);
    const agg = msgs.length === 1 ? (msgs[0] as string) : `[${msgs.join(', ')}]`;
    const d: NonNullable<Status['details']> = { name, kind: info.kind };
    if (info.group) d.group = info.group;
    d.causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
    return status(422, 'Invalid', `${qualified} "${name}" is invalid: ${agg}`, d);
  },
  forbidden: (info: ResourceInfo, name: string, why: string) =>
    status(403, 'Forbidden', name ? `${groupResource(info)} "${name}" is forbidden: ${why}` : `${groupResource(info)} is forbidden: ${why}`, detailsOf(info, name)),
  methodNotSupported: (info: ResourceInfo, action: string) =>
    status(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${groupResource(info)}"`, detailsOf(info, '')),
  badRequest: (message: string) => status(400, 'BadRequest', message),
  notFoundPath: () => status(404, 'NotFound', 'the server could not find the requested resource'),
  expired: (message: string) => status(410, 'Expired', message),
  gone: (message: string) => status(410, 'Gone', message),
  internal: (err: string) =>
    status(500, 'InternalError', `Internal error occurred: ${err}`, { causes: [{ reason: '', message: err, field: '' }] }),
  timeout: (message: string) => status(504, 'Timeout', `Timeout: ${message}`),
  tooLarge: () => status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
  unsupportedMedia: (type: string) => status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${type ? '' : ''}`),
};

const VALUE_TYPES = new Set(['FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueDuplicate', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueNotFound']);

const TYPE_TEXT: Record<FieldError['type'], string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Go's %q-ish rendering of a bad value, as field.Error prints it. */
function valueText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** ErrorBody: `Invalid value: "Foo_Bar": a lowercase RFC 1123 …`. */
export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  if (VALUE_TYPES.has(e.type) && e.badValue !== undefined && e.type !== 'FieldValueTooLong' && e.type !== 'FieldValueTooMany') s += `: ${valueText(e.badValue)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** field.Error.Error(): `<field>: <body>`. */
export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}
