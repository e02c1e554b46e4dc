/** Simulated milliseconds as seconds with millisecond precision: 12345 → "12.345". */
export function simSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Splits text after each `sep` so the browser may wrap there: `etcd.put.result` → etcd. put. result. */
export function breakAfter(text: string, sep: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = text.indexOf(sep); i >= 0; i = text.indexOf(sep, i + 1)) {
    parts.push(text.slice(from, i + 1));
    from = i + 1;
  }
  parts.push(text.slice(from));
  return parts.filter((p) => p !== '');
}

/** A colour family for a message kind, so requests, replies, events and bus records read apart. */
export function kindClass(kind: string): string {
  if (kind === '@bus.crashed' || kind === '@bus.refused' || kind === '@bus.lost') return 'bad';
  if (kind === '@bus.restarted') return 'restart';
  if (kind.startsWith('@')) return 'bus';
  if (kind === 'timer') return 'timer';
  if (kind.endsWith('.event')) return 'event';
  if (kind.endsWith('.result')) return 'reply';
  return 'request';
}
