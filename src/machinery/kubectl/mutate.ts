/** What the commands that change objects share: dry-run, field validation, bodies and result lines. */
import type { KObject } from '../api/types.ts';
import { CommandError, StatusError } from '../printers/errors.ts';
import { goJSON, printJSON } from '../printers/json.ts';
import { omitManagedFields, parseOutput, printObject } from '../printers/output.ts';
import { formatMicroTime } from '../printers/time.ts';
import type { DryRun } from './command.ts';
import type { Ctx } from './context.ts';
import { type ApiResource, kindString } from './discovery.ts';
import type { FlagDef, Flags } from './flags.ts';

export const VALIDATE_FLAG: FlagDef = { name: 'validate', type: 'string', default: 'strict', noOptDefault: 'strict' };
export const FIELD_MANAGER_FLAG = (def: string): FlagDef => ({ name: 'field-manager', type: 'string', default: def });

/** GetDryRunStrategy. */
export function dryRunOf(ctx: Ctx, f: Flags): DryRun {
  const v = f.str('dry-run');
  switch (v) {
    case 'unchanged':
      ctx.printErr(
        klog('W', 'helpers.go:702', '--dry-run is deprecated and can be replaced with --dry-run=client.', ctx.now()),
      );
      return 'client';
    case 'client':
      return 'client';
    case 'server':
      return 'server';
    case 'none':
    case '':
      return 'none';
  }
  throw new CommandError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** A klog line (`W1122 02:16:04.744112       1 helpers.go:702] msg`) at simulated time. */
export function klog(level: string, where: string, msg: string, now: number): string {
  const t = formatMicroTime(now); // 2006-01-02T15:04:05.000000Z
  return `${level}${t.slice(5, 7)}${t.slice(8, 10)} ${t.slice(11, 26)} ${'1'.padStart(7)} ${where}] ${msg}\n`;
}

/** --validate: the fieldValidation query parameter. */
export function fieldValidationOf(f: Flags): 'Strict' | 'Warn' | 'Ignore' {
  const v = f.str('validate').toLowerCase();
  if (v === 'true' || v === 'strict') return 'Strict';
  if (v === 'warn') return 'Warn';
  if (v === 'false' || v === 'ignore') return 'Ignore';
  throw new CommandError(
    `invalid - validate option "${f.str('validate')}"; must be one of: strict (or true), warn, ignore (or false)`,
  );
}

/**
 * The OpenAPI v3 lookups kubectl makes to learn whether the server validates fields itself (the
 * root index, then the group-version document). Missing OpenAPI is tolerated.
 */
export async function verifyFieldValidation(ctx: Ctx, mapping: ApiResource, seen: Set<string>): Promise<void> {
  const gv = mapping.group ? `apis/${mapping.group}/${mapping.version}` : `api/${mapping.version}`;
  if (seen.has(gv)) return;
  seen.add(gv);
  let root: { paths?: Record<string, { serverRelativeURL?: string }> } | undefined;
  try {
    const r = await ctx.send({
      method: 'GET',
      path: '/openapi/v3',
      query: { timeout: '32s' },
      headers: { accept: 'application/json, */*' },
    });
    if (r.status === 200) root = r.body as typeof root;
  } catch {
    root = undefined;
  }
  const url = root?.paths?.[gv]?.serverRelativeURL;
  if (!url) return;
  const [path, qs = ''] = url.split('?', 2) as [string, string?];
  const query: Record<string, string> = {};
  for (const kv of qs.split('&').filter(Boolean)) {
    const [k, v = ''] = kv.split('=', 2) as [string, string?];
    query[k] = v;
  }
  query.timeout = '32s';
  await ctx.send({ method: 'GET', path, query, headers: { accept: 'application/json' } });
}

/** A request body as kubectl's unstructured JSON encoder writes it (sorted keys, trailing newline). */
export function bodyOf(obj: unknown): string {
  return `${goJSON(obj)}\n`;
}

/** `deployment.apps/web created`, with the dry-run suffix. */
export function resultLine(
  mapping: { group: string; kind: string },
  name: string,
  op: string,
  dryRun: DryRun = 'none',
): string {
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  return `${kindString(mapping)}/${name} ${op}${suffix}\n`;
}

/** Prints the outcome: `-o name|json|yaml|…` prints the object, else the result line. */
export function printResult(
  ctx: Ctx,
  f: Flags,
  mapping: { group: string; kind: string },
  obj: KObject,
  op: string,
  dryRun: DryRun = 'none',
  sortKeys = true,
): void {
  const o = f.str('output');
  if (o && o !== 'wide') {
    const fmt = parseOutput(
      o,
      ctx.io.files,
      'go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, name, template, templatefile, yaml',
    );
    if (fmt.kind === 'name') {
      ctx.print(`${kindString(mapping)}/${obj.metadata?.name ?? ''}\n`);
      return;
    }
    // PrintFlags wraps every JSON/YAML printer in OmitManagedFieldsPrinter unless --show-managed-fields.
    const shown = f.bool('show-managed-fields') ? obj : omitManagedFields(obj);
    ctx.print(
      fmt.kind === 'json'
        ? printJSON(shown, sortKeys)
        : printObject({ ...fmt, allowMissingKeys: f.bool('allow-missing-template-keys') }, shown),
    );
    return;
  }
  ctx.print(resultLine(mapping, obj.metadata?.name ?? '', op, dryRun));
}

/** Prefixes an API error's message as the builder does (`error when creating "x.yaml": ...`). */
export function withSource(e: unknown, verb: string, source: string | undefined): unknown {
  if (!(e instanceof StatusError) || !source) return e;
  return new StatusError({ ...e.status, message: `error when ${verb} "${source}": ${e.status.message ?? ''}` });
}

/** Sets metadata.namespace right after the name, where ObjectMeta's field order puts it. */
export function withNamespace(obj: KObject, namespace: string): KObject {
  const md: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj.metadata ?? {})) {
    if (k === 'namespace') continue;
    md[k] = v;
    if (k === 'name') md.namespace = namespace;
  }
  if (!('namespace' in md)) md.namespace = namespace;
  return { ...obj, metadata: md };
}

/** cobra's missing required flag, reported through klog as kubectl does. */
export function requiredFlag(ctx: Ctx, name: string): CommandError {
  return new CommandError(
    klog('E', 'run.go:72', `"command failed" err="required flag(s) \\"${name}\\" not set"`, ctx.now()),
    1,
    true,
  );
}

export function namespaced(obj: KObject, mapping: ApiResource, namespace: string): KObject {
  if (!mapping.namespaced) return obj;
  return { ...obj, metadata: { ...(obj.metadata ?? {}), namespace } };
}
