/**
 * kubectl's generic output formats: -o name, json, yaml, jsonpath, custom-columns, and the
 * helpers get uses around them (dropping managedFields, wrapping several objects in a List).
 */
import type { KObject } from '../api/types.ts';
import { CommandError } from './errors.ts';
import { goQuote, goSharpV } from './gofmt.ts';
import { printJSON } from './json.ts';
import { JSONPath, JSONPathError } from './jsonpath.ts';
import { KUBECTL_TABLE, TabWriter } from './tabwriter.ts';
import { toYAML } from './yaml.ts';

export type OutputKind =
  | 'table'
  | 'wide'
  | 'name'
  | 'json'
  | 'yaml'
  | 'jsonpath'
  | 'jsonpath-as-json'
  | 'custom-columns';

export interface OutputFormat {
  kind: OutputKind;
  /** The template (jsonpath, custom-columns). */
  arg: string;
  /** --allow-missing-template-keys (default true): a missing key prints nothing instead of failing. */
  allowMissingKeys?: boolean;
}

const ALLOWED =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

/** Parses `-o`; `files` resolves jsonpath-file / custom-columns-file. */
export function parseOutput(o: string, files: Record<string, string> = {}, allowed = ALLOWED): OutputFormat {
  if (o === '') return { kind: 'table', arg: '' };
  const eq = o.indexOf('=');
  const kind = eq >= 0 ? o.slice(0, eq) : o;
  const arg = eq >= 0 ? o.slice(eq + 1) : '';
  const fromFile = (name: string): string => {
    const t = files[name];
    if (t === undefined)
      throw new CommandError(`error reading template ${name}, open ${name}: no such file or directory`);
    return t;
  };
  switch (kind) {
    case 'wide':
    case 'name':
    case 'json':
    case 'yaml':
      if (eq < 0) return { kind, arg: '' };
      break;
    case 'jsonpath':
    case 'jsonpath-as-json':
      if (arg === '') throw new CommandError('template format specified but no template given');
      return { kind, arg };
    case 'jsonpath-file':
      return { kind: 'jsonpath', arg: fromFile(arg).trim() };
    case 'custom-columns':
      if (arg === '') throw new CommandError('custom-columns format specified but no custom columns given');
      return { kind, arg };
    case 'custom-columns-file':
      return { kind: 'custom-columns', arg: fromFile(arg) };
  }
  throw new CommandError(
    `unable to match a printer suitable for the output format "${o}", allowed formats are: ${allowed}`,
  );
}

/** `kind.group/name` for -o name and for messages like `deployment.apps/web created`. */
export function resourceName(obj: KObject): string {
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = (obj.kind ?? '').toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${obj.metadata?.name ?? ''}`;
}

/** A copy without metadata.managedFields (on the object and on list items). */
export function omitManagedFields(obj: KObject): KObject {
  const strip = (o: KObject): KObject => {
    if (!o.metadata?.managedFields) return o;
    const { managedFields: _drop, ...metadata } = o.metadata;
    return { ...o, metadata };
  };
  const items = (obj as { items?: KObject[] }).items;
  if (Array.isArray(items)) return { ...strip(obj), items: items.map(strip) } as KObject;
  return strip(obj);
}

/** The List kubectl prints for several objects: `{"apiVersion":"v1","items":[…],"kind":"List","metadata":{"resourceVersion":""}}`. */
export function asList(items: KObject[]): KObject {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } } as KObject;
}

/** Runs a jsonpath template as kubectl's JSONPathPrinter (error text included). */
export function printJSONPath(template: string, obj: unknown, asJSON = false, allowMissingKeys = true): string {
  let jp: JSONPath;
  try {
    jp = new JSONPath(template).parse();
    jp.allowMissingKeys = allowMissingKeys;
  } catch (e) {
    throw new CommandError(`error parsing jsonpath ${template}, ${(e as Error).message}`);
  }
  try {
    if (asJSON) return printJSON(jp.findResults(obj).flat());
    return jp.execute(obj);
  } catch (e) {
    if (!(e instanceof JSONPathError)) throw e;
    throw new CommandError(
      `error executing jsonpath ${goQuote(template)}: Error executing template: ${e.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${template}\n\tobject given to jsonpath engine was:\n\t\t${goSharpV(obj)}\n\n\n`,
    );
  }
}

/** RelaxedJSONPathExpression: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`. */
export function relaxedJSONPath(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{?(.*?)\}?$/.exec(expr);
  let inner = m?.[1] ?? expr;
  if (!inner.startsWith('.') && !inner.startsWith('[')) inner = `.${inner}`;
  return `{${inner}}`;
}

/** -o custom-columns=HEADER:.path,... over objects. */
export function printCustomColumns(spec: string, objects: KObject[], noHeaders = false): string {
  const cols = spec
    .split(',')
    .filter((c) => c.trim() !== '')
    .map((c) => {
      const i = c.indexOf(':');
      if (i < 0) throw new CommandError(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
      return { header: c.slice(0, i), path: relaxedJSONPath(c.slice(i + 1)) };
    });
  const w = new TabWriter(KUBECTL_TABLE);
  if (!noHeaders) w.write(`${cols.map((c) => c.header).join('\t')}\n`);
  for (const o of objects) {
    const cells = cols.map((c) => {
      const jp = new JSONPath(c.path).parse();
      const values = jp.findResults(o).flat();
      if (values.length === 0 || values.every((v) => v === null || v === undefined)) return '<none>';
      return values.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(',');
    });
    w.write(`${cells.join('\t')}\n`);
  }
  w.flush();
  return w.take();
}

/** -o json / -o yaml / -o jsonpath / -o name of one object (a List for several). */
export function printObject(fmt: OutputFormat, obj: KObject): string {
  switch (fmt.kind) {
    case 'json':
      return printJSON(obj);
    case 'yaml':
      return toYAML(obj);
    case 'jsonpath':
    case 'jsonpath-as-json':
      return printJSONPath(fmt.arg, obj, fmt.kind === 'jsonpath-as-json', fmt.allowMissingKeys ?? true);
    case 'name': {
      const items = (obj as { items?: KObject[] }).items;
      if (Array.isArray(items)) return items.map((i) => `${resourceName(i)}\n`).join('');
      return `${resourceName(obj)}\n`;
    }
    case 'custom-columns': {
      const items = (obj as { items?: KObject[] }).items;
      return printCustomColumns(fmt.arg, Array.isArray(items) ? items : [obj]);
    }
    default:
      throw new CommandError(`unexpected output format ${fmt.kind}`);
  }
}
