/**
 * Elastic tabstops as Go's text/tabwriter lays them out, with liggitt/tabwriter's RememberWidths
 * (the fork kubectl uses): cells are tab-terminated, tab-terminated cells in contiguous lines form
 * a column, every column is as wide as its widest cell plus padding (at least minwidth), the text
 * after the last tab of a line is not part of a column. A line with a single cell flushes, and
 * with RememberWidths a column never gets narrower than it was in an earlier flush, which keeps
 * `kubectl get -w` rows aligned with the header printed before them.
 *
 * Widths count Unicode code points, as the vendored tabwriter counts runes.
 */

export const AlignRight = 1 << 2;
export const DiscardEmptyColumns = 1 << 3;
export const TabIndent = 1 << 4;
export const Debug = 1 << 5;
export const RememberWidths = 1 << 6;

interface Cell {
  text: string;
  width: number;
  htab: boolean;
}

export interface TabWriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: string;
  flags: number;
}

/** kubectl's table settings (cli-runtime `GetNewTabWriter`). */
export const KUBECTL_TABLE: TabWriterOptions = {
  minwidth: 6,
  tabwidth: 4,
  padding: 3,
  padchar: ' ',
  flags: RememberWidths,
};
/** kubectl describe's settings (`tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`). */
export const KUBECTL_DESCRIBE: TabWriterOptions = { minwidth: 0, tabwidth: 8, padding: 2, padchar: ' ', flags: 0 };

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export class TabWriter {
  private readonly opt: TabWriterOptions;
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private maxwidths: number[] = [];
  private out: string[] = [];
  /** Called with each chunk of formatted output, if set; otherwise output accumulates. */
  onOutput: ((s: string) => void) | undefined;

  constructor(opt: TabWriterOptions = KUBECTL_TABLE) {
    this.opt = opt.padchar === '\t' ? { ...opt, flags: opt.flags & ~AlignRight } : opt;
  }

  /** Buffers text; complete lines with a single cell (and form feeds) flush, as upstream. */
  write(s: string): void {
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === '\t' || ch === '\v' || ch === '\n' || ch === '\f') {
        this.cell += s.slice(start, i);
        start = i + 1;
        const ncells = this.terminateCell(ch === '\t');
        if (ch === '\n' || ch === '\f') {
          this.lines.push([]);
          if (ch === '\f' || ncells === 1) {
            this.flush();
            if (ch === '\f' && this.opt.flags & Debug) this.emit('---\n');
          }
        }
      }
    }
    this.cell += s.slice(start);
  }

  /** Formats and emits everything buffered. */
  flush(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
  }

  /** Everything emitted so far (when no onOutput sink is set), clearing it. */
  take(): string {
    const s = this.out.join('');
    this.out = [];
    return s;
  }

  rememberedWidths(): number[] {
    return [...this.maxwidths];
  }

  setRememberedWidths(widths: number[] | null): void {
    this.maxwidths = widths ? [...widths] : [];
  }

  private emit(s: string): void {
    if (s.length === 0) return;
    if (this.onOutput) this.onOutput(s);
    else this.out.push(s);
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1] as Cell[];
    line.push({ text: this.cell, width: runeCount(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  private padding(textw: number, cellw: number, useTabs: boolean): string {
    const { padchar, tabwidth } = this.opt;
    if (padchar === '\t' || useTabs) {
      if (tabwidth === 0) return '';
      const w = Math.ceil(cellw / tabwidth) * tabwidth;
      return '\t'.repeat(Math.ceil((w - textw) / tabwidth));
    }
    return padchar.repeat(Math.max(0, cellw - textw));
  }

  private writeLines(line0: number, line1: number): void {
    const parts: string[] = [];
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] as Cell[];
      let useTabs = (this.opt.flags & TabIndent) !== 0;
      for (let j = 0; j < line.length; j++) {
        const c = line[j] as Cell;
        if (j > 0 && this.opt.flags & Debug) parts.push('|');
        if (c.text.length === 0) {
          if (j < this.widths.length) parts.push(this.padding(c.width, this.widths[j] as number, useTabs));
        } else {
          useTabs = false;
          if ((this.opt.flags & AlignRight) === 0) {
            parts.push(c.text);
            if (j < this.widths.length) parts.push(this.padding(c.width, this.widths[j] as number, false));
          } else {
            if (j < this.widths.length) parts.push(this.padding(c.width, this.widths[j] as number, false));
            parts.push(c.text);
          }
        }
      }
      if (i + 1 === this.lines.length) parts.push(this.cell);
      else parts.push('\n');
    }
    this.emit(parts.join(''));
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= (this.lines[t] as Cell[]).length - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      this.writeLines(line0, t);
      line0 = t;
      let width = this.opt.minwidth;
      let discardable = true;
      for (; t < line1; t++) {
        const line = this.lines[t] as Cell[];
        if (column >= line.length - 1) break;
        const c = line[column] as Cell;
        const w = c.width + this.opt.padding;
        if (w > width) width = w;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.opt.flags & DiscardEmptyColumns) width = 0;
      if (this.opt.flags & RememberWidths) {
        if (this.maxwidths.length < this.widths.length)
          this.maxwidths.push(...this.widths.slice(this.maxwidths.length));
        const remembered = this.maxwidths[this.widths.length];
        if (remembered === undefined) this.maxwidths.push(width);
        else if (remembered > width) width = remembered;
        else if (remembered < width) this.maxwidths[this.widths.length] = width;
      }
      this.widths.push(width);
      this.format(line0, t);
      this.widths.pop();
      line0 = t;
    }
    this.writeLines(line0, line1);
  }
}

/** Lays out tab-separated text in one go with the given settings. */
export function tabulate(text: string, opt: TabWriterOptions = KUBECTL_TABLE): string {
  const w = new TabWriter(opt);
  w.write(text);
  w.flush();
  return w.take();
}
