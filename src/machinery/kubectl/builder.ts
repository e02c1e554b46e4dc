/**
 * What kubectl's resource builder does with `TYPE[,TYPE] [NAME...]`, `TYPE/NAME...`, `all`, -f,
 * -l, --field-selector, -A and the namespace: a list of targets, each one resource type and
 * either one object or a collection.
 */
import type { KObject } from '../api/types.ts';
import { CommandError } from '../printers/errors.ts';
import type { Ctx } from './context.ts';
import type { ApiResource, RESTMapper } from './discovery.ts';
import type { Manifest } from './manifests.ts';

export interface Target {
  mapping: ApiResource;
  /** '' for cluster-scoped resources, and for all namespaces with -A. */
  namespace: string;
  /** Absent for a collection. */
  name?: string;
  /** The manifest the target came from, with -f. */
  manifest?: Manifest;
}

export interface ResolveOptions {
  allNamespaces?: boolean;
  /** Whether names are required (e.g. delete without -l/--all). */
  selector?: boolean;
}

/** Expands `all` and other categories, keeping explicit types. */
function expandTypes(mapper: RESTMapper, types: string[]): ApiResource[] {
  const out: ApiResource[] = [];
  for (const t of types) {
    if (t === '') continue;
    const cat = mapper.category(t);
    if (
      cat.length > 0 &&
      !mapper.resources.some((r) => r.resource === t || r.singular === t || r.shortNames.includes(t))
    ) {
      out.push(...cat);
      continue;
    }
    out.push(mapper.resolve(t));
  }
  return out;
}

/** Namespace for a resource: '' for cluster-scoped; '' with -A; else the command's namespace. */
export function namespaceFor(ctx: Ctx, r: ApiResource, allNamespaces = false): string {
  if (!r.namespaced) return '';
  return allNamespaces ? '' : ctx.namespace;
}

/** Resolves resource arguments to targets. */
export async function resolveArgs(ctx: Ctx, args: string[], opts: ResolveOptions = {}): Promise<Target[]> {
  if (args.length === 0) return [];
  const mapper = await ctx.mapper();
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== args.length) {
      throw new CommandError(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    }
    return args.map((a) => {
      const i = a.indexOf('/');
      const type = a.slice(0, i);
      const name = a.slice(i + 1);
      if (type === '' || name === '' || name.includes('/'))
        throw new CommandError('arguments in resource/name form must have a single resource and name');
      const mapping = mapper.resolve(type);
      return { mapping, namespace: namespaceFor(ctx, mapping, opts.allNamespaces), name };
    });
  }
  const types = expandTypes(mapper, (args[0] as string).split(','));
  const names = args.slice(1);
  if (names.length > 0 && opts.selector) throw new CommandError('name cannot be provided when a selector is specified');
  const out: Target[] = [];
  for (const mapping of types) {
    if (names.length === 0) out.push({ mapping, namespace: namespaceFor(ctx, mapping, opts.allNamespaces) });
    else
      for (const name of names) out.push({ mapping, namespace: namespaceFor(ctx, mapping, opts.allNamespaces), name });
  }
  return out;
}

/** A target for a manifest object, checking its namespace against an explicit -n. */
export async function targetForManifest(ctx: Ctx, m: Manifest): Promise<Target> {
  const mapper = await ctx.mapper();
  const mapping = mapper.forKind(m.obj.apiVersion, m.obj.kind);
  if (!mapping) {
    throw new CommandError(
      `resource mapping not found for name: "${m.obj.metadata?.name ?? ''}" namespace: "${m.obj.metadata?.namespace ?? ''}" from "${m.source}": no matches for kind "${m.obj.kind ?? ''}" in version "${m.obj.apiVersion ?? ''}"\nensure CRDs are installed first`,
    );
  }
  let namespace = '';
  if (mapping.namespaced) {
    const own = m.obj.metadata?.namespace;
    if (own && ctx.explicitNamespace && own !== ctx.namespace) {
      throw new CommandError(
        `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
      );
    }
    namespace = own || ctx.namespace;
  }
  const t: Target = { mapping, namespace, manifest: m };
  const name = m.obj.metadata?.name;
  if (name) t.name = name;
  return t;
}

/** Sets kind/apiVersion on list items, as client-go's unstructured list decoding does. */
export function itemsOf(list: { apiVersion?: string; kind?: string; items?: KObject[] }): KObject[] {
  const kind = (list.kind ?? '').replace(/List$/, '');
  return (list.items ?? []).map((i) => ({ apiVersion: list.apiVersion, kind, ...i }));
}
