/**
 * kubectl describe (pkg/cmd/describe): resolve the arguments, fetch each object, then let its
 * describer fetch it again with what it needs and print; several descriptions are separated by a
 * blank line; `describe TYPE PREFIX` falls back to every object whose name starts with PREFIX.
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, ErrorList, StatusError } from '../../printers/errors.ts';
import { itemsOf, resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, FILENAME_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { describeObject } from '../describers.ts';
import { resourcePath } from '../discovery.ts';
import type { Flags } from '../flags.ts';
import { manifestSources, readManifests } from '../manifests.ts';

interface Info {
  target: Target;
  namespace: string;
  name: string;
}

async function infosFor(ctx: Ctx, f: Flags, t: Target): Promise<Info[]> {
  if (t.name !== undefined) {
    const o = await ctx.getJSON<KObject>(resourcePath(t.mapping, t.namespace || undefined, t.name));
    return [{ target: t, namespace: o.metadata?.namespace ?? t.namespace, name: o.metadata?.name ?? t.name }];
  }
  const query: Record<string, string> = {};
  if (f.str('selector')) query.labelSelector = f.str('selector');
  query.limit = String(f.int('chunk-size'));
  const list = await ctx.getJSON<{ items?: KObject[] }>(resourcePath(t.mapping, t.namespace || undefined), query);
  return itemsOf(list).map((o) => ({
    target: t,
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
  }));
}

export const describeCommand: Command = {
  name: 'describe',
  flags: [
    ...FILENAME_FLAGS,
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'show-events', type: 'bool', default: true },
    { name: 'chunk-size', type: 'int', default: 500 },
  ],
  async run(ctx, f) {
    const settings = { showEvents: f.bool('show-events'), chunkSize: f.int('chunk-size') };
    let targets: Target[];
    const filenames = f.list('filename');
    if (filenames.length > 0) {
      targets = [];
      for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive'))))
        targets.push(await targetForManifest(ctx, m));
    } else {
      if (f.args.length === 0) {
        throw new CommandError(
          `You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n`,
          1,
          true,
        );
      }
      targets = await resolveArgs(ctx, f.args, {
        allNamespaces: f.bool('all-namespaces'),
        selector: !!f.str('selector'),
      });
    }
    const errors: Error[] = [];
    const infos: Info[] = [];
    for (const t of targets) {
      try {
        infos.push(...(await infosFor(ctx, f, t)));
      } catch (e) {
        if (
          e instanceof StatusError &&
          e.status.reason === 'NotFound' &&
          f.args.length === 2 &&
          filenames.length === 0
        ) {
          return describeMatching(ctx, f, e, t, f.args[1] as string, settings);
        }
        errors.push(e as Error);
      }
    }
    let first = true;
    const seen = new Set<string>();
    for (const info of infos) {
      try {
        const s = await describeObject(ctx, info.target.mapping, info.namespace, info.name, settings);
        if (first) {
          first = false;
          ctx.print(s);
        } else ctx.print(`\n\n${s}`);
      } catch (e) {
        const msg = (e as Error).message;
        if (seen.has(msg)) continue;
        seen.add(msg);
        errors.push(e as Error);
      }
    }
    if (infos.length === 0 && errors.length === 0) {
      if (f.bool('all-namespaces')) ctx.printErr('No resources found\n');
      else ctx.printErr(`No resources found in ${ctx.namespace} namespace.\n`);
    }
    if (errors.length > 0) throw new ErrorList(errors);
  },
};

async function describeMatching(
  ctx: Ctx,
  f: Flags,
  original: Error,
  t: Target,
  prefix: string,
  settings: { showEvents: boolean; chunkSize: number },
): Promise<void> {
  const list = await ctx.getJSON<{ items?: KObject[] }>(resourcePath(t.mapping, t.namespace || undefined), {
    limit: String(f.int('chunk-size')),
  });
  let found = false;
  for (const o of itemsOf(list)) {
    const name = o.metadata?.name ?? '';
    if (!name.startsWith(prefix)) continue;
    found = true;
    ctx.print(`${await describeObject(ctx, t.mapping, o.metadata?.namespace ?? t.namespace, name, settings)}\n`);
  }
  if (!found) throw original;
}
