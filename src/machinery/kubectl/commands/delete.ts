/**
 * kubectl delete: names (DELETE each), -l/--all (list, then DELETE each), -f; `pod "x" deleted`
 * as each goes; then, unless --wait=false, watch until the objects are gone.
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, ErrorList, StatusError } from '../../printers/errors.ts';
import { itemsOf, resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { resourcePath } from '../discovery.ts';
import { manifestSources, readManifests } from '../manifests.ts';
import { dryRunOf, withSource } from '../mutate.ts';

interface Victim {
  target: Target;
  name: string;
  namespace: string;
  uid?: string;
}

function kindLabel(t: Target): string {
  return t.mapping.group ? `${t.mapping.kind.toLowerCase()}.${t.mapping.group}` : t.mapping.kind.toLowerCase();
}

/** Waits for a deleted object to disappear (wait.IsDeleted), by listing and then watching its name. */
export async function waitDeleted(ctx: Ctx, v: Victim): Promise<void> {
  if (!ctx.io.watch) return;
  const path = resourcePath(v.target.mapping, v.namespace || undefined);
  const fieldSelector = `metadata.name=${v.name}`;
  const list = await ctx.getJSON<KObject & { items?: KObject[] }>(path, { fieldSelector });
  const items = list.items ?? [];
  if (items.length === 0 || (v.uid && items[0]?.metadata?.uid !== v.uid)) return;
  const stream = ctx.watch(path, { fieldSelector, resourceVersion: list.metadata?.resourceVersion ?? '' });
  void ctx.io.interrupt?.then(() => stream.stop());
  try {
    for await (const e of stream) if (e.type === 'DELETED') return;
  } finally {
    stream.stop();
  }
}

export const deleteCommand: Command = {
  name: 'delete',
  flags: [
    ...FILENAME_FLAGS,
    DRY_RUN_FLAG,
    { name: 'output', short: 'o', type: 'string' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'field-selector', type: 'string' },
    { name: 'all', type: 'bool' },
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'ignore-not-found', type: 'bool' },
    { name: 'grace-period', type: 'int', default: -1 },
    { name: 'now', type: 'bool' },
    { name: 'force', type: 'bool' },
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background' },
    { name: 'wait', type: 'bool', default: true },
    { name: 'timeout', type: 'duration', default: '0s' },
    { name: 'interactive', short: 'i', type: 'bool' },
    { name: 'raw', type: 'string' },
  ],
  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    let grace = f.int('grace-period');
    if (f.bool('now')) {
      if (grace !== -1) throw new CommandError('--now and --grace-period cannot be specified together');
      grace = 1;
    }
    if (grace === 0 && !f.bool('force')) grace = 1;
    if (f.bool('force') && grace < 0) grace = 0;
    const cascade = f.str('cascade');
    const policy: Record<string, string> = {
      background: 'Background',
      true: 'Background',
      foreground: 'Foreground',
      orphan: 'Orphan',
      false: 'Orphan',
    };
    const propagation = policy[cascade];
    if (!propagation)
      throw new CommandError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`);
    if (cascade === 'true' || cascade === 'false') {
      ctx.printErr(
        `warning: --cascade=${cascade} is deprecated (boolean value) and can be replaced with --cascade=${cascade === 'true' ? 'background' : 'orphan'}.\n`,
      );
    }
    if (grace === 0) {
      ctx.warn(
        'Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.',
      );
    }
    const body: Record<string, unknown> = {};
    if (grace >= 0) body.gracePeriodSeconds = grace;
    body.propagationPolicy = propagation;
    if (dryRun === 'server') body.dryRun = ['All'];

    const selector = f.str('selector');
    const fieldSelector = f.str('field-selector');
    const all = f.bool('all');
    const filenames = f.list('filename');
    if (filenames.length === 0 && f.args.length === 0) {
      throw new CommandError(
        "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
      );
    }
    const victims: Victim[] = [];
    const errors: Error[] = [];
    let found = 0;
    const remove = async (t: Target, name: string, namespace: string, source?: string) => {
      found++;
      if (dryRun === 'client') {
        ctx.print(`${kindLabel(t)} "${name}" deleted (dry run)\n`);
        return;
      }
      try {
        const r = await ctx.call('DELETE', resourcePath(t.mapping, namespace || undefined, name), {
          body: `${JSON.stringify(body)}\n`,
        });
        const uid = (r.body as KObject)?.metadata?.uid;
        const v: Victim = { target: t, name, namespace };
        if (uid) v.uid = uid;
        victims.push(v);
        if (f.str('output') === 'name') ctx.print(`${kindLabel(t)}/${name}\n`);
        else
          ctx.print(
            `${kindLabel(t)} "${name}" ${grace === 0 ? 'force deleted' : 'deleted'}${dryRun === 'server' ? ' (server dry run)' : ''}\n`,
          );
      } catch (e) {
        if (f.bool('ignore-not-found') && e instanceof StatusError && e.status.reason === 'NotFound') {
          found--;
          return;
        }
        errors.push(withSource(e, 'deleting', source) as Error);
      }
    };
    if (filenames.length > 0) {
      for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive')))) {
        const t = await targetForManifest(ctx, m);
        await remove(t, t.name ?? '', t.namespace, m.source);
      }
    } else {
      const targets = await resolveArgs(ctx, f.args, {
        allNamespaces: f.bool('all-namespaces'),
        selector: !!selector || all,
      });
      for (const t of targets) {
        if (t.name !== undefined) {
          await remove(t, t.name, t.namespace);
          continue;
        }
        if (!selector && !fieldSelector && !all) {
          throw new CommandError(`resource(s) were provided, but no name was specified`);
        }
        const query: Record<string, string> = {};
        if (selector) query.labelSelector = selector;
        if (fieldSelector) query.fieldSelector = fieldSelector;
        const list = await ctx.getJSON<{ items?: KObject[] }>(resourcePath(t.mapping, t.namespace || undefined), query);
        for (const o of itemsOf(list)) await remove(t, o.metadata?.name ?? '', o.metadata?.namespace ?? '');
      }
    }
    if (found === 0 && errors.length === 0 && !f.bool('ignore-not-found')) ctx.print('No resources found\n');
    if (errors.length > 0) throw new ErrorList(errors);
    if (f.bool('wait') && dryRun === 'none') for (const v of victims) await waitDeleted(ctx, v);
  },
};
