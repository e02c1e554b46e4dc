/**
 * kubectl apply: client-side (GET; POST with the last-applied annotation when missing; else a
 * three-way strategic merge patch between the last-applied configuration, the new one and the live
 * object: `configured`, or `unchanged` when the patch is empty) and --server-side (PATCH with
 * application/apply-patch+yaml, `serverside-applied`).
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, ErrorList, StatusError } from '../../printers/errors.ts';
import { goJSON } from '../../printers/json.ts';
import { targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import { type ApiResource, resourcePath } from '../discovery.ts';
import { type Manifest, manifestSources, readManifests } from '../manifests.ts';
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
import { createThreeWayMergePatch, PatchMeta } from '../strategic.ts';
import { lastAppliedOf, withLastApplied } from './create.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export const applyCommand: Command = {
  name: 'apply',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    VALIDATE_FLAG,
    FIELD_MANAGER_FLAG('kubectl-client-side-apply'),
    { name: 'server-side', type: 'bool' },
    { name: 'force-conflicts', type: 'bool' },
    { name: 'force', type: 'bool' },
    { name: 'overwrite', type: 'bool', default: true },
    { name: 'prune', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'all', type: 'bool' },
    { name: 'grace-period', type: 'int', default: -1 },
    { name: 'wait', type: 'bool' },
    { name: 'timeout', type: 'duration', default: '0s' },
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background' },
  ],
  async run(ctx, f) {
    if (f.list('filename').length === 0 && !f.str('kustomize')) {
      throw new CommandError(`error: must specify one of -f and -k\n`, 1, true);
    }
    const dryRun = dryRunOf(ctx, f);
    const validation = fieldValidationOf(f);
    const serverSide = f.bool('server-side');
    const manager = serverSide && !f.changed('field-manager') ? 'kubectl' : f.str('field-manager');
    const seen = new Set<string>();
    const errors: Error[] = [];
    const printed: KObject[] = [];
    const output = f.str('output');
    // With -o (other than name) apply prints every object once at the end, several as a List.
    const collect = output !== '' && output !== 'name';
    const result = (mapping: ApiResource, obj: KObject, op: string) => {
      if (collect) printed.push(obj);
      else printResult(ctx, f, mapping, obj, op, dryRun);
    };
    const applyOne = async (m: Manifest): Promise<void> => {
      const t = await targetForManifest(ctx, m);
      const modifiedObj = namespaced(m.obj, t.mapping, t.namespace);
      const name = modifiedObj.metadata?.name ?? '';
      if (validation !== 'Ignore') await verifyFieldValidation(ctx, t.mapping, seen);
      const path = resourcePath(t.mapping, t.namespace || undefined, name);
      if (serverSide) {
        const query: Record<string, string> = {
          fieldManager: manager,
          fieldValidation: validation,
          force: String(f.bool('force-conflicts')),
        };
        if (dryRun === 'server') query.dryRun = 'All';
        try {
          const r = await ctx.call('PATCH', path, {
            query,
            body: bodyOf(modifiedObj),
            contentType: 'application/apply-patch+yaml',
          });
          result(t.mapping, r.body as KObject, 'serverside-applied');
        } catch (e) {
          throw withSource(e, 'patching', m.source);
        }
        return;
      }
      let current: KObject | undefined;
      try {
        current = await ctx.getJSON<KObject>(path);
      } catch (e) {
        if (!(e instanceof StatusError && e.status.reason === 'NotFound'))
          throw withSource(e, 'retrieving current configuration of', m.source);
      }
      const annotated = withLastApplied(modifiedObj);
      if (!current) {
        if (dryRun === 'client') {
          result(t.mapping, annotated, 'created');
          return;
        }
        const query: Record<string, string> = { fieldManager: manager, fieldValidation: validation };
        if (dryRun === 'server') query.dryRun = 'All';
        try {
          const r = await ctx.call('POST', resourcePath(t.mapping, t.namespace || undefined), {
            query,
            body: bodyOf(annotated),
          });
          result(t.mapping, r.body as KObject, 'created');
        } catch (e) {
          throw withSource(e, 'creating', m.source);
        }
        return;
      }
      const originalText = current.metadata?.annotations?.[LAST_APPLIED];
      if (originalText === undefined) {
        ctx.warn(
          `resource ${t.mapping.resource}/${name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.`,
        );
      }
      const original = originalText ? JSON.parse(originalText) : {};
      const modified = JSON.parse(bodyOf(annotated));
      void lastAppliedOf;
      const patch = createThreeWayMergePatch(original, modified, current, PatchMeta.forKind(t.mapping.kind));
      const patchText = bodyOf(patch).trimEnd();
      if (patchText === '{}') {
        result(t.mapping, current, 'unchanged');
        return;
      }
      if (dryRun === 'client') {
        result(t.mapping, current, 'configured');
        return;
      }
      const query: Record<string, string> = { fieldManager: manager, fieldValidation: validation };
      if (dryRun === 'server') query.dryRun = 'All';
      try {
        const r = await ctx.call('PATCH', path, {
          query,
          body: patchText,
          contentType: 'application/strategic-merge-patch+json',
        });
        result(t.mapping, r.body as KObject, 'configured');
      } catch (e) {
        throw withSource(e, 'patching', m.source);
      }
    };
    for (const m of readManifests(manifestSources(ctx, f.list('filename'), f.bool('recursive')))) {
      try {
        await applyOne(m);
      } catch (e) {
        errors.push(e as Error);
      }
    }
    if (printed.length === 1) printResult(ctx, f, { group: '', kind: '' }, printed[0] as KObject, '', dryRun);
    else if (printed.length > 1) {
      const items = printed.map((o) => JSON.parse(goJSON(o)) as KObject);
      const list = { kind: 'List', apiVersion: 'v1', metadata: {}, items } as unknown as KObject;
      printResult(ctx, f, { group: '', kind: '' }, list, '', dryRun, false);
    }
    if (errors.length > 0) throw new ErrorList(errors);
  },
};
