import { describe, expect, it } from 'vitest';
import { DEFAULT_EPOCH, formatRFC3339, formatRFC3339Micro, parseRFC3339 } from './time.ts';

describe('RFC 3339 without Date', () => {
  it('formats and parses like Date does', () => {
    for (const ms of [0, DEFAULT_EPOCH, 951782400000, 4102444799000, 1709164800123]) {
      expect(formatRFC3339(ms)).toBe(new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
      expect(parseRFC3339(formatRFC3339(ms))).toBe(Math.floor(ms / 1000) * 1000);
    }
    expect(formatRFC3339(DEFAULT_EPOCH)).toBe('2025-01-01T00:00:00Z');
    expect(formatRFC3339Micro(DEFAULT_EPOCH + 1234.5)).toBe('2025-01-01T00:00:01.234500Z');
    expect(parseRFC3339('2025-01-01T09:00:00+09:00')).toBe(DEFAULT_EPOCH);
    expect(parseRFC3339('yesterday')).toBeNaN();
  });
});
