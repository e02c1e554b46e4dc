/**
 * Discovery, as kube-apiserver serves it: aggregated discovery (apidiscovery.k8s.io/v2, what
 * client-go asks for first) and the legacy documents (APIVersions, APIGroupList, APIGroup,
 * APIResourceList), plus /version.
 */
import { groupVersion, RESOURCES } from '../../src/machinery/api/resources.ts';
import type { ResourceInfo } from '../../src/machinery/api/types.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.1',
  gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T08:19:08Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const AGGREGATED_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The kind a subresource answers with, and its verbs. */
function subresourceInfo(
  info: ResourceInfo,
  sub: string,
): { group: string; version: string; kind: string; verbs: string[] } {
  switch (sub) {
    case 'status':
      return { group: info.group, version: info.version, kind: info.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'exec':
      return { group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'log':
      return { group: '', version: 'v1', kind: 'Pod', verbs: ['get'] };
    case 'finalize':
      return { group: '', version: 'v1', kind: 'Namespace', verbs: ['update'] };
    default:
      return { group: info.group, version: info.version, kind: info.kind, verbs: ['get'] };
  }
}

function groups(): string[] {
  const seen: string[] = [];
  for (const r of RESOURCES) if (r.group && !seen.includes(r.group)) seen.push(r.group);
  return seen;
}

function aggregatedResource(info: ResourceInfo): Record<string, unknown> {
  const o: Record<string, unknown> = {
    resource: info.resource,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: info.verbs,
  };
  if (info.shortNames.length) o.shortNames = info.shortNames;
  if (info.categories.length) o.categories = info.categories;
  if (info.subresources.length) {
    o.subresources = info.subresources.map((s) => {
      const si = subresourceInfo(info, s);
      return { subresource: s, responseKind: { group: si.group, version: si.version, kind: si.kind }, verbs: si.verbs };
    });
  }
  return o;
}

/** GET /api or /apis with an Accept that asks for aggregated discovery. */
export function aggregated(core: boolean): unknown {
  const items = core
    ? [
        {
          metadata: { creationTimestamp: null },
          versions: [
            {
              version: 'v1',
              resources: RESOURCES.filter((r) => r.group === '').map(aggregatedResource),
              freshness: 'Current',
            },
          ],
        },
      ]
    : groups().map((g) => ({
        metadata: { name: g, creationTimestamp: null },
        versions: [
          {
            version: 'v1',
            resources: RESOURCES.filter((r) => r.group === g).map(aggregatedResource),
            freshness: 'Current',
          },
        ],
      }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: string): Record<string, unknown> {
  const gv = { groupVersion: `${g}/v1`, version: 'v1' };
  return { name: g, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(apiGroup) };
}

export function apiGroupDoc(g: string): unknown | undefined {
  if (!groups().includes(g)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) };
}

export function apiResourceList(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of rs) {
    const o: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length) o.shortNames = r.shortNames;
    if (r.categories.length) o.categories = r.categories;
    resources.push(o);
    for (const s of r.subresources) {
      const si = subresourceInfo(r, s);
      const sub: Record<string, unknown> = {
        name: `${r.resource}/${s}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: si.kind,
        verbs: si.verbs,
      };
      if (si.group !== r.group) sub.group = si.group;
      if (si.version !== r.version) sub.version = si.version;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(rs[0] as ResourceInfo), resources };
}

export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /as=APIGroupDiscoveryList/.test(accept) && /v=v2(;|,|$)/.test(accept.replace(/\s/g, ''));
}
