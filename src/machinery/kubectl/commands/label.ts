/**
 * kubectl label / annotate: GET each object, change metadata.labels (or annotations), send the
 * JSON merge patch of the change; `pod/web labeled`, `unlabeled` when only removing, `not labeled`
 * when nothing changed; `'app' already has a value (web), and --overwrite is false`.
 */
import type { KObject } from '../../api/types.ts';
import { CommandError } from '../../printers/errors.ts';
import { goJSON } from '../../printers/json.ts';
import { itemsOf, resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { resourcePath } from '../discovery.ts';
import type { Flags } from '../flags.ts';
import { manifestSources, readManifests } from '../manifests.ts';
import { dryRunOf, FIELD_MANAGER_FLAG, printResult } from '../mutate.ts';

function parseChanges(args: string[], what: 'label' | 'annotation'): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const a of args) {
    if (a.endsWith('-') && !a.includes('=')) remove.push(a.slice(0, -1));
    else if (a.includes('=')) {
      const i = a.indexOf('=');
      const k = a.slice(0, i);
      const v = a.slice(i + 1);
      if (what === 'label' && !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
        throw new CommandError(
          `invalid label value: "${a}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        );
      }
      set[k] = v;
    } else throw new CommandError(`invalid ${what} format: ${a}`);
  }
  return { set, remove };
}

function labelCommand(what: 'label' | 'annotation'): Command {
  const field = what === 'label' ? 'labels' : 'annotations';
  const verb = what === 'label' ? 'label' : 'annotate';
  return {
    name: verb,
    flags: [
      ...FILENAME_FLAGS,
      ...OUTPUT_FLAGS,
      DRY_RUN_FLAG,
      FIELD_MANAGER_FLAG(`kubectl-${verb}`),
      { name: 'overwrite', type: 'bool' },
      { name: 'all', type: 'bool' },
      { name: 'all-namespaces', short: 'A', type: 'bool' },
      { name: 'selector', short: 'l', type: 'string' },
      { name: 'field-selector', type: 'string' },
      { name: 'list', type: 'bool' },
      { name: 'local', type: 'bool' },
      { name: 'resource-version', type: 'string' },
    ],
    async run(ctx, f) {
      const filenames = f.list('filename');
      let resourceArgs: string[];
      let changeArgs: string[];
      if (filenames.length > 0) {
        resourceArgs = [];
        changeArgs = f.args;
      } else {
        const firstChange = f.args.findIndex((a, i) => i > 0 && (a.includes('=') || a.endsWith('-')));
        const split = firstChange < 0 ? f.args.length : firstChange;
        resourceArgs = f.args.slice(0, split);
        changeArgs = f.args.slice(split);
      }
      if (!f.bool('list') && changeArgs.length === 0) throw new CommandError(`at least one ${what} update is required`);
      const changes = parseChanges(changeArgs, what);
      const dryRun = dryRunOf(ctx, f);
      const targets: Target[] = [];
      if (filenames.length > 0) {
        for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive'))))
          targets.push(await targetForManifest(ctx, m));
      } else {
        if (resourceArgs.length === 0)
          throw new CommandError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
        targets.push(
          ...(await resolveArgs(ctx, resourceArgs, {
            allNamespaces: f.bool('all-namespaces'),
            selector: !!f.str('selector') || f.bool('all'),
          })),
        );
      }
      const objects = await objectsOf(ctx, f, targets);
      for (const { target, obj } of objects) {
        const name = obj.metadata?.name ?? '';
        const current = { ...((obj.metadata?.[field] as Record<string, string> | undefined) ?? {}) };
        if (f.bool('list')) {
          for (const k of Object.keys(current).sort()) ctx.print(`${k}=${current[k]}\n`);
          continue;
        }
        if (!f.bool('overwrite')) {
          const clashes = Object.entries(changes.set)
            .filter(([k, v]) => Object.hasOwn(current, k) && current[k] !== v)
            .filter(([k]) => what === 'label' || k !== 'kubernetes.io/change-cause')
            .map(([k]) => `'${k}' already has a value (${current[k]})`);
          if (clashes.length > 0) {
            if (what === 'label') throw new CommandError(`${clashes[0]}, and --overwrite is false`);
            throw new CommandError(
              `--overwrite is false but found the following declared annotation(s): ${clashes.join('; ')}`,
            );
          }
        }
        const next = { ...current, ...changes.set };
        for (const k of changes.remove) delete next[k];
        const before = goJSON(obj);
        const metadata: Record<string, unknown> = { ...(obj.metadata ?? {}) };
        if (Object.keys(next).length > 0 || obj.metadata?.[field] !== undefined) metadata[field] = next;
        const after = goJSON({ ...obj, metadata });
        let msg = 'not labeled';
        if (before !== after) msg = !f.bool('overwrite') && after.length < before.length ? 'unlabeled' : 'labeled';
        if (what === 'annotation') msg = 'annotated';
        const patch: Record<string, unknown> = {};
        for (const k of Object.keys(next)) if (current[k] !== next[k]) patch[k] = next[k];
        for (const k of Object.keys(current)) if (!Object.hasOwn(next, k)) patch[k] = null;
        const body = Object.keys(patch).length > 0 ? { metadata: { [field]: patch } } : {};
        if (f.str('resource-version'))
          (body as { metadata?: Record<string, unknown> }).metadata = {
            ...(body as { metadata?: object }).metadata,
            resourceVersion: f.str('resource-version'),
          };
        let result: KObject = { ...obj, metadata } as KObject;
        if (dryRun !== 'client' && !f.bool('local')) {
          const query: Record<string, string> = { fieldManager: f.str('field-manager') };
          if (dryRun === 'server') query.dryRun = 'All';
          const r = await ctx.call('PATCH', resourcePath(target.mapping, obj.metadata?.namespace || undefined, name), {
            query,
            body: goJSON(body),
            contentType: 'application/merge-patch+json',
          });
          result = r.body as KObject;
        }
        printResult(ctx, f, target.mapping, result, msg, dryRun);
      }
    },
  };
}

async function objectsOf(ctx: Ctx, f: Flags, targets: Target[]): Promise<{ target: Target; obj: KObject }[]> {
  const out: { target: Target; obj: KObject }[] = [];
  for (const t of targets) {
    if (t.name !== undefined) {
      out.push({
        target: t,
        obj: await ctx.getJSON<KObject>(resourcePath(t.mapping, t.namespace || undefined, t.name)),
      });
      continue;
    }
    const query: Record<string, string> = {};
    if (f.str('selector')) query.labelSelector = f.str('selector');
    if (f.str('field-selector')) query.fieldSelector = f.str('field-selector');
    if (!f.str('selector') && !f.str('field-selector') && !f.bool('all'))
      throw new CommandError('resource(s) were provided, but no name was specified');
    const list = await ctx.getJSON<{ items?: KObject[] }>(resourcePath(t.mapping, t.namespace || undefined), query);
    for (const o of itemsOf(list)) out.push({ target: t, obj: o });
  }
  return out;
}

export const labelCmd = labelCommand('label');
export const annotateCmd = labelCommand('annotation');
