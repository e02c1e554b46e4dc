/**
 * kubectl get (pkg/cmd/get/get.go): server-side Tables for the human-readable formats, full
 * objects for -o name/json/yaml/jsonpath/custom-columns, `kind/name` prefixes when several kinds
 * are printed, a blank line between kinds, "No resources found" on stderr, errors after the
 * output, and -w: list, then watch from the list's resourceVersion, one row per event.
 */
import type { KObject, Status } from '../../api/types.ts';
import { translateTimestampSince } from '../../printers/duration.ts';
import { CommandError, ErrorList, StatusError } from '../../printers/errors.ts';
import { goSprint } from '../../printers/gofmt.ts';
import { JSONPath } from '../../printers/jsonpath.ts';
import {
  asList,
  type OutputFormat,
  omitManagedFields,
  parseOutput,
  printCustomColumns,
  printObject,
  relaxedJSONPath,
} from '../../printers/output.ts';
import { HumanReadablePrinter, type PrintOptions } from '../../printers/table-printer.ts';
import { TABLE_ACCEPT, type Table } from '../../printers/table-types.ts';
import { KUBECTL_TABLE, TabWriter } from '../../printers/tabwriter.ts';
import { itemsOf, resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { groupResourceString, kindString, resourcePath } from '../discovery.ts';
import type { Flags } from '../flags.ts';
import { manifestSources, readManifests } from '../manifests.ts';

interface Info {
  target: Target;
  /** A Table for human-readable output, otherwise the object or list. */
  table?: Table;
  objects?: KObject[];
  /** True when the info is one named object. */
  single: boolean;
}

function listQuery(f: Flags, extra: Record<string, string> = {}): Record<string, string> {
  const q: Record<string, string> = {};
  const ls = f.str('selector');
  const fs = f.str('field-selector');
  if (ls) q.labelSelector = ls;
  if (fs) q.fieldSelector = fs;
  // --sort-by turns chunking off (everything must be in one list to sort it).
  const chunk = f.str('sort-by') ? 0 : f.int('chunk-size');
  if (chunk > 0) q.limit = String(chunk);
  return { ...q, ...extra };
}

/** The NotFound/BadRequest rewording of a failed list (cli-runtime's Selector visitor). */
function listError(e: unknown, t: Target, f: Flags): unknown {
  if (!(e instanceof StatusError)) return e;
  const s = e.status;
  if (s.reason !== 'NotFound' && s.reason !== 'BadRequest') return e;
  const gvr = `${t.mapping.group}/${t.mapping.version}, Resource=${t.mapping.resource}`;
  const ls = f.str('selector');
  const fs = f.str('field-selector');
  const message =
    !ls && !fs
      ? `Unable to list ${JSON.stringify(gvr)}: ${s.message ?? ''}`
      : `Unable to find ${JSON.stringify(gvr)} that match label selector ${JSON.stringify(ls)}, field selector ${JSON.stringify(fs)}: ${s.message ?? ''}`;
  return new StatusError({ ...s, message } as Status);
}

async function fetchTable(ctx: Ctx, t: Target, f: Flags, includeObject: boolean): Promise<Table> {
  const extra: Record<string, string> = includeObject ? { includeObject: 'Object' } : {};
  if (t.name !== undefined) {
    return ctx.getJSON<Table>(resourcePath(t.mapping, t.namespace || undefined, t.name), extra, TABLE_ACCEPT);
  }
  let table: Table | undefined;
  let cont = '';
  for (;;) {
    const q = listQuery(f, extra);
    if (cont) q.continue = cont;
    let page: Table;
    try {
      page = await ctx.getJSON<Table>(resourcePath(t.mapping, t.namespace || undefined), q, TABLE_ACCEPT);
    } catch (e) {
      throw listError(e, t, f);
    }
    if (page.kind !== 'Table') page = tableFromObjects(ctx, page as unknown as KObject);
    table = table ? { ...table, rows: [...table.rows, ...page.rows] } : page;
    cont = page.metadata?.continue ?? '';
    if (!cont) break;
  }
  return table as Table;
}

/** A server that answered plain objects: NAME and AGE, as kubectl's default printer. */
function tableFromObjects(ctx: Ctx, body: KObject): Table {
  const items = Array.isArray((body as { items?: unknown }).items) ? itemsOf(body as { items: KObject[] }) : [body];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: '', priority: 0 },
    ],
    rows: items.map((o) => ({
      cells: [o.metadata?.name ?? '', ageOf(ctx, o)],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} },
    })),
  };
}

