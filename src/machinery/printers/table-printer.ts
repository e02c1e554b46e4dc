/**
 * Client-side table printing: what kubectl does with a server Table (cli-runtime
 * `HumanReadablePrinter`): decorate it (NAMESPACE first with -A, `kind/name` when several kinds
 * are printed, -L label columns, LABELS last), drop priority-1 columns unless -o wide, upper-case
 * the headers, and lay the rows out with kubectl's tabwriter. Headers are printed once per set of
 * columns, so watch events reuse the header and the remembered widths.
 */
import { goSprint } from './gofmt.ts';
import { formatLabels } from './labels.ts';
import type { Table, TableCell, TableColumnDefinition } from './table-types.ts';
import { KUBECTL_TABLE, TabWriter } from './tabwriter.ts';

export interface PrintOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** -A: prepend a NAMESPACE column taken from each row's object metadata. */
  allNamespaces?: boolean;
  /** --show-labels: append LABELS. */
  showLabels?: boolean;
  /** -L key,...: one column per label key, headed by the key's last path segment upper-cased. */
  labelColumns?: string[];
  /** Print names as `kind.group/name` (several kinds in one get): the lower-cased GroupKind. */
  kind?: string;
}

const WATCH_EVENT: Record<string, string> = {
  ADDED: 'ADDED   ',
  MODIFIED: 'MODIFIED',
  DELETED: 'DELETED ',
  ERROR: 'ERROR   ',
};

/** cli-runtime's terminal escaping of cell text. */
function escapeTerminal(s: string): string {
  return s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');
}

function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const brk = cell.search(/[\f\n\r]/);
    return brk >= 0 ? `${escapeTerminal(cell.slice(0, brk))}...` : escapeTerminal(cell);
  }
  return escapeTerminal(goSprint(cell));
}

function sameColumns(a: TableColumnDefinition[] | undefined, b: TableColumnDefinition[]): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function metadataOf(row: Table['rows'][number]): { namespace?: string; labels?: Record<string, string> } | undefined {
  const o = row.object as { metadata?: { namespace?: string; labels?: Record<string, string> } } | null | undefined;
  return o && typeof o === 'object' ? (o.metadata ?? {}) : undefined;
}

function labelHeader(key: string): string {
  const parts = key.split('/');
  return (parts[parts.length - 1] as string).toUpperCase();
}

/** Adds the namespace, kind and label decorations (`decorateTable`), returning a new table. */
export function decorateTable(table: Table, opt: PrintOptions): Table {
  const labelKeys = opt.labelColumns ?? [];
  let columns = table.columnDefinitions;
  const extra = labelKeys.length + (opt.allNamespaces ? 1 : 0) + (opt.showLabels ? 1 : 0);
  const nameColumn = opt.kind ? columns.findIndex((c) => c.format === 'name' && c.type === 'string') : -1;
  if (extra > 0) {
    columns = [
      ...(opt.allNamespaces ? [{ name: 'Namespace', type: 'string', format: '', description: '', priority: 0 }] : []),
      ...columns,
      ...labelKeys.map((k) => ({ name: labelHeader(k), type: 'string', format: '', description: '', priority: 0 })),
      ...(opt.showLabels ? [{ name: 'Labels', type: 'string', format: '', description: '', priority: 0 }] : []),
    ];
  }
  const width = columns.length;
  const includeLabels = labelKeys.length > 0 || !!opt.showLabels;
  const rows = table.rows.map((row) => {
    if (!includeLabels && !opt.allNamespaces && nameColumn === -1) return row;
    let cells = [...row.cells];
    if (nameColumn !== -1) cells[nameColumn] = `${opt.kind}/${goSprint(cells[nameColumn])}`;
    const meta = metadataOf(row);
    if (!meta) {
      if (opt.allNamespaces) cells = [null, ...cells];
      while (cells.length < width) cells.push(null);
      return { ...row, cells };
    }
    if (opt.allNamespaces) cells = [meta.namespace ?? '', ...cells];
    if (includeLabels) {
      const labels = meta.labels ?? {};
      for (const k of labelKeys) cells.push(labels[k] ?? '');
      if (opt.showLabels) cells.push(formatLabels(labels));
    }
    return { ...row, cells };
  });
  return { ...table, columnDefinitions: columns, rows };
}

/**
 * A stateful printer over one tabwriter, as kubectl keeps for a `get` (and its watch): headers
 * print once per column set; column widths are remembered across flushes.
 */
export class HumanReadablePrinter {
  private lastColumns: TableColumnDefinition[] | undefined;
  private printedHeaders = false;
  readonly writer: TabWriter;

  constructor(
    private readonly options: PrintOptions,
    writer?: TabWriter,
  ) {
    this.writer = writer ?? new TabWriter(KUBECTL_TABLE);
  }

  /** Writes a table (or one watch event's table) to the tabwriter; call flush() to emit. */
  printObj(input: Table, eventType?: string): void {
    let table = input;
    const local: PrintOptions = { ...this.options };
    if (
      this.printedHeaders &&
      (table.columnDefinitions.length === 0 || sameColumns(this.lastColumns, table.columnDefinitions))
    ) {
      local.noHeaders = true;
    }
    if (table.columnDefinitions.length === 0) table = { ...table, columnDefinitions: this.lastColumns ?? [] };
    else if (!sameColumns(this.lastColumns, table.columnDefinitions)) {
      this.lastColumns = table.columnDefinitions;
      this.printedHeaders = false;
    }
    if (table.rows.length > 0) this.printedHeaders = true;
    table = decorateTable(table, local);
    if (eventType) {
      const label = WATCH_EVENT[eventType] ?? eventType;
      table = {
        ...table,
        columnDefinitions: [
          { name: 'Event', type: 'string', format: '', description: '', priority: 0 },
          ...table.columnDefinitions,
        ],
        rows: table.rows.map((r) => ({ ...r, cells: [label, ...r.cells] })),
      };
    }
    this.writer.write(renderRows(table, local));
  }

  flush(): void {
    this.writer.flush();
  }
}

/** The tab-separated text of a decorated table (`printTable` before the tabwriter). */
function renderRows(table: Table, opt: PrintOptions): string {
  const out: string[] = [];
  const visible = (c: TableColumnDefinition) => opt.wide || c.priority === 0;
  if (!opt.noHeaders) {
    if (table.rows.length === 0) return '';
    out.push(
      `${table.columnDefinitions
        .filter(visible)
        .map((c) => c.name.toUpperCase())
        .join('\t')}\n`,
    );
  }
  for (const row of table.rows) {
    const cells: string[] = [];
    for (let i = 0; i < row.cells.length && i < table.columnDefinitions.length; i++) {
      if (!visible(table.columnDefinitions[i] as TableColumnDefinition)) continue;
      cells.push(cellText(row.cells[i]));
    }
    out.push(`${cells.join('\t')}\n`);
  }
  return out.join('');
}

/** Prints a server Table as `kubectl get` does (stdout text; empty when there are no rows). */
export function printTable(table: Table, options: PrintOptions = {}): string {
  const p = new HumanReadablePrinter(options);
  p.printObj(table);
  p.flush();
  return p.writer.take();
}
