/**
 * API errors as apimachinery's `errors` package builds them (`staging/src/k8s.io/apimachinery/pkg/
 * api/errors/errors.go`), and `field.Error` texts (`pkg/util/validation/field/errors.go`).
 */
import { GoLiteral, goStringMap, goStringSlice } from './gofmt.ts';
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
  conflict: (
    info: ResourceInfo,
    name: string,
    why = 'the object has been modified; please apply your changes to the latest version and try again',
  ) =>
    status(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${groupResource(info)} "${name}": ${why}`,
      detailsOf(info, name),
    ),
  invalid: (info: ResourceInfo, name: string, errs: FieldError[]) => {
    const qualified = info.group ? `${info.kind}.${info.group}` : info.kind;
    const agg = aggregateFieldErrors(errs);
    const d: NonNullable<Status['details']> = {};
    if (name) d.name = name;
    if (info.group) d.group = info.group;
    d.kind = info.kind;
    d.causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
    return status(
      422,
      'Invalid',
      agg ? `${qualified} "${name}" is invalid: ${agg}` : `${qualified} "${name}" is invalid`,
      d,
    );
  },
  forbidden: (info: ResourceInfo, name: string, why: string) =>
    status(
      403,
      'Forbidden',
      name ? `${groupResource(info)} "${name}" is forbidden: ${why}` : `${groupResource(info)} is forbidden: ${why}`,
      detailsOf(info, name),
    ),
  methodNotSupported: (info: ResourceInfo, action: string) =>
    status(
      405,
      'MethodNotAllowed',
      `${action} is not supported on resources of kind "${groupResource(info)}"`,
      detailsOf(info, ''),
    ),
  badRequest: (message: string) => status(400, 'BadRequest', message),
  notFoundPath: () => status(404, 'NotFound', 'the server could not find the requested resource'),
  expired: (message: string) => status(410, 'Expired', message),
  gone: (message: string) => status(410, 'Gone', message),
  internal: (err: string) =>
    status(500, 'InternalError', `Internal error occurred: ${err}`, {
      causes: [{ reason: '', message: err, field: '' }],
    }),
  timeout: (message: string) => status(504, 'Timeout', `Timeout: ${message}`),
  tooLarge: () => status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
  unsupportedMedia: (type: string) =>
    status(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${type ? '' : ''}`,
    ),
};

/** Types whose body omits the value (`field.Error.ErrorBody`). */
const NO_VALUE_TYPES = new Set<FieldError['type']>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

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

/**
 * Go's rendering of a bad value: strings `%q`, numbers and booleans `%v`, nil `null`, and values
 * validation pre-rendered in Go syntax (`GoLiteral`, e.g. `map[string]string{"app":"web"}`).
 */
function valueText(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return goStringSlice(v);
  if (typeof v === 'object' && Object.values(v as object).every((x) => typeof x === 'string')) return goStringMap(v);
  return JSON.stringify(v);
}

/** ErrorBody: `Invalid value: "Foo_Bar": a lowercase RFC 1123 …`. */
export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  // A TooMany error without a count, like upstream's omitted value, prints no value either.
  if (!NO_VALUE_TYPES.has(e.type) && !(e.type === 'FieldValueTooMany' && e.badValue === undefined)) {
    s += `: ${valueText(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** field.Error.Error(): `<field>: <body>`. */
export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * `ErrorList.ToAggregate().Error()`: duplicates dropped, one error bare, several as `[e1, e2]`,
 * none as the empty string.
 */
export function aggregateFieldErrors(errs: FieldError[]): string {
  const seen: string[] = [];
  for (const e of errs) {
    const t = fieldErrorText(e);
    if (!seen.includes(t)) seen.push(t);
  }
  if (seen.length === 0) return '';
  if (seen.length === 1) return seen[0] as string;
  return `[${seen.join(', ')}]`;
}
