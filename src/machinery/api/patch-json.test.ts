import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchError } from './patch.ts';

describe('JSON merge patch: RFC 7386 appendix A', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  cases.forEach(([target, patch, result], i) => {
    it(`example ${i + 1}`, () => {
      expect(mergePatch(target, patch)).toEqual(result);
    });
  });

  it('does not modify its inputs', () => {
    const target = { a: { b: 1 } };
    const patch = { a: { c: 2 } };
    mergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: 2 } });
  });

  it('rejects a null or scalar patch as kube-apiserver does (400 Invalid JSON Patch)', () => {
    for (const p of [null, 'bar', 3]) {
      try {
        mergePatch({ a: 'foo' }, p);
        expect.unreachable();
      } catch (e) {
        expect((e as PatchError).code).toBe(400);
        expect((e as PatchError).message).toBe('Invalid JSON Patch');
      }
    }
  });

  it('kubectl label / annotate / scale bodies', () => {
    const pod = { metadata: { name: 'p', labels: { app: 'web', env: 'dev' } }, spec: { replicas: 1 } };
    expect(mergePatch(pod, { metadata: { labels: { env: 'prod', tier: 'fe' } } })).toEqual({
      metadata: { name: 'p', labels: { app: 'web', env: 'prod', tier: 'fe' } },
      spec: { replicas: 1 },
    });
    expect(mergePatch(pod, { metadata: { labels: { env: null } } })).toEqual({
      metadata: { name: 'p', labels: { app: 'web' } },
      spec: { replicas: 1 },
    });
    expect(mergePatch(pod, { spec: { replicas: 3 } })).toEqual({ ...pod, spec: { replicas: 3 } });
  });
});

describe('JSON patch: RFC 6902 appendix A', () => {
  it('A.1 adding an object member', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ baz: 'qux', foo: 'bar' });
  });
  it('A.2 adding an array element', () => {
    expect(jsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({
      foo: ['bar', 'qux', 'baz'],
    });
  });
  it('A.3 removing an object member', () => {
    expect(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
  });
  it('A.4 removing an array element', () => {
    expect(jsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({
      foo: ['bar', 'baz'],
    });
  });
  it('A.5 replacing a value', () => {
    expect(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({
      baz: 'boo',
      foo: 'bar',
    });
  });
  it('A.6 moving a value', () => {
    expect(
      jsonPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [
        { op: 'move', from: '/foo/waldo', path: '/qux/thud' },
      ]),
    ).toEqual({ foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } });
  });
  it('A.7 moving an array element', () => {
    expect(
      jsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]),
    ).toEqual({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
  });
  it('A.8 testing a value: success', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    expect(
      jsonPatch(doc, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
    ).toEqual(doc);
  });
  it('A.9 testing a value: error (422 with the generic text, cause kept aside)', () => {
    try {
      jsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]);
      expect.unreachable();
    } catch (e) {
      const pe = e as PatchError;
      expect(pe.code).toBe(422);
      expect(pe.reason).toBe('Invalid');
      expect(pe.message).toBe('the server rejected our request due to an error in our request');
      expect(pe.detail).toBe('testing value /baz failed: test failed');
      expect(pe.toStatus()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server rejected our request due to an error in our request',
        reason: 'Invalid',
        details: {},
        code: 422,
      });
    }
  });
  it('A.10 adding a nested member object', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).toEqual({
      foo: 'bar',
      child: { grandchild: {} },
    });
  });
  it('A.11 ignoring unrecognized elements', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }])).toEqual({
      foo: 'bar',
      baz: 'qux',
    });
  });
  it('A.12 adding to a nonexistent target', () => {
    expect(() => jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).toThrow(PatchError);
  });
  it('A.14 ~ escape ordering', () => {
    const doc = { '/': 9, '~1': 10 };
    expect(jsonPatch(doc, [{ op: 'test', path: '/~01', value: 10 }])).toEqual(doc);
  });
  it('A.15 comparing strings and numbers', () => {
    expect(() => jsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).toThrow(PatchError);
  });
  it('A.16 adding an array value', () => {
    expect(jsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({
      foo: ['bar', ['abc', 'def']],
    });
  });
});

describe('JSON patch: evanphx/json-patch v4 behaviour kube-apiserver has', () => {
  const deploy = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } };
  it('kubectl patch --type json replace of replicas and of a container image', () => {
    expect(
      jsonPatch(deploy, [
        { op: 'replace', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'y' },
      ]),
    ).toEqual({ spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'y' }] } } } });
  });
  it('replace of a missing member adds it', () => {
    expect(jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }])).toEqual({ a: 1, b: 2 });
  });
  it('negative indexes count from the end', () => {
    expect(jsonPatch({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }])).toEqual({ l: [1, 2] });
  });
  it('removing a missing member fails with 422', () => {
    try {
      jsonPatch({ metadata: { labels: {} } }, [{ op: 'remove', path: '/metadata/labels/app' }]);
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).code).toBe(422);
      expect((e as PatchError).detail).toBe(
        "error in remove for path: '/metadata/labels/app': Unable to remove nonexistent key: app: missing value",
      );
    }
  });
  it('an index past the end fails', () => {
    expect(() => jsonPatch({ l: [1] }, [{ op: 'add', path: '/l/5', value: 2 }])).toThrow(PatchError);
  });
  it('a path through a missing parent fails with upstream detail', () => {
    try {
      jsonPatch({}, [{ op: 'add', path: '/metadata/labels/a', value: 'b' }]);
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).detail).toBe(
        'add operation does not apply: doc is missing path: "/metadata/labels/a": missing value',
      );
    }
  });
  it('escapes ~1 in label keys', () => {
    expect(
      jsonPatch({ metadata: { labels: { 'app.kubernetes.io/name': 'x' } } }, [
        { op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' },
      ]),
    ).toEqual({
      metadata: { labels: {} },
    });
  });
  it('copy and an unknown op', () => {
    expect(jsonPatch({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }])).toEqual({ a: { b: 1 }, c: { b: 1 } });
    try {
      jsonPatch({}, [{ op: 'frob', path: '/a' }]);
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).detail).toBe('Unexpected kind: frob');
    }
  });
  it('a patch that is not a list is a 400 from the decoder', () => {
    try {
      jsonPatch({}, { op: 'add' });
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).code).toBe(400);
      expect((e as PatchError).message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    }
  });
  it('test of a missing member passes for null', () => {
    expect(jsonPatch({ a: 1 }, [{ op: 'test', path: '/b', value: null }])).toEqual({ a: 1 });
  });
});