function ageOf(ctx: Ctx, o: KObject): string {
  return translateTimestampSince(o.metadata?.creationTimestamp, ctx.now());
}

async function fetchObjects(ctx: Ctx, t: Target, f: Flags): Promise<KObject[]> {
  if (t.name !== undefined)
    return [await ctx.getJSON<KObject>(resourcePath(t.mapping, t.namespace || undefined, t.name))];
  const out: KObject[] = [];
  let cont = '';
  for (;;) {
    const q = listQuery(f);
    if (cont) q.continue = cont;
    let list: KObject & { items?: KObject[]; metadata?: { continue?: string } };
    try {
      list = await ctx.getJSON(resourcePath(t.mapping, t.namespace || undefined), q);
    } catch (e) {
      throw listError(e, t, f);
    }
    out.push(...itemsOf(list));
    cont = (list.metadata as { continue?: string } | undefined)?.continue ?? '';
    if (!cont) break;
  }
  return out;
}

/** kubectl's sorter: natural order for strings, numeric for numbers, missing first. */
function naturalLess(a: string, b: string): boolean {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < pa.length && i < pb.length; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d < 0;
      return x.length < y.length;
    }
    return x < y;
  }
  return pa.length < pb.length;
}

function sortKey(expr: string, obj: unknown): unknown {
  const values = new JSONPath(relaxedJSONPath(expr)).parse().findResults(obj).flat();
  return values[0];
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : goSprint(a);
  const sb = typeof b === 'string' ? b : goSprint(b);
  return naturalLess(sa, sb) ? -1 : naturalLess(sb, sa) ? 1 : 0;
}

function sortBy<T>(items: T[], expr: string, objectOf: (t: T) => unknown): T[] {
  return items
    .map((item, i) => ({ item, i, key: sortKey(expr, objectOf(item)) }))
    .sort((x, y) => compareValues(x.key, y.key) || x.i - y.i)
    .map((x) => x.item);
}

async function targetsOf(ctx: Ctx, f: Flags): Promise<Target[]> {
  const filenames = f.list('filename');
  if (filenames.length > 0) {
    const out: Target[] = [];
    for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive'))))
      out.push(await targetForManifest(ctx, m));
    return out;
  }
  return resolveArgs(ctx, f.args, { allNamespaces: f.bool('all-namespaces'), selector: !!f.str('selector') });
}

function requireResource(f: Flags): void {
  if (f.args.length === 0 && f.list('filename').length === 0) {
    throw new CommandError(
      `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples`,
      1,
      true,
    );
  }
}

