/**
 * The CronJob controller (pkg/controller/cronjob: cronjob_controllerv2.go, utils.go) and the cron
 * schedule parser it uses (github.com/robfig/cron/v3 ParseStandard: parser.go, spec.go,
 * constantdelay.go). On each schedule time, in simulated time, it creates a Job named
 * `<cronjob>-<scheduled time in minutes since the epoch>` from spec.jobTemplate, honouring
 * concurrencyPolicy (Allow, Forbid, Replace), startingDeadlineSeconds and suspend; it tracks active
 * Jobs in status.active, sets lastScheduleTime and lastSuccessfulTime, and deletes finished Jobs
 * beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1). After each sync the CronJob
 * is requeued for its next schedule time plus 100 ms (nextScheduleDelta); nothing polls.
 *
 * Time zones: spec.timeZone (or a TZ=/CRON_TZ= prefix) may be UTC, an Etc/GMT±N zone, or one of a
 * built-in table of IANA names. Zones without daylight saving time are exact; a handful of US,
 * European and Australian zones follow today's DST rules (no historical rule changes); any other
 * name is an unknown time zone (UnknownTimeZone event), where real Kubernetes would know it from
 * the tz database. The controller's local zone (no timeZone) is UTC, as in a kind node.
 */
import { formatRFC3339, parseRFC3339 } from '../../../src/machinery/api/time.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isAlreadyExists, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf, splitKey } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import { type Controller, type ControllerContext, controllerRef, newControllerRef } from '../shared.ts';
import { Requeuer } from './daemonset.ts';
import { isJobFinished, type Job } from './job.ts';

// =====================================================================================================
// Time zones
// =====================================================================================================

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A time zone: the UTC offset (ms) in force at an instant. */
export interface Zone {
  name: string;
  offsetAt(utcMs: number): number;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Day (1–31) of the nth (1-based; -1 for last) given weekday (0 = Sunday) of a month. */
function nthWeekday(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = (daysFromCivil(y, m, 1) + 4) % 7;
    const wd = ((first % 7) + 7) % 7;
    return 1 + ((weekday - wd + 7) % 7) + (n - 1) * 7;
  }
  const lastDay = daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1;
  const wd = (((lastDay + 4) % 7) + 7) % 7;
  return civilFromDays(lastDay)[2] - ((wd - weekday + 7) % 7);
}

const wallMs = (y: number, m: number, d: number, h: number) => daysFromCivil(y, m, d) * DAY + h * HOUR;

function fixed(name: string, offset: number): Zone {
  return { name, offsetAt: () => offset };
}

/** US rules since 2007: second Sunday of March 02:00 standard → first Sunday of November 02:00 daylight. */
function usZone(name: string, std: number): Zone {
  return {
    name,
    offsetAt(utc) {
      const y = civilFromDays(Math.floor((utc + std) / DAY))[0];
      const start = wallMs(y, 3, nthWeekday(y, 3, 0, 2), 2) - std;
      const end = wallMs(y, 11, nthWeekday(y, 11, 0, 1), 2) - (std + HOUR);
      return utc >= start && utc < end ? std + HOUR : std;
    },
  };
}

/** EU rules: last Sunday of March 01:00 UTC → last Sunday of October 01:00 UTC. */
function euZone(name: string, std: number): Zone {
  return {
    name,
    offsetAt(utc) {
      const y = civilFromDays(Math.floor(utc / DAY))[0];
      const start = wallMs(y, 3, nthWeekday(y, 3, 0, -1), 1);
      const end = wallMs(y, 10, nthWeekday(y, 10, 0, -1), 1);
      return utc >= start && utc < end ? std + HOUR : std;
    },
  };
}

/** South-eastern Australia: first Sunday of October 02:00 standard → first Sunday of April 03:00 daylight. */
function auZone(name: string, std: number): Zone {
  return {
    name,
    offsetAt(utc) {
      const y = civilFromDays(Math.floor((utc + std) / DAY))[0];
      const end = wallMs(y, 4, nthWeekday(y, 4, 0, 1), 3) - (std + HOUR);
      const start = wallMs(y, 10, nthWeekday(y, 10, 0, 1), 2) - std;
      return utc < end || utc >= start ? std + HOUR : std;
    },
  };
}

