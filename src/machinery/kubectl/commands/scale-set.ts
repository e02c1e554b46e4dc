/** kubectl scale (PATCH the scale subresource) and kubectl set image (strategic merge patch). */
import type { KObject } from '../../api/types.ts';
import { CommandError, ErrorList } from '../../printers/errors.ts';
import { goJSON } from '../../printers/json.ts';
import { itemsOf, resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { kindString, resourcePath } from '../discovery.ts';
import type { Flags } from '../flags.ts';
import { manifestSources, readManifests } from '../manifests.ts';
import { dryRunOf, FIELD_MANAGER_FLAG, printResult, requiredFlag } from '../mutate.ts';
import { typed } from '../typed.ts';

interface ScaleObject extends KObject {
  spec?: { replicas?: number };
}

import { createTwoWayMergePatch, PatchMeta } from '../strategic.ts';

async function targetObjects(
  ctx: Ctx,
  f: Flags,
  args: string[],
  accept?: string,
): Promise<{ target: Target; obj: KObject }[]> {
  const targets: Target[] = [];
  const filenames = f.list('filename');
  if (filenames.length > 0) {
    for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive'))))
      targets.push(await targetForManifest(ctx, m));
  } else {
    if (args.length === 0)
      throw new CommandError(
        "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
      );
    targets.push(...(await resolveArgs(ctx, args, { selector: !!f.str('selector') || f.bool('all') })));
  }
  const out: { target: Target; obj: KObject }[] = [];
  for (const t of targets) {
    if (t.name !== undefined) {
      out.push({
        target: t,
        obj: await ctx.getJSON<KObject>(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, accept),
      });
      continue;
    }
    const query: Record<string, string> = {};
    if (f.str('selector')) query.labelSelector = f.str('selector');
    const list = await ctx.getJSON<{ items?: KObject[] }>(
      resourcePath(t.mapping, t.namespace || undefined),
      query,
      accept,
    );
    for (const o of itemsOf(list)) out.push({ target: t, obj: o });
  }
  return out;
}

export const scaleCommand: Command = {
  name: 'scale',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    { name: 'replicas', type: 'int', default: -1 },
    { name: 'current-replicas', type: 'int', default: -1 },
    { name: 'resource-version', type: 'string' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'all', type: 'bool' },
    { name: 'timeout', type: 'duration', default: '0s' },
  ],
  async run(ctx, f) {
    if (!f.changed('replicas')) throw requiredFlag(ctx, 'replicas');
    const replicas = f.int('replicas');
    if (replicas < 0)
      throw new CommandError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
    const dryRun = dryRunOf(ctx, f);
    const items = await targetObjects(ctx, f, f.args);
    const errors: Error[] = [];
    for (const { target, obj } of items) {
      const m = target.mapping;
      if (
        !m.subresources.includes('scale') &&
        !['deployments', 'replicasets', 'statefulsets', 'replicationcontrollers'].includes(m.resource)
      ) {
        errors.push(
          new CommandError(`cannot use scale on ${m.group ? `${m.group}/${m.version}` : m.version}, Kind=${m.kind}`),
        );
        continue;
      }
      const cur = f.int('current-replicas');
      const rv = f.str('resource-version');
      const scalePath = resourcePath(m, obj.metadata?.namespace || undefined, obj.metadata?.name ?? '', 'scale');
      const query: Record<string, string> = {};
      if (dryRun === 'server') query.dryRun = 'All';
      // A client dry run fetches and checks nothing.
      if (dryRun !== 'client' && (cur >= 0 || rv)) {
        // Preconditions: GET the scale, check it, then PUT it back with the new size.
        const scale = await ctx.getJSON<ScaleObject>(scalePath, {}, 'application/json, */*');
        const have = scale.spec?.replicas ?? 0;
        if (cur >= 0 && have !== cur) throw new CommandError(`Expected replicas to be ${cur}, was ${have}`);
        const haveRV = scale.metadata?.resourceVersion ?? '';
        if (rv && haveRV !== rv) throw new CommandError(`Expected resource version to be ${rv}, was ${haveRV}`);
        const updated = typed({ ...scale, spec: { ...scale.spec, replicas } }, 'Scale');
        await ctx.call('PUT', scalePath, {
          query,
          body: `${JSON.stringify(updated)}\n`,
          contentType: null,
          accept: 'application/json, */*',
        });
      } else if (dryRun !== 'client') {
        await ctx.call('PATCH', scalePath, {
          query,
          body: goJSON({ spec: { replicas } }),
          contentType: 'application/merge-patch+json',
          accept: 'application/json, */*',
        });
      }
      printResult(ctx, f, m, obj, 'scaled', dryRun);
    }
    if (errors.length > 0) throw new ErrorList(errors);
  },
};

