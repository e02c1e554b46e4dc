/**
 * The resources kube-apiserver serves: names, scope, short names, categories, verbs, subresources
 * and etcd key prefixes, as upstream's discovery and storage (`test/integration/etcd/data.go`)
 * describe them.
 */
import type { ResourceInfo } from './types.ts';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(
  group: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  etcdPrefix: string,
  extra: Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'verbs' | 'subresources'>> = {},
): ResourceInfo {
  return {
    group,
    version: 'v1',
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    verbs: extra.verbs ?? ALL_VERBS,
    subresources: extra.subresources ?? [],
    etcdPrefix,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'namespaces', 'Namespace', false, 'namespaces', {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'finalize'],
  }),
  r('', 'pods', 'Pod', true, 'pods', {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'binding', 'log', 'exec', 'eviction'],
  }),
  r('', 'nodes', 'Node', false, 'minions', { shortNames: ['no'], subresources: ['status'] }),
  r('', 'services', 'Service', true, 'services/specs', {
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  }),
  r('', 'endpoints', 'Endpoints', true, 'services/endpoints', { shortNames: ['ep'] }),
  r('', 'configmaps', 'ConfigMap', true, 'configmaps', { shortNames: ['cm'] }),
  r('', 'secrets', 'Secret', true, 'secrets'),
  r('', 'serviceaccounts', 'ServiceAccount', true, 'serviceaccounts', { shortNames: ['sa'] }),
  r('', 'events', 'Event', true, 'events', { shortNames: ['ev'] }),
  r('events.k8s.io', 'events', 'Event', true, 'events', { shortNames: ['ev'] }),
  r('coordination.k8s.io', 'leases', 'Lease', true, 'leases'),
  r('discovery.k8s.io', 'endpointslices', 'EndpointSlice', true, 'endpointslices'),
  r('apps', 'deployments', 'Deployment', true, 'deployments', {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  r('apps', 'replicasets', 'ReplicaSet', true, 'replicasets', {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  r('apps', 'daemonsets', 'DaemonSet', true, 'daemonsets', {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  }),
  r('apps', 'statefulsets', 'StatefulSet', true, 'statefulsets', {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  r('batch', 'jobs', 'Job', true, 'jobs', { categories: ['all'], subresources: ['status'] }),
  r('batch', 'cronjobs', 'CronJob', true, 'cronjobs', {
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
  }),
];

/** `apps/v1` or `v1`. */
export function groupVersion(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** GroupResource.String(): `pods`, `deployments.apps`. */
export function groupResource(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** Finds the served resource for a group and plural name. */
export function lookup(group: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.resource === resource);
}

/** Finds a resource by kind and apiVersion (`apps/v1`, `v1`). */
export function lookupKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const [g, v] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return RESOURCES.find((x) => x.group === g && x.version === v && x.kind === kind);
}

/** The etcd key of an object. */
export function storageKey(info: ResourceInfo, namespace: string, name: string): string {
  return info.namespaced ? `/registry/${info.etcdPrefix}/${namespace}/${name}` : `/registry/${info.etcdPrefix}/${name}`;
}
