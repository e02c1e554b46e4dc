/** Label and selector text as apimachinery's `labels` package and `metav1.FormatLabelSelector` print them. */

/** `labels.FormatLabels`: `k=v` pairs, sorted as strings, joined by commas; `<none>` if empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  // labels.Set.String sorts the `key=value` strings, not the keys.
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  if (pairs.length === 0) return '<none>';
  return pairs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',');
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

interface Req {
  key: string;
  op: string;
  values: string[];
}

function reqString(r: Req): string {
  switch (r.op) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'In':
      return `${r.key} in (${[...new Set(r.values)].sort().join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${[...new Set(r.values)].sort().join(',')})`;
    case '!=':
      return `${r.key}!=${r.values[0] ?? ''}`;
    default:
      return `${r.key}=${r.values[0] ?? ''}`;
  }
}

/**
 * `metav1.LabelSelectorAsSelector(...).String()`: requirements sorted by key. A nil selector
 * selects nothing and an empty one everything; both print as the empty string.
 */
export function labelSelectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: Req[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) reqs.push({ key: e.key, op: e.operator, values: e.values ?? [] });
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map(reqString).join(',');
}

/** `metav1.FormatLabelSelector`: like labelSelectorString, `<none>` when empty. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = labelSelectorString(sel);
  return s.length === 0 ? '<none>' : s;
}