const FIXED_ZONES: Record<string, number> = {
  'Asia/Seoul': 9,
  'Asia/Tokyo': 9,
  'Asia/Pyongyang': 9,
  'Asia/Shanghai': 8,
  'Asia/Hong_Kong': 8,
  'Asia/Taipei': 8,
  'Asia/Singapore': 8,
  'Asia/Manila': 8,
  'Asia/Kuala_Lumpur': 8,
  'Australia/Perth': 8,
  'Asia/Jakarta': 7,
  'Asia/Bangkok': 7,
  'Asia/Ho_Chi_Minh': 7,
  'Asia/Yangon': 6.5,
  'Asia/Dhaka': 6,
  'Asia/Kathmandu': 5.75,
  'Asia/Kolkata': 5.5,
  'Asia/Calcutta': 5.5,
  'Asia/Colombo': 5.5,
  'Asia/Karachi': 5,
  'Asia/Tashkent': 5,
  'Asia/Dubai': 4,
  'Europe/Moscow': 3,
  'Europe/Istanbul': 3,
  'Asia/Riyadh': 3,
  'Africa/Nairobi': 3,
  'Africa/Johannesburg': 2,
  'Africa/Lagos': 1,
  'Africa/Abidjan': 0,
  'Atlantic/Reykjavik': 0,
  'America/Sao_Paulo': -3,
  'America/Argentina/Buenos_Aires': -3,
  'America/Bogota': -5,
  'America/Lima': -5,
  'America/Panama': -5,
  'America/Phoenix': -7,
  'Pacific/Honolulu': -10,
  'Australia/Brisbane': 10,
  'Pacific/Guam': 10,
};
const US_ZONES: Record<string, number> = {
  'America/New_York': -5,
  'America/Toronto': -5,
  'US/Eastern': -5,
  'America/Chicago': -6,
  'US/Central': -6,
  'America/Denver': -7,
  'US/Mountain': -7,
  'America/Los_Angeles': -8,
  'America/Vancouver': -8,
  'US/Pacific': -8,
  'America/Anchorage': -9,
};
const EU_ZONES: Record<string, number> = {
  'Europe/London': 0,
  'Europe/Dublin': 0,
  'Europe/Lisbon': 0,
  'Europe/Berlin': 1,
  'Europe/Paris': 1,
  'Europe/Madrid': 1,
  'Europe/Rome': 1,
  'Europe/Amsterdam': 1,
  'Europe/Brussels': 1,
  'Europe/Vienna': 1,
  'Europe/Zurich': 1,
  'Europe/Stockholm': 1,
  'Europe/Oslo': 1,
  'Europe/Copenhagen': 1,
  'Europe/Warsaw': 1,
  'Europe/Prague': 1,
  'Europe/Budapest': 1,
  'Europe/Athens': 2,
  'Europe/Helsinki': 2,
  'Europe/Kyiv': 2,
  'Europe/Kiev': 2,
  'Europe/Bucharest': 2,
  'Europe/Sofia': 2,
  'Europe/Riga': 2,
  'Europe/Tallinn': 2,
  'Europe/Vilnius': 2,
};
const AU_ZONES: Record<string, number> = {
  'Australia/Sydney': 10,
  'Australia/Melbourne': 10,
  'Australia/Canberra': 10,
  'Australia/Hobart': 10,
};

export const UTC: Zone = fixed('UTC', 0);

/** time.LoadLocation: "" and "UTC" are UTC; "Local" is the controller's zone (UTC); else the table. */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC' || name === 'Local') return UTC;
  if (['Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu', 'Etc/Greenwich'].includes(name))
    return fixed(name, 0);
  const etc = /^Etc\/GMT([+-])(\d{1,2})$/.exec(name);
  if (etc) {
    const n = Number(etc[2]);
    // POSIX sign: Etc/GMT+5 is five hours behind UTC.
    if ((etc[1] === '+' && n >= 1 && n <= 12) || (etc[1] === '-' && n >= 1 && n <= 14))
      return fixed(name, (etc[1] === '+' ? -n : n) * HOUR);
  }
  if (name in FIXED_ZONES) return fixed(name, (FIXED_ZONES[name] as number) * HOUR);
  if (name in US_ZONES) return usZone(name, (US_ZONES[name] as number) * HOUR);
  if (name in EU_ZONES) return euZone(name, (EU_ZONES[name] as number) * HOUR);
  if (name in AU_ZONES) return auZone(name, (AU_ZONES[name] as number) * HOUR);
  throw new Error(`unknown time zone ${name}`);
}