async function runHumanReadable(ctx: Ctx, f: Flags, fmt: OutputFormat, targets: Target[]): Promise<void> {
  const errors: Error[] = [];
  const infos: Info[] = [];
  const sortExpr = f.str('sort-by');
  for (const t of targets) {
    try {
      infos.push({ target: t, table: await fetchTable(ctx, t, f, !!sortExpr), single: t.name !== undefined });
    } catch (e) {
      if (f.bool('ignore-not-found') && e instanceof StatusError && e.status.reason === 'NotFound') continue;
      errors.push(e as Error);
    }
  }
  const kinds = new Set(infos.map((i) => kindString(i.target.mapping)));
  const withKind = kinds.size > 1 || f.bool('show-kind');
  const all = f.bool('all-namespaces');
  let lastMapping: string | undefined;
  let printer: HumanReadablePrinter | undefined;
  const writer = new TabWriter(KUBECTL_TABLE);
  let written = 0;
  let separatorPending = false;
  writer.onOutput = (s) => {
    if (separatorPending) {
      ctx.print('\n');
      separatorPending = false;
    }
    written += s.length;
    ctx.print(s);
  };
  let allNamespaced = !all;
  for (const info of infos) {
    const m = info.target.mapping;
    allNamespaced = allNamespaced && m.namespaced;
    const key = groupResourceString(m);
    if (printer === undefined || key !== lastMapping) {
      writer.flush();
      writer.setRememberedWidths(null);
      if (lastMapping !== undefined && !f.bool('no-headers') && written > 0) separatorPending = true;
      const opts: PrintOptions = {
        wide: fmt.kind === 'wide',
        noHeaders: f.bool('no-headers'),
        allNamespaces: all && m.namespaced,
        showLabels: f.bool('show-labels'),
        labelColumns: f.list('label-columns'),
      };
      if (withKind) opts.kind = kindString(m);
      printer = new HumanReadablePrinter(opts, writer);
      lastMapping = key;
    }
    let table = info.table as Table;
    if (sortExpr) table = { ...table, rows: sortBy(table.rows, sortExpr, (r) => r.object) };
    printer.printObj(table);
  }
  writer.flush();
  separatorPending = false;
  if (written === 0 && !f.bool('ignore-not-found') && errors.length === 0) {
    if (allNamespaced) ctx.printErr(`No resources found in ${ctx.namespace} namespace.\n`);
    else ctx.printErr('No resources found\n');
  }
  if (errors.length > 0) throw new ErrorList(errors);
}

async function runGeneric(ctx: Ctx, f: Flags, targets: Target[]): Promise<void> {
  const errors: Error[] = [];
  const objects: KObject[] = [];
  const singleItemImplied = targets.length === 1 && targets[0]?.name !== undefined;
  for (const t of targets) {
    try {
      objects.push(...(await fetchObjects(ctx, t, f)));
    } catch (e) {
      if (f.bool('ignore-not-found') && e instanceof StatusError && e.status.reason === 'NotFound') continue;
      if (singleItemImplied) throw e;
      errors.push(e as Error);
    }
  }
  const strip = (o: KObject) => (f.bool('show-managed-fields') ? o : omitManagedFields(o));
  if (objects.length === 0 && f.bool('ignore-not-found') && errors.length === 0) return;
  // Upstream makes the printer after fetching, so a bad -o fails after the requests.
  const fmt = {
    ...parseOutput(f.str('output'), ctx.io.files),
    allowMissingKeys: f.bool('allow-missing-template-keys'),
  };
  let printed: KObject;
  if (singleItemImplied && objects.length === 1) printed = strip(objects[0] as KObject);
  else {
    let items = objects.map(strip);
    const sortExpr = f.str('sort-by');
    if (sortExpr) items = sortBy(items, sortExpr, (o) => o);
    printed = asList(items);
  }
  if (fmt.kind === 'custom-columns' && f.bool('no-headers')) {
    const items = (printed as { items?: KObject[] }).items;
    ctx.print(printCustomColumns(fmt.arg, Array.isArray(items) ? items : [printed], true));
  } else ctx.print(printObject(fmt, printed));
  if (errors.length > 0) throw new ErrorList(errors);
}

