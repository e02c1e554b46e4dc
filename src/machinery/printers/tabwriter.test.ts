import { describe, expect, it } from 'vitest';
import { KUBECTL_DESCRIBE, TabWriter, tabulate } from './tabwriter.ts';

describe('tabwriter with kubectl get settings (minwidth 6, tabwidth 4, padding 3)', () => {
  it('aligns a pod table like kubectl', () => {
    const out = tabulate('NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nweb-1\t1/1\tRunning\t0\t5m\n');
    expect(out).toBe('NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          5m\n');
  });

  it('pads short columns to the minimum width of 6 (text + 3 of padding, at least 6)', () => {
    expect(tabulate('A\tB\n')).toBe('A     B\n');
    expect(tabulate('ABC\tD\nx\ty\n')).toBe('ABC   D\nx     y\n');
  });

  it('does not pad the last cell of a line', () => {
    expect(tabulate('NAME\tAGE\nverylongname\t1d\n')).toBe('NAME           AGE\nverylongname   1d\n');
  });

  it('a line without cells ends a column block, but RememberWidths keeps the width', () => {
    const out = tabulate('a\tb\nccccccccc\td\nno tabs here\ne\tf\n');
    expect(out).toBe('a           b\nccccccccc   d\nno tabs here\ne           f\n');
  });

  it('remembers widths across flushes (watch output keeps its columns)', () => {
    const w = new TabWriter();
    w.write('NAME\tSTATUS\nweb-1234567\tRunning\n');
    w.flush();
    w.write('x\tPending\n');
    w.flush();
    expect(w.take()).toBe('NAME          STATUS\nweb-1234567   Running\nx             Pending\n');
  });

  it('widens a remembered column when a later row is wider', () => {
    const w = new TabWriter();
    w.write('NAME\tSTATUS\na\tRunning\n');
    w.flush();
    w.write('a-much-longer-name\tPending\n');
    w.flush();
    expect(w.take()).toBe('NAME   STATUS\na      Running\na-much-longer-name   Pending\n');
  });

  it('streams output as it is flushed', () => {
    const w = new TabWriter();
    const chunks: string[] = [];
    w.onOutput = (s) => chunks.push(s);
    w.write('A\tB\n');
    w.flush();
    expect(chunks).toEqual(['A     B\n']);
    expect(w.take()).toBe('');
  });
});

describe('tabwriter with describe settings (minwidth 0, tabwidth 8, padding 2)', () => {
  it('aligns describe fields', () => {
    expect(tabulate('Name:\tweb\nNamespace:\tdefault\n', KUBECTL_DESCRIBE)).toBe(
      'Name:       web\nNamespace:  default\n',
    );
  });
});