/** Go's time.Date in a zone: wall-clock fields (normalized) to an instant. */
function timeDate(zone: Zone, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const y2 = y + Math.floor((mo - 1) / 12);
  const m2 = ((((mo - 1) % 12) + 12) % 12) + 1;
  const wall = (daysFromCivil(y2, m2, 1) + d - 1) * DAY + h * HOUR + mi * 60_000 + s * 1000;
  const off = zone.offsetAt(wall);
  let utc = wall - off;
  const off2 = zone.offsetAt(utc);
  if (off2 !== off) utc = wall - off2;
  return utc;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

function wallOf(zone: Zone, t: number): Wall {
  const w = t + zone.offsetAt(t);
  const days = Math.floor(w / DAY);
  const [year, month, day] = civilFromDays(days);
  const rem = w - days * DAY;
  return {
    year,
    month,
    day,
    hour: Math.floor(rem / HOUR),
    minute: Math.floor((rem % HOUR) / 60_000),
    second: Math.floor((rem % 60_000) / 1000),
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

/** RFC 3339 with the zone's offset (`2025-01-01T09:00:00+09:00`, or `Z` at UTC+0). */
export function formatRFC3339In(t: number, zone: Zone): string {
  const off = zone.offsetAt(t);
  const base = formatRFC3339(t + off).slice(0, -1);
  if (off === 0) return `${base}Z`;
  const a = Math.abs(off) / 60_000;
  return `${base}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

// =====================================================================================================
// The cron parser (robfig/cron/v3 ParseStandard)
// =====================================================================================================

export interface Schedule {
  /** The first activation strictly after `t` (epoch ms), or 0 when there is none within five years. */
  next(t: number): number;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field's set of values, and whether it was `*` or `?` (robfig's starBit). */
interface Field {
  values: Set<number>;
  star: boolean;
}

function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr))
    throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

function allOf(r: Bounds): Field {
  const values = new Set<number>();
  for (let i = r.min; i <= r.max; i++) values.add(i);
  return { values, star: true };
}

function single(v: number): Field {
  return { values: new Set([v]), star: false };
}

/** getRange: `*`, `?`, `n`, `a-b`, each optionally `/step`; `n/step` means n to max. */
function getRange(expr: string, r: Bounds): Field {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] as string).split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0] as string, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] as string, r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1] as string);
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else throw new Error(`too many slashes: ${expr}`);
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  const values = new Set<number>();
  for (let i = start; i <= end; i += step) values.add(i);
  return { values, star };
}

/** getField: comma-separated ranges, ORed (a star in any range marks the field). */
function getField(field: string, r: Bounds): Field {
  const out: Field = { values: new Set(), star: false };
  for (const expr of field.split(',')) {
    const f = getRange(expr, r);
    for (const v of f.values) out.values.add(v);
    out.star ||= f.star;
  }
  return out;
}

/** SpecSchedule: seconds are always 0 in the standard (five-field) form. */
class SpecSchedule implements Schedule {
  constructor(
    readonly minute: Field,
    readonly hour: Field,
    readonly dom: Field,
    readonly month: Field,
    readonly dow: Field,
    readonly zone: Zone,
  ) {}

  /** dayMatches: when either day field is a star both must match, else either may. */
  private dayMatches(w: Wall): boolean {
    const domMatch = this.dom.values.has(w.day);
    const dowMatch = this.dow.values.has(w.weekday);
    if (this.dom.star || this.dow.star) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }

  /** SpecSchedule.Next: robfig's field-by-field search, in the schedule's zone. */
  next(t0: number): number {
    const z = this.zone;
    // Start at the earliest possible time (the upcoming second).
    let t = Math.floor(t0 / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = wallOf(z, t).year + 5;
    wrap: for (;;) {
      let w = wallOf(z, t);
      if (w.year > yearLimit) return 0;
      while (!this.month.values.has(w.month)) {
        if (!added) {
          added = true;
          t = timeDate(z, w.year, w.month, 1, 0, 0, 0);
        }
        w = wallOf(z, t);
        t = timeDate(z, w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
        w = wallOf(z, t);
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w)) {
        if (!added) {
          added = true;
          t = timeDate(z, w.year, w.month, w.day, 0, 0, 0);
        }
        w = wallOf(z, t);
        t = timeDate(z, w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
        w = wallOf(z, t);
        // Midnight may not exist on a DST day: nudge back to it.
        if (w.hour !== 0) {
          t += w.hour > 12 ? (24 - w.hour) * HOUR : -w.hour * HOUR;
          w = wallOf(z, t);
        }
        if (w.day === 1) continue wrap;
      }
      while (!this.hour.values.has(w.hour)) {
        if (!added) {
          added = true;
          t = timeDate(z, w.year, w.month, w.day, w.hour, 0, 0);
        }
        t += HOUR;
        w = wallOf(z, t);
        if (w.hour === 0) continue wrap;
      }
      while (!this.minute.values.has(w.minute)) {
        if (!added) {
          added = true;
          t -= t % 60_000;
        }
        t += 60_000;
        w = wallOf(z, t);
        if (w.minute === 0) continue wrap;
      }
      while (w.second !== 0) {
        if (!added) {
          added = true;
          t -= t % 1000;
        }
        t += 1000;
        w = wallOf(z, t);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
  }
}

/** ConstantDelaySchedule (@every): the delay, whole seconds, at least one. */
class ConstantDelaySchedule implements Schedule {
  constructor(readonly delay: number) {}

  next(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.delay;
  }
}

/** time.ParseDuration for the units cron users write (ns, us, µs, ms, s, m, h), in ms. */
function parseDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: HOUR };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration "${s}"`);
  let total = 0;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) {
      if (/^(\d+(?:\.\d*)?|\.\d+)/.test(rest) && !/^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.test(rest))
        throw new Error(
          /^(\d+(?:\.\d*)?|\.\d+)$/.test(rest)
            ? `time: missing unit in duration "${s}"`
            : `time: unknown unit in duration "${s}"`,
        );
      throw new Error(`time: invalid duration "${s}"`);
    }
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

function parseDescriptor(descriptor: string, zone: Zone): Schedule {
  const all = (r: Bounds) => allOf(r);
  switch (descriptor) {
    case '@yearly':
    case '@annually':
      return new SpecSchedule(single(0), single(0), single(1), single(1), all(DOW), zone);
    case '@monthly':
      return new SpecSchedule(single(0), single(0), single(1), all(MONTHS), all(DOW), zone);
    case '@weekly':
      return new SpecSchedule(single(0), single(0), all(DOM), all(MONTHS), single(0), zone);
    case '@daily':
    case '@midnight':
      return new SpecSchedule(single(0), single(0), all(DOM), all(MONTHS), all(DOW), zone);
    case '@hourly':
      return new SpecSchedule(single(0), all(HOURS), all(DOM), all(MONTHS), all(DOW), zone);
  }
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    let d: number;
    try {
      d = parseDuration(descriptor.slice(every.length));
    } catch (e) {
      throw new Error(`failed to parse duration ${descriptor}: ${(e as Error).message}`);
    }
    if (d < 1000) d = 1000;
    return new ConstantDelaySchedule(d - (d % 1000));
  }
  throw new Error(`unrecognized descriptor: ${descriptor}`);
}

/**
 * cron.ParseStandard: five fields (minute hour day-of-month month day-of-week) with `*`, `?`,
 * ranges, steps, lists and JAN–DEC / SUN–SAT names, or a descriptor (@yearly, @annually,
 * @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>), optionally after
 * `TZ=<zone> ` or `CRON_TZ=<zone> `. Throws with robfig's messages.
 */
export function parseStandard(spec: string, local: Zone = UTC): Schedule {
  if (spec.length === 0) throw new Error('empty spec string');
  let zone = local;
  let s = spec;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const eq = s.indexOf('=');
    const name = i < 0 ? s.slice(eq + 1) : s.slice(eq + 1, i);
    try {
      zone = loadLocation(name);
    } catch (e) {
      throw new Error(`provided bad location ${name}: ${(e as Error).message}`);
    }
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) return parseDescriptor(s, zone);
  const fields = s.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return new SpecSchedule(
    getField(minute, MINUTES),
    getField(hour, HOURS),
    getField(dom, DOM),
    getField(month, MONTHS),
    getField(dow, DOW),
    zone,
  );
}

