/**
 * RFC 3339 timestamps without the Date global (cluster code has no wall clock): simulated
 * milliseconds plus the cluster's epoch become `2025-01-01T00:00:00Z`, as Kubernetes writes
 * metav1.Time (seconds precision) and metav1.MicroTime (microseconds).
 */

function civil(days: number): [number, number, number] {
  // Howard Hinnant's days-to-civil algorithm.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The last answer of formatRFC3339, by whole second: a busy second formats the same text many times. */
let lastSecond = Number.NaN;
let lastText = '';

/** metav1.Time: whole seconds, UTC, `Z`. */
export function formatRFC3339(epochMs: number): string {
  const secs = Math.floor(epochMs / 1000);
  if (secs === lastSecond) return lastText;
  lastText = formatSeconds(secs);
  lastSecond = secs;
  return lastText;
}

function formatSeconds(secs: number): string {
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  const [y, m, d] = civil(days);
  return `${y}-${pad(m)}-${pad(d)}T${pad(Math.floor(rem / 3600))}:${pad(Math.floor((rem % 3600) / 60))}:${pad(rem % 60)}Z`;
}

/** metav1.MicroTime: `2025-01-01T00:00:00.123456Z`. */
export function formatRFC3339Micro(epochMs: number): string {
  const base = formatRFC3339(epochMs).slice(0, -1);
  const micros = Math.floor((epochMs - Math.floor(epochMs / 1000) * 1000) * 1000);
  return `${base}.${pad(micros, 6)}Z`;
}

/** Parses RFC 3339 (with optional fraction and offset) to epoch ms; NaN if malformed. */
export function parseRFC3339(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return Number.NaN;
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  let ms = days * 86400000 + Number(m[4]) * 3600000 + Number(m[5]) * 60000 + Number(m[6]) * 1000;
  if (m[7]) ms += Math.floor(Number(`0${m[7]}`) * 1000);
  const off = m[8] as string;
  if (off !== 'Z' && off !== 'z') {
    const sign = off[0] === '-' ? -1 : 1;
    ms -= sign * (Number(off.slice(1, 3)) * 3600000 + Number(off.slice(4, 6)) * 60000);
  }
  return ms;
}

/** The default epoch of simulated time 0: 2025-01-01T00:00:00Z (scenarios are reproducible). */
export const DEFAULT_EPOCH = 1735689600000;
