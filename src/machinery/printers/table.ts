/**
 * The server-side Table converter kube-apiserver calls when a request's Accept asks for
 * `as=Table;v=v1;g=meta.k8s.io` (kubectl get always does). Mirrors `printers.TableConvertor` plus
 * the endpoint's `transformObject`: all columns including wide ones, rows in list order, each row's
 * object reduced to PartialObjectMetadata unless `includeObject=Object` (or dropped for `None`).
 */
import type { KObject, ResourceInfo } from '../api/types.ts';
import { printerFor } from './columns.ts';
import type { IncludeObject, Table, TableRow } from './table-types.ts';

export interface ToTableOptions {
  /** Simulated epoch milliseconds, for AGE and other durations. */
  now: number;
  /** The list's (or object's) resourceVersion. */
  resourceVersion: string;
  includeObject?: IncludeObject;
  /** TableOptions.noHeaders: omit columnDefinitions (upstream sends none then). */
  noHeaders?: boolean;
  /** Continue token and remaining count for a chunked list. */
  continue?: string;
  remainingItemCount?: number;
}

function rowObject(info: ResourceInfo, obj: KObject, include: IncludeObject): TableRow['object'] {
  switch (include) {
    case 'None':
      return null;
    case 'Object': {
      const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
      return { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? info.kind };
    }
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { ...(obj.metadata ?? {}) } };
  }
}

/** Converts objects of one resource to a `meta.k8s.io/v1` Table. */
export function toTable(info: ResourceInfo, objects: KObject[], opts: ToTableOptions): Table {
  const printer = printerFor(info.group, info.resource);
  const include = opts.includeObject ?? 'Metadata';
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const rows = objects.map((o): TableRow => {
    const printed = printer.row(o, opts.now);
    // Key order as upstream serializes a TableRow: cells, conditions, object.
    return printed.conditions
      ? { cells: printed.cells, conditions: printed.conditions, object: rowObject(info, o, include) }
      : { cells: printed.cells, object: rowObject(info, o, include) };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