// =====================================================================================================
// The controller
// =====================================================================================================

/** nextScheduleDelta: requeue a little after the schedule time so the sync sees it as due. */
const NEXT_SCHEDULE_DELTA = 100;
const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}
export type CronJob = KObject & {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: string;
    suspend?: boolean;
    jobTemplate?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Job['spec'];
    };
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
  };
  status?: { active?: ObjectReference[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
};

type Missed = 'none' | 'few' | 'many';

/** getTimeHashInMinutes: the scheduled time in minutes since the Unix epoch. */
export function getTimeHashInMinutes(scheduledMs: number): number {
  return Math.floor(scheduledMs / 60_000);
}

/** getJobName: `<cronjob>-<minutes since epoch>`. */
export function getJobName(cj: CronJob, scheduledMs: number): string {
  return `${cj.metadata?.name}-${getTimeHashInMinutes(scheduledMs)}`;
}

/**
 * mostRecentScheduleTime: the earliest time to consider (creation or last schedule, raised to
 * now − startingDeadlineSeconds when asked), the most recent schedule time not after now, and how
 * many were missed (roughly, as upstream counts them).
 */
export function mostRecentScheduleTime(
  cj: CronJob,
  now: number,
  schedule: Schedule,
  includeStartingDeadlineSeconds: boolean,
): { earliest: number; mostRecent?: number; missed: Missed } {
  let earliest = parseRFC3339(cj.metadata?.creationTimestamp ?? '');
  if (cj.status?.lastScheduleTime) earliest = parseRFC3339(cj.status.lastScheduleTime);
  if (includeStartingDeadlineSeconds && cj.spec.startingDeadlineSeconds !== undefined) {
    const deadline = now - cj.spec.startingDeadlineSeconds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (t1 === 0 || now < t1) return { earliest, missed: 'none' };
  if (t2 === 0 || now < t2) return { earliest, mostRecent: t1, missed: 'few' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  let mostRecent = 0;
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  for (let t = schedule.next(potentialEarliest); t !== 0 && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: Missed = missedCount > 100 ? 'many' : 'few';
  return mostRecent === 0 ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** nextScheduleTimeDuration: how long until the next schedule time (plus 100 ms) from now. */
export function nextScheduleTimeDuration(cj: CronJob, now: number, schedule: Schedule): number {
  let base: number;
  try {
    const r = mostRecentScheduleTime(cj, now, schedule, false);
    base = r.mostRecent ?? (r.missed === 'none' ? r.earliest : now);
  } catch {
    base = now;
  }
  const next = schedule.next(base);
  // No activation within five years: look again in a day.
  if (next === 0) return DAY;
  return next + NEXT_SCHEDULE_DELTA - now;
}

export class CronJobController implements Controller {
  readonly name = 'cronjob-controller';
  private queue: WorkQueue;
  private requeue: Requeuer;

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'cronjob', (key) => this.sync(key), 5);
    this.requeue = new Requeuer(c.ctx, this.queue);
  }

  private get cronJobs() {
    return this.c.informers.for<CronJob>(GR.cronjobs);
  }

  private get jobs() {
    return this.c.informers.for<Job>(GR.jobs);
  }

  private recorder() {
    return this.c.recorder('cronjob-controller');
  }

  setup(): void {
    this.cronJobs.addHandlers({
      add: (cj) => this.queue.add(keyOf(cj)),
      update: (o, cj) => this.updateCronJob(o, cj),
    });
    const enqueueOwner = (j: Job) => {
      const cj = this.resolveControllerRef(j);
      if (cj) this.queue.add(keyOf(cj));
    };
    this.jobs.addHandlers({
      add: enqueueOwner,
      update: (o, j) => {
        const old = this.resolveControllerRef(o);
        if (old && old !== this.resolveControllerRef(j)) this.queue.add(keyOf(old));
        enqueueOwner(j);
      },
      delete: enqueueOwner,
    });
  }

  run(): void {
    for (const cj of this.cronJobs.list()) this.queue.add(keyOf(cj));
  }

  private resolveControllerRef(j: Job): CronJob | undefined {
    const ref = controllerRef(j);
    if (ref?.kind !== 'CronJob') return undefined;
    const cj = this.cronJobs.getByName(j.metadata?.namespace ?? '', ref.name);
    return cj && cj.metadata?.uid === ref.uid ? cj : undefined;
  }

  /** updateCronJob: a new schedule or zone requeues for its next time; anything else syncs now. */
  private updateCronJob(o: CronJob, cj: CronJob): void {
    if (o.spec.schedule !== cj.spec.schedule || o.spec.timeZone !== cj.spec.timeZone) {
      let sched: Schedule;
      try {
        sched = parseStandard(this.formatSchedule(cj, false));
      } catch {
        // An unparseable schedule is reported by the sync.
        this.queue.add(keyOf(cj));
        return;
      }
      this.requeue.after(keyOf(cj), nextScheduleTimeDuration(cj, this.c.nowMs(), sched));
      return;
    }
    this.queue.add(keyOf(cj));
  }

  /** formatSchedule: prefixes `TZ=<spec.timeZone> ` unless the schedule names a zone itself. */
  private formatSchedule(cj: CronJob, warn: boolean): string {
    if (cj.spec.schedule.includes('TZ')) {
      if (warn)
        this.recorder().event(
          cj,
          'Warning',
          'UnsupportedSchedule',
          `CRON_TZ or TZ used in schedule "${cj.spec.schedule}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
        );
      return cj.spec.schedule;
    }
    if (cj.spec.timeZone !== undefined) {
      try {
        loadLocation(cj.spec.timeZone);
      } catch {
        return cj.spec.schedule;
      }
      return `TZ=${cj.spec.timeZone} ${cj.spec.schedule}`;
    }
    return cj.spec.schedule;
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const shared = this.cronJobs.getByName(ns, name);
    if (!shared) return;
    const cj: CronJob = structuredClone(shared);
    // getJobsToBeReconciled: the Jobs whose controller is this CronJob.
    const jobs = this.jobs.list(ns).filter((j) => {
      const ref = controllerRef(j);
      return ref?.kind === 'CronJob' && ref.name === name;
    });
    const cleaned = await this.cleanupFinishedJobs(cj, jobs);
    const st = { updateStatus: false };
    let requeueAfter: number | undefined;
    let syncErr: unknown;
    try {
      requeueAfter = await this.syncCronJob(cj, jobs, st);
    } catch (e) {
      syncErr = e;
    }
    if (cleaned || st.updateStatus) await this.updateStatus(cj);
    if (requeueAfter !== undefined) {
      this.requeue.after(key, requeueAfter);
      return;
    }
    // Only a suspended CronJob or an invalid schedule ends here: nothing to requeue.
    if (syncErr) throw syncErr;
  }

  private async updateStatus(cj: CronJob): Promise<void> {
    const s = cj.status ?? {};
    const status: CronJob['status'] = {};
    if (s.active?.length) status.active = s.active;
    if (s.lastScheduleTime) status.lastScheduleTime = s.lastScheduleTime;
    if (s.lastSuccessfulTime) status.lastSuccessfulTime = s.lastSuccessfulTime;
    await this.c.client.updateStatus(GR.cronjobs, { ...cj, status });
  }

  private inActiveList(cj: CronJob, uid: string | undefined): boolean {
    return (cj.status?.active ?? []).some((r) => r.uid === uid);
  }

  private deleteFromActiveList(cj: CronJob, uid: string | undefined): void {
    if (!cj.status?.active) return;
    cj.status.active = cj.status.active.filter((r) => r.uid !== uid);
  }

  /**
   * syncCronJob: reconciles status.active with the Jobs, then, if a schedule time is due (and not
   * too late, not suspended, not forbidden by a running Job), creates its Job. Returns when to look
   * again (undefined: not until the CronJob changes); `st.updateStatus` says whether the status changed.
   */
  private async syncCronJob(cj: CronJob, jobs: Job[], st: { updateStatus: boolean }): Promise<number | undefined> {
    const now = this.c.nowMs();
    cj.status ??= {};
    const children = new Set<string>();
    for (const j of jobs) {
      const uid = j.metadata?.uid ?? '';
      children.add(uid);
      const found = this.inActiveList(cj, uid);
      if (!found && !isJobFinished(j)) {
        const fresh = await this.c.client
          .get<CronJob>(GR.cronjobs, cj.metadata?.namespace ?? '', cj.metadata?.name ?? '')
          .catch(() => undefined);
        if (fresh && this.inActiveList(fresh, uid)) {
          cj.metadata = fresh.metadata;
          cj.status = fresh.status ?? {};
          continue;
        }
        this.recorder().event(
          cj,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`,
        );
      } else if (found && isJobFinished(j)) {
        const cond = (j.status?.conditions ?? []).find(
          (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
        );
        this.deleteFromActiveList(cj, uid);
        this.recorder().event(
          cj,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${j.metadata?.name}, condition: ${cond?.type ?? ''}`,
        );
        st.updateStatus = true;
      } else if (isJobFinished(j)) {
        const completion = j.status?.completionTime;
        if (completion) {
          if (!cj.status.lastSuccessfulTime || parseRFC3339(completion) > parseRFC3339(cj.status.lastSuccessfulTime)) {
            cj.status.lastSuccessfulTime = completion;
            st.updateStatus = true;
          }
        }
      }
    }
    // Active Jobs that are gone (a slow watch is double-checked with a GET).
    for (const ref of [...(cj.status.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.c.client.get(GR.jobs, ref.namespace ?? '', ref.name ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
        this.recorder().event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        this.deleteFromActiveList(cj, ref.uid);
        st.updateStatus = true;
      }
    }
    if (cj.metadata?.deletionTimestamp) return undefined;
    if (cj.spec.timeZone !== undefined) {
      try {
        loadLocation(cj.spec.timeZone);
      } catch (e) {
        this.recorder().event(
          cj,
          'Warning',
          'UnknownTimeZone',
          `invalid timeZone: "${cj.spec.timeZone}": ${(e as Error).message}`,
        );
        return undefined;
      }
    }
    if (cj.spec.suspend) return undefined;
    let sched: Schedule;
    try {
      sched = parseStandard(this.formatSchedule(cj, true));
    } catch (e) {
      this.recorder().event(
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: "${cj.spec.schedule}" : ${(e as Error).message}`,
      );
      return undefined;
    }
    let scheduledTime: number | undefined;
    try {
      const r = mostRecentScheduleTime(cj, now, sched, true);
      if (r.mostRecent !== undefined && r.mostRecent <= now) {
        scheduledTime = r.mostRecent;
        if (r.missed === 'many')
          this.recorder().event(
            cj,
            'Warning',
            'TooManyMissedTimes',
            'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
          );
      }
    } catch (e) {
      this.recorder().event(
        cj,
        'Warning',
        'InvalidSchedule',
        `invalid schedule: ${cj.spec.schedule} : ${(e as Error).message}`,
      );
      return undefined;
    }
    const next = () => nextScheduleTimeDuration(cj, now, sched);
    if (scheduledTime === undefined) return next();
    if (cj.spec.startingDeadlineSeconds !== undefined && scheduledTime + cj.spec.startingDeadlineSeconds * 1000 < now) {
      this.recorder().event(
        cj,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${formatRFC1123Z(scheduledTime)}`,
      );
      return next();
    }
    const jobName = getJobName(cj, scheduledTime);
    if (
      (cj.status.active ?? []).some((r) => r.name === jobName && r.namespace === cj.metadata?.namespace) ||
      (cj.status.lastScheduleTime !== undefined && parseRFC3339(cj.status.lastScheduleTime) === scheduledTime)
    )
      return next();
    if (cj.spec.concurrencyPolicy === 'Forbid' && (cj.status.active ?? []).length > 0) {
      this.recorder().event(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return next();
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(cj.status.active ?? [])]) {
        let job: Job;
        try {
          job = await this.c.client.get<Job>(GR.jobs, ref.namespace ?? '', ref.name ?? '');
        } catch (e) {
          this.recorder().event(cj, 'Warning', 'FailedGet', `Get job: ${(e as Error).message}`);
          throw e;
        }
        if (!(await this.deleteJob(cj, job)))
          throw new Error(`could not replace job ${job.metadata?.namespace}/${job.metadata?.name}`);
        st.updateStatus = true;
      }
    }
    const jobReq = this.getJobFromTemplate2(cj, scheduledTime);
    let jobResp: Job;
    let alreadyExists = false;
    try {
      jobResp = await this.c.client.create<Job>(GR.jobs, cj.metadata?.namespace ?? '', jobReq);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.recorder().event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      // Created by someone else (or by us before a crash): take it over only if it is ours.
      alreadyExists = true;
      jobResp = await this.c.client.get<Job>(GR.jobs, cj.metadata?.namespace ?? '', jobName);
      if (controllerRef(jobResp)?.uid !== cj.metadata?.uid) return undefined;
      if (this.inActiveList(cj, jobResp.metadata?.uid)) return undefined;
    }
    if (!alreadyExists)
      this.recorder().event(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobResp.metadata?.name}`);
    cj.status.active = [
      ...(cj.status.active ?? []),
      {
        kind: 'Job',
        namespace: jobResp.metadata?.namespace,
        name: jobResp.metadata?.name,
        uid: jobResp.metadata?.uid,
        apiVersion: 'batch/v1',
        resourceVersion: jobResp.metadata?.resourceVersion,
      },
    ];
    cj.status.lastScheduleTime = formatRFC3339(scheduledTime);
    st.updateStatus = true;
    return next();
  }

  /** getJobFromTemplate2: the template's labels, annotations (plus the scheduled time) and spec; owned by the CronJob. */
  private getJobFromTemplate2(cj: CronJob, scheduledTime: number): KObject {
    const t = cj.spec.jobTemplate ?? {};
    const annotations = { ...(t.metadata?.annotations ?? {}) };
    const zone = loadLocation(cj.spec.timeZone ?? '');
    annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = formatRFC3339In(scheduledTime, zone);
    return {
      metadata: {
        name: getJobName(cj, scheduledTime),
        labels: { ...(t.metadata?.labels ?? {}) },
        annotations,
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: structuredClone(t.spec ?? {}),
    };
  }

  /** deleteJob: deletes a Job (its pods go in the background) and drops it from status.active. */
  private async deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await this.c.client.delete(GR.jobs, job.metadata?.namespace ?? '', job.metadata?.name ?? '', {
        propagationPolicy: 'Background',
      });
    } catch (e) {
      this.recorder().event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
      return false;
    }
    this.deleteFromActiveList(cj, job.metadata?.uid);
    this.recorder().event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
    return true;
  }

  /** cleanupFinishedJobs: keeps the newest successfulJobsHistoryLimit complete and failedJobsHistoryLimit failed Jobs. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<boolean> {
    if (cj.spec.successfulJobsHistoryLimit === undefined && cj.spec.failedJobsHistoryLimit === undefined) return false;
    const successful: Job[] = [];
    const failed: Job[] = [];
    for (const j of jobs) {
      if (j.metadata?.deletionTimestamp) continue;
      const cond = (j.status?.conditions ?? []).find(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      if (cond?.type === 'Complete') successful.push(j);
      else if (cond?.type === 'Failed') failed.push(j);
    }
    let updated = false;
    if (
      cj.spec.successfulJobsHistoryLimit !== undefined &&
      (await this.removeOldestJobs(cj, successful, cj.spec.successfulJobsHistoryLimit))
    )
      updated = true;
    if (
      cj.spec.failedJobsHistoryLimit !== undefined &&
      (await this.removeOldestJobs(cj, failed, cj.spec.failedJobsHistoryLimit))
    )
      updated = true;
    return updated;
  }

  private async removeOldestJobs(cj: CronJob, jobs: Job[], maxJobs: number): Promise<boolean> {
    const numToDelete = jobs.length - maxJobs;
    if (numToDelete <= 0) return false;
    // byJobStartTime: started first go first; never-started last; ties by name.
    const sorted = [...jobs].sort((a, b) => {
      const as = a.status?.startTime;
      const bs = b.status?.startTime;
      if (!as && bs) return 1;
      if (as && !bs) return -1;
      if (as === bs || (as && bs && parseRFC3339(as) === parseRFC3339(bs)))
        return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
      return parseRFC3339(as as string) - parseRFC3339(bs as string);
    });
    let updated = false;
    for (const j of sorted.slice(0, numToDelete)) if (await this.deleteJob(cj, j)) updated = true;
    return updated;
  }
}

/** time.RFC1123Z in UTC: `Wed, 01 Jan 2025 00:01:00 +0000`. */
function formatRFC1123Z(ms: number): string {
  const days = Math.floor(ms / DAY);
  const [y, m, d] = civilFromDays(days);
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(((days + 4) % 7) + 7) % 7];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1];
  const time = formatRFC3339(ms).slice(11, 19);
  return `${wd}, ${String(d).padStart(2, '0')} ${mon} ${y} ${time} +0000`;
}
