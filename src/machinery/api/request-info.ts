/**
 * Parses a Kubernetes API path into what it addresses, as apiserver's RequestInfoFactory does
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go), and names the verb.
 */
import type { ApiRequest } from './types.ts';

export interface RequestInfo {
  /** True for /api and /apis paths that address resources; false for discovery, openapi, version. */
  isResourceRequest: boolean;
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, `connect`, or a plain HTTP verb for non-resource paths. */
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (e.g. proxy paths). */
  rest: string[];
}

/** Subresources that connect to the kubelet rather than read or write an object. */
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy', 'log']);

export function isWatch(req: ApiRequest): boolean {
  const w = req.query.watch;
  return w === 'true' || w === '1';
}

export function parseRequestInfo(req: ApiRequest): RequestInfo {
  const parts = req.path.split('/').filter((p) => p !== '');
  const info: RequestInfo = {
    isResourceRequest: false,
    verb: req.method.toLowerCase(),
    apiPrefix: '',
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    rest: [],
  };
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return info;
  info.apiPrefix = prefix;
  let i = 1;
  if (prefix === 'apis') {
    const g = parts[i++];
    if (g === undefined) return info;
    info.group = g;
  }
  const v = parts[i++];
  if (v === undefined) return info;
  info.version = v;
  let rest = parts.slice(i);
  if (rest.length === 0) return info;
  info.isResourceRequest = true;
  // /namespaces/{ns}/{resource}... but /namespaces/{ns} and /namespaces/{ns}/status|finalize address the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2] as string)) {
    info.namespace = rest[1] as string;
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length >= 2) {
    info.namespace = rest[1] as string;
  }
  info.resource = rest[0] as string;
  if (rest.length >= 2) info.name = rest[1] as string;
  if (rest.length >= 3) info.subresource = rest[2] as string;
  if (rest.length > 3) info.rest = rest.slice(3);
  // For namespaces themselves, the namespace field is the name.
  if (info.resource === 'namespaces') info.namespace = '';
  const watch = isWatch(req);
  switch (req.method) {
    case 'GET':
      if (CONNECT_SUBRESOURCES.has(info.subresource)) info.verb = info.subresource === 'log' ? 'get' : 'connect';
      else if (watch) info.verb = 'watch';
      else info.verb = info.name ? 'get' : 'list';
      break;
    case 'POST':
      info.verb = CONNECT_SUBRESOURCES.has(info.subresource) ? 'connect' : 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
  }
  return info;
}

/** The bus kind of an API request: `api.<verb>`. Non-resource reads are `api.get`. */
export function apiKind(req: ApiRequest): string {
  const info = parseRequestInfo(req);
  if (!info.isResourceRequest) return 'api.get';
  return `api.${info.verb}`;
}

/** One line for the message log: `GET pods/default/web-1`, `LIST deployments.apps -n default`. */
export function apiSummary(req: ApiRequest): string {
  const info = parseRequestInfo(req);
  if (!info.isResourceRequest) return `${req.method} ${req.path}`;
  const res = info.group ? `${info.resource}.${info.group}` : info.resource;
  const sub = info.subresource ? `/${info.subresource}` : '';
  const target = info.name
    ? `${res}${sub} ${info.namespace ? `${info.namespace}/` : ''}${info.name}`
    : `${res}${info.namespace ? ` -n ${info.namespace}` : ''}`;
  return `${info.verb.toUpperCase()} ${target}`;
}