async function runWatch(ctx: Ctx, f: Flags, fmt: OutputFormat, targets: Target[]): Promise<void> {
  const kinds = new Set(targets.map((t) => kindString(t.mapping)));
  if (kinds.size > 1) {
    throw new CommandError(
      'watch is only supported on individual resources and resource collections, but a list of resources is found',
    );
  }
  const t = targets[0] as Target;
  const human = fmt.kind === 'table' || fmt.kind === 'wide';
  const all = f.bool('all-namespaces');
  const opts: PrintOptions = {
    wide: fmt.kind === 'wide',
    noHeaders: f.bool('no-headers'),
    allNamespaces: all && t.mapping.namespaced,
    showLabels: f.bool('show-labels'),
    labelColumns: f.list('label-columns'),
  };
  const writer = new TabWriter(KUBECTL_TABLE);
  writer.onOutput = (s) => ctx.print(s);
  const printer = new HumanReadablePrinter(opts, writer);
  const events = f.bool('output-watch-events');
  const printOne = (obj: KObject | Table, type?: string) => {
    if (human) {
      const table = obj.kind === 'Table' ? (obj as Table) : tableFromObjects(ctx, obj as KObject);
      printer.printObj(table, events ? type : undefined);
    } else {
      const o = f.bool('show-managed-fields') ? (obj as KObject) : omitManagedFields(obj as KObject);
      ctx.print(printObject(fmt, o));
    }
  };
  // The initial state.
  let rv = '0';
  let initial: KObject | Table;
  if (human) initial = await fetchTable(ctx, t, f, false);
  else
    initial =
      t.name !== undefined ? ((await fetchObjects(ctx, t, f))[0] as KObject) : asList(await fetchObjects(ctx, t, f));
  const isList = t.name === undefined;
  if (isList) rv = (initial.metadata as { resourceVersion?: string } | undefined)?.resourceVersion ?? '0';
  if (!f.bool('watch-only')) {
    if (human) {
      const table = initial as Table;
      if (events) for (const r of table.rows) printOne({ ...table, rows: [r] }, 'ADDED');
      else printOne(table);
    } else {
      const items = isList ? ((initial as { items?: KObject[] }).items ?? []) : [initial as KObject];
      for (const i of items) printOne(i, 'ADDED');
    }
    writer.flush();
  }
  // Then the changes.
  const query: Record<string, string> = { resourceVersion: rv };
  if (t.name !== undefined) query.fieldSelector = `metadata.name=${t.name}`;
  else {
    if (f.str('field-selector')) query.fieldSelector = f.str('field-selector');
    if (f.str('selector')) query.labelSelector = f.str('selector');
  }
  const stream = ctx.watch(
    resourcePath(t.mapping, t.namespace || undefined),
    query,
    human ? TABLE_ACCEPT : 'application/json',
  );
  let output = isList;
  void ctx.io.interrupt?.then(() => stream.stop());
  for await (const e of stream) {
    if (e.type === 'ERROR') {
      const s = e.object as unknown as Status;
      throw new StatusError(s);
    }
    if (e.type === 'BOOKMARK') continue;
    if (output) {
      printOne(e.object, e.type);
      writer.flush();
    }
    output = true;
  }
}

export const getCommand: Command = {
  name: 'get',
  flags: [
    ...OUTPUT_FLAGS,
    ...FILENAME_FLAGS,
    { name: 'watch', short: 'w', type: 'bool' },
    { name: 'watch-only', type: 'bool' },
    { name: 'output-watch-events', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'field-selector', type: 'string' },
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'label-columns', short: 'L', type: 'stringSlice' },
    { name: 'show-labels', type: 'bool' },
    { name: 'show-kind', type: 'bool' },
    { name: 'no-headers', type: 'bool' },
    { name: 'sort-by', type: 'string' },
    { name: 'ignore-not-found', type: 'bool' },
    { name: 'chunk-size', type: 'int', default: 500 },
    { name: 'raw', type: 'string' },
    { name: 'subresource', type: 'string' },
    { name: 'server-print', type: 'bool', default: true },
  ],
  async run(ctx, f) {
    const raw = f.str('raw');
    if (raw) {
      const [path, qs = ''] = raw.split('?', 2) as [string, string?];
      const query: Record<string, string> = {};
      for (const kv of qs.split('&').filter(Boolean)) {
        const [k, v = ''] = kv.split('=', 2) as [string, string?];
        query[decodeURIComponent(k)] = decodeURIComponent(v);
      }
      const r = await ctx.call('GET', path, { query });
      ctx.print(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
      return;
    }
    const output = f.str('output');
    requireResource(f);
    const targets = await targetsOf(ctx, f);
    if (f.bool('watch') || f.bool('watch-only')) return runWatch(ctx, f, parseOutput(output, ctx.io.files), targets);
    if (output === '' || output === 'wide') return runHumanReadable(ctx, f, parseOutput(output), targets);
    return runGeneric(ctx, f, targets);
  },
};
