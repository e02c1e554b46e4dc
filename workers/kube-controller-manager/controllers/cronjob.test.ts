import { describe, expect, it } from 'vitest';
import { formatRFC3339, parseRFC3339 } from '../../../src/machinery/api/time.ts';
import {
  type CronJob,
  formatRFC3339In,
  getJobName,
  loadLocation,
  mostRecentScheduleTime,
  nextScheduleTimeDuration,
  parseStandard,
} from './cronjob.ts';

const T = parseRFC3339;
const next = (spec: string, from: string) => {
  const t = parseStandard(spec).next(T(from));
  return t === 0 ? 'never' : formatRFC3339(t);
};

describe('cron parser (robfig/cron ParseStandard)', () => {
  it('fires on the next matching minute, strictly after the given time', () => {
    expect(next('*/1 * * * *', '2025-01-01T00:00:20Z')).toBe('2025-01-01T00:01:00Z');
    expect(next('* * * * *', '2025-01-01T00:01:00Z')).toBe('2025-01-01T00:02:00Z');
    expect(next('0 * * * *', '2025-01-01T00:00:00Z')).toBe('2025-01-01T01:00:00Z');
    expect(next('*/15 * * * *', '2025-01-01T00:16:00Z')).toBe('2025-01-01T00:30:00Z');
    expect(next('5/20 * * * *', '2025-01-01T00:26:00Z')).toBe('2025-01-01T00:45:00Z');
    expect(next('0 0 * * *', '2025-12-31T23:59:59Z')).toBe('2026-01-01T00:00:00Z');
  });

  it('handles ranges with steps, lists and names', () => {
    // 2025-01-01 is a Wednesday.
    expect(next('30 6-16/4 * * 1-5', '2025-01-01T15:00:00Z')).toBe('2025-01-02T06:30:00Z');
    expect(next('30 6-16/4 * * 1-5', '2025-01-03T14:31:00Z')).toBe('2025-01-06T06:30:00Z');
    expect(next('0 0 * * MON', '2025-01-01T00:00:00Z')).toBe('2025-01-06T00:00:00Z');
    expect(next('0 0 * * sun', '2025-01-01T00:00:00Z')).toBe('2025-01-05T00:00:00Z');
    expect(next('0 12 1 JAN,jul *', '2025-01-02T00:00:00Z')).toBe('2025-07-01T12:00:00Z');
    expect(next('0 9 * FEB-MAR TUE-THU', '2025-01-01T00:00:00Z')).toBe('2025-02-04T09:00:00Z');
    expect(next('0,30 9,17 * * *', '2025-01-01T09:30:00Z')).toBe('2025-01-01T17:00:00Z');
    expect(next('0 0 ? * 3', '2025-01-01T00:00:00Z')).toBe('2025-01-08T00:00:00Z');
  });

  it('matches day-of-month OR day-of-week unless one of them is a star', () => {
    // The 13th or any Friday: Friday the 3rd comes first.
    expect(next('0 0 13 * 5', '2025-01-01T00:00:00Z')).toBe('2025-01-03T00:00:00Z');
    // */10 is not a star (step > 1): days 1, 11, 21, 31 or Mondays.
    expect(next('0 0 */10 * MON', '2025-01-02T00:00:00Z')).toBe('2025-01-06T00:00:00Z');
    // A star day-of-month: only Mondays.
    expect(next('0 0 * * 1', '2025-01-02T00:00:00Z')).toBe('2025-01-06T00:00:00Z');
    expect(next('0 0 1 * *', '2025-01-02T00:00:00Z')).toBe('2025-02-01T00:00:00Z');
  });

  it('finds rare dates and gives up after five years', () => {
    expect(next('0 0 29 2 *', '2025-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00Z');
    expect(next('0 0 31 * *', '2025-04-01T00:00:00Z')).toBe('2025-05-31T00:00:00Z');
    expect(next('0 0 30 2 *', '2025-01-01T00:00:00Z')).toBe('never');
  });

  it('understands the descriptors', () => {
    const from = '2025-01-01T10:20:30Z';
    expect(next('@hourly', from)).toBe('2025-01-01T11:00:00Z');
    expect(next('@daily', from)).toBe('2025-01-02T00:00:00Z');
    expect(next('@midnight', from)).toBe('2025-01-02T00:00:00Z');
    expect(next('@weekly', from)).toBe('2025-01-05T00:00:00Z');
    expect(next('@monthly', from)).toBe('2025-02-01T00:00:00Z');
    expect(next('@yearly', from)).toBe('2026-01-01T00:00:00Z');
    expect(next('@annually', from)).toBe('2026-01-01T00:00:00Z');
    // @every: a constant delay from the given time, in whole seconds.
    expect(parseStandard('@every 90s').next(T('2025-01-01T00:00:20Z') + 500)).toBe(T('2025-01-01T00:01:50Z'));
    expect(parseStandard('@every 1h30m').next(T('2025-01-01T00:00:00Z'))).toBe(T('2025-01-01T01:30:00Z'));
    expect(parseStandard('@every 100ms').next(T('2025-01-01T00:00:00Z'))).toBe(T('2025-01-01T00:00:01Z'));
  });

  it('uses the time zone of a TZ= or CRON_TZ= prefix', () => {
    // 09:00 in Seoul is 00:00 UTC.
    expect(next('TZ=Asia/Seoul 0 9 * * *', '2024-12-31T23:00:00Z')).toBe('2025-01-01T00:00:00Z');
    expect(next('CRON_TZ=Asia/Kolkata 0 0 * * *', '2025-01-01T00:00:00Z')).toBe('2025-01-01T18:30:00Z');
    expect(next('TZ=Etc/GMT+5 0 0 * * *', '2025-01-01T00:00:00Z')).toBe('2025-01-01T05:00:00Z');
    // Berlin keeps summer time in July (UTC+2), not in January (UTC+1).
    expect(next('TZ=Europe/Berlin 0 12 * * *', '2025-07-01T00:00:00Z')).toBe('2025-07-01T10:00:00Z');
    expect(next('TZ=Europe/Berlin 0 12 * * *', '2025-01-01T00:00:00Z')).toBe('2025-01-01T11:00:00Z');
    // 02:30 does not exist in New York on 2025-03-09 (clocks jump from 02:00 to 03:00): skipped.
    expect(next('TZ=America/New_York 30 2 * * *', '2025-03-08T08:00:00Z')).toBe('2025-03-10T06:30:00Z');
    expect(next('TZ=America/New_York 30 2 * * *', '2025-03-07T08:00:00Z')).toBe('2025-03-08T07:30:00Z');
  });

  it('rejects bad schedules with robfig/cron messages', () => {
    const err = (s: string) => {
      try {
        parseStandard(s);
      } catch (e) {
        return (e as Error).message;
      }
      return 'parsed';
    };
    expect(err('')).toBe('empty spec string');
    expect(err('* * * *')).toBe('expected exactly 5 fields, found 4: [* * * *]');
    expect(err('0 0 * * * *')).toBe('expected exactly 5 fields, found 6: [0 0 * * * *]');
    expect(err('60 * * * *')).toBe('end of range (60) above maximum (59): 60');
    expect(err('* * * * 7')).toBe('end of range (7) above maximum (6): 7');
    expect(err('* * 0 * *')).toBe('beginning of range (0) below minimum (1): 0');
    expect(err('5-1 * * * *')).toBe('beginning of range (5) beyond end of range (1): 5-1');
    expect(err('*/0 * * * *')).toBe('step of range should be a positive number: */0');
    expect(err('1-2-3 * * * *')).toBe('too many hyphens: 1-2-3');
    expect(err('*/2/3 * * * *')).toBe('too many slashes: */2/3');
    expect(err('x * * * *')).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(err('@fortnightly')).toBe('unrecognized descriptor: @fortnightly');
    expect(err('TZ=Mars/Base * * * * *')).toBe('provided bad location Mars/Base: unknown time zone Mars/Base');
  });
});

describe('time zones', () => {
  it('formats RFC 3339 with the zone offset, as the scheduled-timestamp annotation does', () => {
    expect(formatRFC3339In(T('2025-01-01T00:01:00Z'), loadLocation(''))).toBe('2025-01-01T00:01:00Z');
    expect(formatRFC3339In(T('2025-01-01T00:01:00Z'), loadLocation('Asia/Seoul'))).toBe('2025-01-01T09:01:00+09:00');
    expect(formatRFC3339In(T('2025-01-01T00:00:00Z'), loadLocation('America/New_York'))).toBe(
      '2024-12-31T19:00:00-05:00',
    );
    expect(formatRFC3339In(T('2025-01-01T00:00:00Z'), loadLocation('Asia/Kathmandu'))).toBe(
      '2025-01-01T05:45:00+05:45',
    );
  });
});

describe('schedule times (cronjob utils.go)', () => {
  const cj = (extra: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob => ({
    metadata: { name: 'hello', creationTimestamp: '2025-01-01T00:00:20Z' },
    spec: { schedule: '*/1 * * * *', ...extra },
    status,
  });
  const sched = parseStandard('*/1 * * * *');

  it('names Jobs after the scheduled time in minutes since the Unix epoch', () => {
    expect(getJobName(cj(), T('2025-01-01T00:01:00Z'))).toBe('hello-28928161');
  });

  it('finds the most recent unmet schedule time', () => {
    expect(mostRecentScheduleTime(cj(), T('2025-01-01T00:00:50Z'), sched, true).mostRecent).toBeUndefined();
    expect(mostRecentScheduleTime(cj(), T('2025-01-01T00:01:00.100Z'), sched, true).mostRecent).toBe(
      T('2025-01-01T00:01:00Z'),
    );
    // Several missed: the latest one counts.
    const r = mostRecentScheduleTime(cj(), T('2025-01-01T00:05:30Z'), sched, true);
    expect(r.mostRecent).toBe(T('2025-01-01T00:05:00Z'));
    expect(r.missed).toBe('few');
    // After lastScheduleTime.
    expect(
      mostRecentScheduleTime(
        cj({}, { lastScheduleTime: '2025-01-01T00:05:00Z' }),
        T('2025-01-01T00:05:30Z'),
        sched,
        true,
      ).mostRecent,
    ).toBeUndefined();
    // More than 100 missed.
    expect(mostRecentScheduleTime(cj(), T('2025-01-01T03:00:30Z'), sched, true).missed).toBe('many');
    // A starting deadline hides older misses.
    expect(
      mostRecentScheduleTime(cj({ startingDeadlineSeconds: 10 }), T('2025-01-01T00:05:30Z'), sched, true).mostRecent,
    ).toBeUndefined();
  });

  it('requeues 100 ms after the next schedule time', () => {
    expect(nextScheduleTimeDuration(cj(), T('2025-01-01T00:00:30Z'), sched)).toBe(30_100);
    expect(
      nextScheduleTimeDuration(
        cj({}, { lastScheduleTime: '2025-01-01T00:01:00Z' }),
        T('2025-01-01T00:01:00.100Z'),
        sched,
      ),
    ).toBe(60_000);
  });
});
