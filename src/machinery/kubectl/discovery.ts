/**
 * Discovery and the REST mapper, as client-go builds them for kubectl: GET /api and /apis asking
 * for aggregated discovery (apidiscovery.k8s.io/v2), falling back to the legacy documents when the
 * server answers plain JSON; then resource arguments (`po`, `pods`, `Pod`, `deploy`,
 * `deployments.apps`, `deployments.v1.apps`) resolve through short names, plural and singular
 * names and kinds, in discovery order (the core group first).
 */
import type { KObject } from '../api/types.ts';
import { CommandError } from '../printers/errors.ts';
import type { Ctx } from './context.ts';

export interface ApiResource {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: string[];
}

export const DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

/** `apps/v1` or `v1`. */
export function apiVersionOf(r: ApiResource): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** GroupKind.String() lower-cased: `pod`, `deployment.apps` (the `-o name` and message prefix). */
export function kindString(r: { group: string; kind: string }): string {
  return (r.group ? `${r.kind}.${r.group}` : r.kind).toLowerCase();
}

/** GroupResource.String(): `pods`, `deployments.apps`. */
export function groupResourceString(r: ApiResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** The REST path of a collection or object. */
export function resourcePath(r: ApiResource, namespace: string | undefined, name?: string, sub?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${namespace}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${name}`;
  if (sub) p += `/${sub}`;
  return p;
}

const VERSION_RE = /^v\d+((alpha|beta)\d+)?$/;

export class RESTMapper {
  /** Called with client-go's warning when a short name also matches lower-priority resources. */
  onWarning: ((msg: string) => void) | undefined;

  constructor(readonly resources: ApiResource[]) {}

  /** All resources in a category (`all`), in discovery order. */
  category(name: string): ApiResource[] {
    return this.resources.filter((r) => r.categories.includes(name));
  }

  forKind(apiVersion: string | undefined, kind: string | undefined): ApiResource | undefined {
    if (!kind) return undefined;
    const [g, v] = apiVersion?.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion ?? ''];
    return this.resources.find((r) => r.kind === kind && r.group === g && (v === '' || r.version === v));
  }

  forObject(o: KObject): ApiResource {
    const r = this.forKind(o.apiVersion, o.kind);
    if (!r) {
      const v = o.apiVersion ?? '';
      throw new CommandError(
        `resource mapping not found for name: "${o.metadata?.name ?? ''}" namespace: "${o.metadata?.namespace ?? ''}" from "": no matches for kind "${o.kind ?? ''}" in version "${v}"\nensure CRDs are installed first`,
      );
    }
    return r;
  }

  /** Finds the resource for a group and a resource/short/singular/kind name; undefined if none. */
  private match(group: string | undefined, version: string | undefined, name: string): ApiResource | undefined {
    const lower = name.toLowerCase();
    const inScope = (r: ApiResource) =>
      (group === undefined || r.group === group) && (version === undefined || r.version === version);
    // An exact plural or singular name wins over short names.
    const exact = this.resources.find((r) => inScope(r) && (r.resource === lower || r.singular === lower));
    if (exact) return exact;
    const shorts = this.resources.filter((r) => inScope(r) && r.shortNames.includes(lower));
    const short = shorts[0];
    if (short) {
      const warned = new Set<string>();
      for (const other of shorts.slice(1)) {
        const gr = groupResourceString(other);
        if (other.group === short.group && other.resource === short.resource) continue;
        if (warned.has(gr)) continue;
        warned.add(gr);
        this.onWarning?.(`short name "${lower}" could also match lower priority resource ${gr}`);
      }
      return short;
    }
    return this.resources.find((r) => inScope(r) && r.kind.toLowerCase() === lower);
  }

  /**
   * Resolves a resource argument the way kubectl's builder does (`mappingFor`): first as
   * `resource.version.group`, then as `resource.group`, then as a kind.
   */
  resolve(arg: string): ApiResource {
    const parts = arg.split('.');
    if (parts.length >= 3 && VERSION_RE.test(parts[1] as string)) {
      const r = this.match(parts.slice(2).join('.'), parts[1], parts[0] as string);
      if (r) return r;
    }
    if (parts.length >= 2) {
      const r = this.match(parts.slice(1).join('.'), undefined, parts[0] as string);
      if (r) return r;
    }
    const r = this.match(parts.length === 1 ? undefined : '', undefined, arg);
    if (r) return r;
    throw new CommandError(`the server doesn't have a resource type "${parts[0]}"`);
  }
}

