/**
 * The Kubernetes API as the bus carries it. kube-apiserver's internal request is the HTTP request
 * (method, path, query, headers, body) and its response is the HTTP response (status, headers,
 * body), so the headless HTTP gateway is thin and the in-app console and real kubectl exercise the
 * same code. On the bus a request travels as `api.<verb>` (api.get, api.list, api.watch,
 * api.create, api.update, api.patch, api.delete, api.deletecollection, api.connect) and its
 * answer as `api.<verb>.result`; a watch then streams `api.watch.event` until `api.watch.cancel`.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Path without query, e.g. `/api/v1/namespaces/default/pods/web-1`. */
  path: string;
  /** Query parameters, already decoded. */
  query: Record<string, string>;
  /** Lower-case header names: accept, content-type, user-agent. */
  headers: Record<string, string>;
  /** Request body as text (JSON or YAML), if any. */
  body?: string;
  /** For a watch: an id the client chooses, to cancel it and to route its events. */
  watchId?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value, or text (for logs). */
  body: unknown;
}

/** One event of a watch stream, as it goes on the wire. */
export interface WatchEventWire {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KObject;
}

/** Any Kubernetes object, as JSON. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [field: string]: unknown;
}

/** `metav1.Status`, the body of every error (and of some successful deletes). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason: string; message: string; field: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** The `field.ErrorType`s of apimachinery/pkg/util/validation/field. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

/** A `field.Error`: what is wrong, at which field path, with which value. */
export interface FieldError {
  type: FieldErrorType;
  /** Field path as upstream prints it: `metadata.name`, `spec.containers[0].image`. */
  field: string;
  /** The offending value (omitted for Required and Forbidden, as upstream omits it). */
  badValue?: unknown;
  /** Extra detail, e.g. the regex explanation or `supported values: "A", "B"`. */
  detail?: string;
}

/**
 * One served resource, as discovery describes it and as the API server stores it. The etcd key of
 * an object is `/registry/<etcdPrefix>/<namespace>/<name>` (namespaced) or
 * `/registry/<etcdPrefix>/<name>`.
 */
export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural lower-case name used in URLs: `pods`, `deployments`. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served: status, scale, binding, log, exec, eviction, ... */
  subresources: string[];
  etcdPrefix: string;
}
