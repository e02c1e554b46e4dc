import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaBuilders as b } from './patch/schema.ts';
import { PatchError, strategicMergeMapPatch } from './patch.ts';

// The MergeItem test type of strategicpatch/patch_test.go.
const { struct, mapOf, atomicList, mergeList, setList, f, SCALAR: S, DEDUCED: D } = b;
const RetainKeysMergeItem = struct({
  name: S,
  value: S,
  other: S,
  simpleMap: mapOf(S),
  mergingIntList: setList(),
  mergingList: mergeList(D, 'name'),
  nonMergingList: atomicList(),
});
const MergeItem = struct({});
Object.assign(MergeItem.fields, {
  name: f(S, {}),
  value: f(S, {}),
  other: f(S, {}),
  mergingList: f(mergeList(MergeItem, 'name'), {}),
  nonMergingList: f(atomicList(MergeItem), {}),
  mergingIntList: f(setList(), {}),
  nonMergingIntList: f(atomicList(S), {}),
  simpleMap: f(mapOf(S), {}),
  replacingItem: f(D, { smp: 'replace' }),
  retainKeysMap: f(RetainKeysMergeItem, { smp: 'retainKeys' }),
  retainKeysMergingList: f(mergeList(MergeItem, 'name', { retainKeys: true }), {}),
});

const y = (s: string) => parse(s) ?? {};
const apply = (original: string, patch: string) => strategicMergeMapPatch(y(original), y(patch), MergeItem);

describe('strategic merge patch: upstream custom cases (patch_test.go)', () => {
  it('unique scalars when merging lists', () => {
    expect(apply('mergingIntList: [1, 2]', 'mergingIntList: [2, 3]')).toEqual({ mergingIntList: [1, 2, 3] });
  });
  it('delete map from nested map', () => {
    expect(apply('simpleMap: {key1: 1, key2: 1}', 'simpleMap: {$patch: delete}')).toEqual({ simpleMap: {} });
  });
  it('delete all items from merging list', () => {
    expect(apply('mergingList: [{name: 1}, {name: 2}]', 'mergingList: [{$patch: replace}]')).toEqual({
      mergingList: [],
    });
  });
  it('merge empty merging lists', () => {
    expect(apply('mergingList: []', 'mergingList: []')).toEqual({ mergingList: [] });
  });
  it('delete all keys from map', () => {
    expect(apply('{name: 1, value: 1}', '$patch: replace')).toEqual({});
  });
  it('add key and delete all keys from map', () => {
    expect(apply('{name: 1, value: 1}', '{other: a, $patch: replace}')).toEqual({ other: 'a' });
  });
  it('delete all duplicate entries in a merging list', () => {
    expect(
      apply(
        'mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]',
        'mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]',
      ),
    ).toEqual({ mergingList: [{ name: 2, value: 'a' }] });
  });
  it('retainKeys map can add, change and delete a field without a directive', () => {
    expect(apply('retainKeysMap: {name: foo}', 'retainKeysMap: {value: bar}')).toEqual({
      retainKeysMap: { name: 'foo', value: 'bar' },
    });
    expect(apply('retainKeysMap: {name: foo, value: a}', 'retainKeysMap: {value: null}')).toEqual({
      retainKeysMap: { name: 'foo' },
    });
    expect(apply('retainKeysMap: {name: foo, value: a}', 'retainKeysMap: {}')).toEqual({
      retainKeysMap: { name: 'foo', value: 'a' },
    });
  });
  it('retainKeys list can change a field without a directive', () => {
    expect(
      apply(
        'retainKeysMergingList: [{name: bar}, {name: foo, value: a}]',
        'retainKeysMergingList: [{name: foo, value: b}]',
      ),
    ).toEqual({ retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] });
  });
  it('preserves the order from the patch in a merging list', () => {
    expect(
      apply(
        'mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]',
        'mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]',
      ),
    ).toEqual({
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
        { name: 2, value: 'b', other: 'x' },
      ],
    });
    expect(
      apply(
        'mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]',
        'mergingList: [{name: 3, value: c}, {name: 1, value: a}]',
      ),
    ).toEqual({
      mergingList: [
        { name: 2, value: 'b' },
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    });
  });
  it('preserves the order from the patch in a merging int list', () => {
    expect(apply('mergingIntList: [1, 2, 3]', 'mergingIntList: [3, 1, 2]')).toEqual({ mergingIntList: [3, 1, 2] });
    expect(apply('mergingIntList: [1, 2, 3]', 'mergingIntList: [3, 1]')).toEqual({ mergingIntList: [2, 3, 1] });
  });
  it('$setElementOrder with items missing from the list', () => {
    expect(
      apply(
        'mergingList: [{name: 1}, {name: 3}]',
        '{$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}], mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}',
      ),
    ).toEqual({
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    });
    expect(apply('mergingIntList: [1, 3]', '$setElementOrder/mergingIntList: [3, 2, 1]')).toEqual({
      mergingIntList: [3, 1],
    });
  });
  it('rejects a patch list out of $setElementOrder order', () => {
    expect(() =>
      apply(
        'mergingList: [{name: 1}, {name: 3}, {name: 2}]',
        '{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}',
      ),
    ).toThrow(/doesn't match/);
  });
  it('rejects a list item without its merge key (500, upstream text)', () => {
    try {
      apply('mergingList: [{name: 1, value: a}]', 'mergingList: [{value: b}]');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PatchError);
      expect((e as PatchError).message).toBe('map: map[value:b] does not contain declared merge key: name');
      expect((e as PatchError).code).toBe(500);
    }
  });
  it('$deleteFromPrimitiveList of a missing item or list adds nothing', () => {
    expect(apply('mergingIntList: [1, 2]', '$deleteFromPrimitiveList/mergingIntList: [3]')).toEqual({
      mergingIntList: [1, 2],
    });
    expect(apply('foo: [bar]', '$deleteFromPrimitiveList/foo2: [3]')).toEqual({ foo: ['bar'] });
  });
});