interface AggregatedResource {
  resource: string;
  responseKind?: { group: string; version: string; kind: string };
  scope: string;
  singularResource?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string }[];
}

interface LegacyResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

function fromAggregated(body: unknown): ApiResource[] {
  const out: ApiResource[] = [];
  const items =
    (
      body as {
        items?: { metadata?: { name?: string }; versions?: { version: string; resources?: AggregatedResource[] }[] }[];
      }
    ).items ?? [];
  for (const g of items) {
    const group = g.metadata?.name ?? '';
    // The first version listed is the preferred one.
    const v = g.versions?.[0];
    if (!v) continue;
    for (const r of v.resources ?? []) {
      out.push({
        group,
        version: v.version,
        resource: r.resource,
        singular: r.singularResource ?? r.resource.replace(/s$/, ''),
        kind: r.responseKind?.kind ?? '',
        namespaced: r.scope === 'Namespaced',
        verbs: r.verbs ?? [],
        shortNames: r.shortNames ?? [],
        categories: r.categories ?? [],
        subresources: (r.subresources ?? []).map((s) => s.subresource),
      });
    }
  }
  return out;
}

function fromLegacy(group: string, version: string, body: unknown): ApiResource[] {
  const list = (body as { resources?: LegacyResource[] }).resources ?? [];
  const out: ApiResource[] = [];
  for (const r of list) {
    if (r.name.includes('/')) {
      const [parent, sub] = r.name.split('/') as [string, string];
      out.find((x) => x.resource === parent)?.subresources.push(sub);
      continue;
    }
    out.push({
      group,
      version,
      resource: r.name,
      singular: r.singularName || r.kind.toLowerCase(),
      kind: r.kind,
      namespaced: r.namespaced,
      verbs: r.verbs ?? [],
      shortNames: r.shortNames ?? [],
      categories: r.categories ?? [],
      subresources: [],
    });
  }
  return out;
}

/** Runs discovery through the API (or returns the cached mapper). */
export async function discover(ctx: Ctx): Promise<RESTMapper> {
  const cached = ctx.io.cache?.mapper;
  if (cached) return cached;
  const headers = { accept: DISCOVERY_ACCEPT };
  const core = await ctx.send({ method: 'GET', path: '/api', query: { timeout: '32s' }, headers });
  const apis = await ctx.send({ method: 'GET', path: '/apis', query: { timeout: '32s' }, headers });
  const aggregated = (r: { headers: Record<string, string> }) =>
    /as=APIGroupDiscoveryList/.test(r.headers['content-type'] ?? '');
  let resources: ApiResource[] = [];
  if (core.status === 200 && apis.status === 200 && aggregated(core) && aggregated(apis)) {
    resources = [...fromAggregated(core.body), ...fromAggregated(apis.body)];
  } else {
    const plain = { accept: 'application/json, */*' };
    const groupList =
      (apis.body as { groups?: { name: string; preferredVersion?: { groupVersion: string; version: string } }[] })
        .groups ?? [];
    for (const g of groupList) {
      const v = g.preferredVersion?.version ?? 'v1';
      const r = await ctx.send({
        method: 'GET',
        path: `/apis/${g.name}/${v}`,
        query: { timeout: '32s' },
        headers: plain,
      });
      if (r.status === 200) resources.push(...fromLegacy(g.name, v, r.body));
    }
    const versions = (core.body as { versions?: string[] }).versions ?? ['v1'];
    const coreVersion = versions[0] ?? 'v1';
    const r = await ctx.send({ method: 'GET', path: `/api/${coreVersion}`, query: { timeout: '32s' }, headers: plain });
    if (r.status === 200) resources = [...fromLegacy('', coreVersion, r.body), ...resources];
  }
  const mapper = new RESTMapper(resources);
  if (ctx.io.cache) ctx.io.cache.mapper = mapper;
  return mapper;
}
