/** Go-style durations as scenarios write them: `500ms`, `30s`, `1m30s`, `2h`. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) {
    throw new Error(`invalid duration "${text}": use a number with a unit, such as 500ms, 30s, 1m30s or 2h`);
  }
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * (UNITS[m[2] as string] as number);
  return Math.round(total);
}
