/** kubectl replace -f (GET for the resourceVersion, PUT) and kubectl patch (GET, PATCH). */
import { parseAllDocuments } from 'yaml';
import type { KObject } from '../../api/types.ts';
import { CommandError, StatusError } from '../../printers/errors.ts';
import { goJSON } from '../../printers/json.ts';
import { resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import { resourcePath } from '../discovery.ts';
import { manifestSources, readManifests } from '../manifests.ts';
import {
  bodyOf,
  dryRunOf,
  FIELD_MANAGER_FLAG,
  fieldValidationOf,
  namespaced,
  printResult,
  VALIDATE_FLAG,
  verifyFieldValidation,
  withSource,
} from '../mutate.ts';

export const replaceCommand: Command = {
  name: 'replace',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    VALIDATE_FLAG,
    FIELD_MANAGER_FLAG('kubectl-replace'),
    { name: 'force', type: 'bool' },
    { name: 'grace-period', type: 'int', default: -1 },
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background' },
    { name: 'wait', type: 'bool' },
    { name: 'timeout', type: 'duration', default: '0s' },
    { name: 'save-config', type: 'bool' },
    { name: 'subresource', type: 'string' },
    { name: 'raw', type: 'string' },
  ],
  async run(ctx, f) {
    if (f.list('filename').length === 0) throw new CommandError('must specify --filename to replace');
    const dryRun = dryRunOf(ctx, f);
    const validation = fieldValidationOf(f);
    const seen = new Set<string>();
    for (const m of readManifests(manifestSources(ctx, f.list('filename'), f.bool('recursive')))) {
      const t = await targetForManifest(ctx, m);
      let obj = namespaced(m.obj, t.mapping, t.namespace);
      const name = obj.metadata?.name ?? '';
      if (validation !== 'Ignore') await verifyFieldValidation(ctx, t.mapping, seen);
      const path = resourcePath(t.mapping, t.namespace || undefined, name);
      if (f.bool('force')) {
        try {
          await ctx.call('DELETE', path, { body: `${JSON.stringify({ propagationPolicy: 'Background' })}\n` });
        } catch (e) {
          if (!(e instanceof StatusError && e.status.reason === 'NotFound')) throw withSource(e, 'deleting', m.source);
        }
        ctx.print(`${t.mapping.kind.toLowerCase()}${t.mapping.group ? `.${t.mapping.group}` : ''} "${name}" deleted\n`);
        const r = await ctx.call('POST', resourcePath(t.mapping, t.namespace || undefined), {
          query: { fieldManager: f.str('field-manager'), fieldValidation: validation },
          body: bodyOf(obj),
        });
        printResult(ctx, f, t.mapping, r.body as KObject, 'replaced', dryRun);
        continue;
      }
      try {
        if (!obj.metadata?.resourceVersion) {
          // The live resourceVersion, when there is one; a missing object is left to the PUT to report.
          let current: KObject | undefined;
          try {
            current = await ctx.getJSON<KObject>(path);
          } catch (e) {
            if (!(e instanceof StatusError && e.status.reason === 'NotFound')) throw e;
          }
          const rv = current?.metadata?.resourceVersion;
          if (rv) obj = { ...obj, metadata: { ...obj.metadata, resourceVersion: rv } };
        }
        if (dryRun === 'client') {
          printResult(ctx, f, t.mapping, obj, 'replaced', dryRun);
          continue;
        }
        const query: Record<string, string> = { fieldManager: f.str('field-manager'), fieldValidation: validation };
        if (dryRun === 'server') query.dryRun = 'All';
        const r = await ctx.call('PUT', path, { query, body: bodyOf(obj) });
        printResult(ctx, f, t.mapping, r.body as KObject, 'replaced', dryRun);
      } catch (e) {
        throw withSource(e, 'replacing', m.source);
      }
    }
  },
};

/** yaml.ToJSON of a -p argument (YAML or JSON; map keys come out sorted). */
function patchToJSON(p: string): string {
  const docs = parseAllDocuments(p, { version: '1.1' });
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (!doc || doc.errors.length > 0) {
    const msg = doc?.errors[0]?.message.split('\n')[0] ?? 'invalid';
    throw new CommandError(`unable to parse "${p}": yaml: ${msg}`);
  }
  return goJSON(doc.toJS());
}

function deepEqual(a: unknown, b: unknown): boolean {
  return goJSON(a) === goJSON(b);
}

export const patchCommand: Command = {
  name: 'patch',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    FIELD_MANAGER_FLAG('kubectl-patch'),
    { name: 'patch', short: 'p', type: 'string' },
    { name: 'patch-file', type: 'string' },
    { name: 'type', type: 'string', default: 'strategic' },
    { name: 'local', type: 'bool' },
    { name: 'subresource', type: 'string' },
  ],
  async run(ctx, f) {
    let p = f.str('patch');
    if (f.str('patch-file')) {
      const text = ctx.io.files?.[f.str('patch-file')];
      if (text === undefined)
        throw new CommandError(`unable to read patch file: open ${f.str('patch-file')}: no such file or directory`);
      p = text;
    }
    if (!p) throw new CommandError('must specify --patch or --patch-file containing the contents of the patch');
    const types: Record<string, string> = {
      json: 'application/json-patch+json',
      merge: 'application/merge-patch+json',
      strategic: 'application/strategic-merge-patch+json',
    };
    const contentType = types[f.str('type')];
    if (!contentType) throw new CommandError(`--type must be one of [json merge strategic], not "${f.str('type')}"`);
    const body = patchToJSON(p);
    const dryRun = dryRunOf(ctx, f);
    let targets: Target[];
    if (f.list('filename').length > 0) {
      targets = [];
      for (const m of readManifests(manifestSources(ctx, f.list('filename'), f.bool('recursive'))))
        targets.push(await targetForManifest(ctx, m));
    } else {
      if (f.args.length === 0)
        throw new CommandError(
          "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        );
      targets = await resolveArgs(ctx, f.args);
    }
    for (const t of targets) {
      if (t.name === undefined) throw new CommandError(`resource(s) were provided, but no name was specified`);
      const sub = f.str('subresource');
      const path = resourcePath(t.mapping, t.namespace || undefined, t.name);
      const before = await ctx.getJSON<KObject>(sub ? `${path}/${sub}` : path);
      const query: Record<string, string> = { fieldManager: f.str('field-manager') };
      if (dryRun === 'server') query.dryRun = 'All';
      const r = await ctx.call('PATCH', sub ? `${path}/${sub}` : path, { query, body, contentType });
      const after = r.body as KObject;
      const op = deepEqual(before, after) ? 'patched (no change)' : 'patched';
      printResult(ctx, f, t.mapping, after, op, dryRun);
    }
  },
};