describe('strategic merge patch: upstream create cases (three-way patch applied to current)', () => {
  it('delete field from nested map', () => {
    expect(apply('simpleMap: {key1: 1, key2: 1, other: a}', 'simpleMap: {key2: null}')).toEqual({
      simpleMap: { key1: 1, other: 'a' },
    });
  });
  it('replace list of scalars', () => {
    expect(apply('nonMergingIntList: [1, 4]', 'nonMergingIntList: [2, 3]')).toEqual({ nonMergingIntList: [2, 3] });
  });
  it('delete all maps from merging list', () => {
    expect(
      apply(
        'mergingList: [{name: 1, other: a}, {name: 2, other: b}]',
        'mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]',
      ),
    ).toEqual({
      mergingList: [],
    });
  });
  it('defined null values remove fields and are not stored', () => {
    expect(apply('{name: a, other: a}', '{name: 1, value: 1, other: null}')).toEqual({ name: 1, value: 1 });
  });
  it('delete items in lists of scalars', () => {
    expect(
      apply(
        'mergingIntList: [1, 2, 3, 4]',
        '{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}',
      ),
    ).toEqual({
      mergingIntList: [1, 2, 4],
    });
    expect(
      apply(
        'mergingIntList: [1, 2, 3, 3, 4]',
        '{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}',
      ),
    ).toEqual({
      mergingIntList: [1, 2, 4],
    });
  });
  it('merge lists of maps', () => {
    expect(
      apply(
        'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]',
        '{$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}',
      ),
    ).toEqual({
      mergingList: [
        { name: 4, value: 4 },
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
        { name: 3, value: 3 },
      ],
    });
  });
  it('merge lists of maps with conflict', () => {
    expect(
      apply(
        'mergingList: [{name: 1, other: a}, {name: 2, value: 3, other: b}]',
        '{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 2, value: 2}, {name: 3, value: 3}]}',
      ),
    ).toEqual({
      mergingList: [
        { name: 1, other: 'a' },
        { name: 2, value: 2, other: 'b' },
        { name: 3, value: 3 },
      ],
    });
  });
  it('add field to map in merging list with conflict', () => {
    expect(
      apply(
        'mergingList: [{name: 1, other: a}, {name: 3, value: 2, other: b}]',
        '{$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}',
      ),
    ).toEqual({
      mergingList: [
        { name: 1, value: 1, other: 'a' },
        { name: 2, value: 2 },
        { name: 3, value: 2, other: 'b' },
      ],
    });
  });
  it('retainKeys directive clears unlisted fields', () => {
    expect(
      apply('retainKeysMap: {name: foo, value: a, other: b}', 'retainKeysMap: {$retainKeys: [name, value], value: c}'),
    ).toEqual({
      retainKeysMap: { name: 'foo', value: 'c' },
    });
    expect(() => apply('retainKeysMap: {name: foo}', 'retainKeysMap: {$retainKeys: [name], value: c}')).toThrow(
      'invalid patch format of retainKeys',
    );
  });
  it('replace strategy replaces a map whole', () => {
    expect(apply('replacingItem: {a: 1, b: 2}', 'replacingItem: {c: 3}')).toEqual({ replacingItem: { c: 3 } });
  });
});
