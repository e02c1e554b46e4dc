/**
 * Patch failures as kube-apiserver reports them. A PatchError carries the HTTP status, the Status
 * reason and the exact message upstream puts in the `metav1.Status`; `detail` keeps the underlying
 * library error where upstream hides it (a failed JSON patch operation is reported only as "the
 * server rejected our request due to an error in our request").
 *
 * Texts: staging/src/k8s.io/apimachinery/pkg/util/mergepatch/errors.go,
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (interpretStrategicMergePatchError,
 * applyJSPatch), apimachinery/pkg/api/errors.NewGenericServerResponse, and
 * apiserver/pkg/endpoints/handlers/fieldmanager (NewConflictError).
 */
import type { Status } from '../types.ts';
import { goStringVerb, goTypeName, goValue } from './json.ts';

export interface PatchErrorOptions {
  /** HTTP status code (default 422). */
  code?: number;
  /** metav1.StatusReason (default `Invalid` for 422; `''` is StatusReasonUnknown). */
  reason?: string;
  causes?: { reason: string; message: string; field: string }[];
  /** The underlying error text when upstream does not show it in the Status. */
  detail?: string;
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  409: 'Conflict',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
};

export class PatchError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly causes: { reason: string; message: string; field: string }[] | undefined;
  readonly detail: string | undefined;

  constructor(message: string, opts: PatchErrorOptions = {}) {
    super(message);
    this.name = 'PatchError';
    this.code = opts.code ?? 422;
    this.reason = opts.reason ?? REASON_BY_CODE[this.code] ?? '';
    this.causes = opts.causes;
    this.detail = opts.detail;
  }

  /** The `metav1.Status` body kube-apiserver answers with. */
  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      code: this.code,
    };
    if (this.reason) s.reason = this.reason;
    if (this.causes) s.details = { causes: this.causes };
    else if (this.code === 422 && this.reason === 'Invalid' && this.message === GENERIC_422) s.details = {};
    return s;
  }
}

/** errors.NewBadRequest. */
export const badRequest = (message: string) => new PatchError(message, { code: 400, reason: 'BadRequest' });

/** A plain Go error surfacing from a handler: kube-apiserver turns it into a 500 with reason Unknown (""). */
export const serverError = (message: string) => new PatchError(message, { code: 500, reason: '' });

/** errors.NewGenericServerResponse(422, ...): the text hides the cause. */
export const GENERIC_422 = 'the server rejected our request due to an error in our request';
export const genericInvalid = (detail: string) => new PatchError(GENERIC_422, { code: 422, reason: 'Invalid', detail });

// ---- mergepatch errors (strategic merge patch) ----------------------------------------------

export const ErrBadJSONDoc = 'invalid JSON document';
export const ErrNoListOfLists = 'lists of lists are not supported';
export const ErrBadPatchFormatForPrimitiveList = 'invalid patch format of primitive list';
export const ErrBadPatchFormatForRetainKeys = 'invalid patch format of retainKeys';
export const ErrBadPatchFormatForSetElementOrderList = 'invalid patch format of setElementOrder list';
export const ErrPatchContentNotMatchRetainKeys = "patch content doesn't match retainKeys list";

/** The HTTP mapping of interpretStrategicMergePatchError. */
export function smpError(message: string): PatchError {
  switch (message) {
    case ErrBadJSONDoc:
    case ErrBadPatchFormatForPrimitiveList:
    case ErrBadPatchFormatForRetainKeys:
    case ErrBadPatchFormatForSetElementOrderList:
      return badRequest(message);
    case ErrNoListOfLists:
    case ErrPatchContentNotMatchRetainKeys:
      return genericInvalid(message);
    default:
      return serverError(message);
  }
}

/** mergepatch.ErrNoMergeKey: `map: map[image:httpd] does not contain declared merge key: name`. */
export const errNoMergeKey = (m: unknown, k: string) =>
  smpError(`map: ${goValue(m)} does not contain declared merge key: ${k}`);

/** mergepatch.ErrBadArgType: `expected a map[string]interface {}, but received a string`. */
export const errBadArgType = (expected: string, actual: unknown) =>
  smpError(`expected a ${expected}, but received a ${goTypeName(actual)}`);

/** mergepatch.ErrBadPatchType: `unknown patch type: foo in map: map[$patch:foo]`. */
export const errBadPatchType = (t: unknown, m: unknown) =>
  smpError(`unknown patch type: ${goStringVerb(t)} in map: ${goValue(m)}`);
