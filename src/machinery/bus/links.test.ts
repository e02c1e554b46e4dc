import { describe, expect, it } from 'vitest';
import { copyMessage } from './links.ts';

describe('copyMessage', () => {
  it('copies a tree of plain data so that nothing is shared, as structuredClone does', () => {
    const m = {
      t: 'send',
      payload: { a: [1, 'x', null, undefined, { b: true }], c: { d: { e: -0 } }, u: undefined },
    };
    const c = copyMessage(m);
    expect(c).toStrictEqual(structuredClone(m));
    expect(Object.keys(c.payload)).toEqual(['a', 'c', 'u']);
    expect(c.payload).not.toBe(m.payload);
    expect(c.payload.a[4]).not.toBe(m.payload.a[4]);
    expect(Object.is(c.payload.c.d.e, -0)).toBe(true);
  });

  it('keeps an own __proto__ member as a member', () => {
    const m = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    const c = copyMessage(m);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(Object.keys(c)).toEqual(['__proto__', 'y']);
    expect(Object.getOwnPropertyDescriptor(c, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('hands what is not plain data to structuredClone', () => {
    const when = new Date(0);
    const bytes = new Uint8Array([1, 2, 3]);
    const m = { when, bytes, map: new Map([['k', { v: 1 }]]), nested: [new Set([1])] };
    const c = copyMessage(m);
    expect(c).toStrictEqual(structuredClone(m));
    expect(c.when).not.toBe(when);
    expect(c.bytes).not.toBe(bytes);
  });

  it('falls back to structuredClone for holes and cycles', () => {
    const holes: number[] = [1];
    holes[2] = 3;
    expect(1 in copyMessage(holes)).toBe(false);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const c = copyMessage(cyclic);
    expect(c.self).toBe(c);
  });

  it('refuses functions as structuredClone does', () => {
    expect(() => copyMessage({ f: () => 1 })).toThrow(/could not be cloned/);
  });
});