/** The pod spec inside a workload (pod, template, job template). */
function podSpecOf(o: KObject): { containers?: KObject[]; initContainers?: KObject[] } | undefined {
  const x = o as { kind?: string; spec?: Record<string, unknown> };
  if (x.kind === 'Pod') return x.spec as never;
  if (x.kind === 'CronJob')
    return (
      ((x.spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } })?.spec?.template?.spec as never) ??
      undefined
    );
  return ((x.spec?.template as { spec?: unknown })?.spec as never) ?? undefined;
}

export const setImageCommand: Command = {
  name: 'set image',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    FIELD_MANAGER_FLAG('kubectl-set'),
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'all', type: 'bool' },
    { name: 'local', type: 'bool' },
  ],
  async run(ctx, f) {
    const split = f.args.findIndex((a) => a.includes('='));
    const resourceArgs = split < 0 ? f.args : f.args.slice(0, split);
    const imageArgs = split < 0 ? [] : f.args.slice(split);
    if (imageArgs.length === 0) throw new CommandError('at least one image update is required');
    const images = new Map<string, string>();
    for (const a of imageArgs) {
      const i = a.indexOf('=');
      images.set(a.slice(0, i), a.slice(i + 1));
    }
    const dryRun = dryRunOf(ctx, f);
    const items = await targetObjects(ctx, f, resourceArgs, 'application/json, */*');
    for (const { target, obj } of items) {
      const modified = JSON.parse(JSON.stringify(obj)) as KObject;
      modified.kind ??= target.mapping.kind;
      const spec = podSpecOf(modified);
      if (!spec)
        throw new CommandError(
          `error: ${kindString(target.mapping)}/${obj.metadata?.name ?? ''} is not a supported type for setting images`,
        );
      for (const [name, image] of images) {
        let found = false;
        for (const list of [spec.initContainers ?? [], spec.containers ?? []]) {
          for (const c of list as { name?: string; image?: string }[]) {
            if (name === '*' || c.name === name) {
              c.image = image;
              found = true;
            }
          }
        }
        if (!found) throw new CommandError(`unable to find container named "${name}"`);
      }
      const patch = createTwoWayMergePatch(
        { ...obj, kind: modified.kind },
        modified,
        PatchMeta.forKind(target.mapping.kind),
      );
      let result = modified;
      if (dryRun !== 'client' && !f.bool('local')) {
        if (Object.keys(patch).length === 0) continue;
        const query: Record<string, string> = { fieldManager: f.str('field-manager') };
        if (dryRun === 'server') query.dryRun = 'All';
        const r = await ctx.call(
          'PATCH',
          resourcePath(target.mapping, obj.metadata?.namespace || undefined, obj.metadata?.name ?? ''),
          {
            query,
            body: goJSON(patch),
            contentType: 'application/strategic-merge-patch+json',
            accept: 'application/json, */*',
          },
        );
        result = r.body as KObject;
      }
      printResult(ctx, f, target.mapping, result, 'image updated', dryRun);
    }
  },
};
