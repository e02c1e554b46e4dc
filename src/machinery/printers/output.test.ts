import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.ts';
import { goSharpV } from './gofmt.ts';
import { printJSON } from './json.ts';
import { asList, parseOutput, printObject, resourceName } from './output.ts';
import { toYAML } from './yaml.ts';

const value = {
  b: 1,
  a: {
    z: 'yes',
    y: '3600',
    x: 'line one\nline two\n',
    w: 'no newline\nend',
    v: [],
    u: {},
    t: null,
    s: 1.5,
    r: true,
    q: 'a: b',
    p: '',
    o: ' lead',
    n: 'this is a rather long message that should definitely wrap when printed as yaml by go-yaml because it exceeds eighty columns: yes',
    m: ['x', { k: 'v', j: 2 }],
    l: '*',
    k: '010',
    i: 1e21,
    h: '<b>&',
  },
};

describe('-o yaml (go-yaml v2 via sigs.k8s.io/yaml)', () => {
  it('sorts keys, quotes YAML 1.1 ambiguities, uses literal blocks and folds long strings', () => {
    expect(toYAML(value)).toBe(`a:
  h: <b>&
  i: 1e+21
  k: "010"
  l: '*'
  m:
  - x
  - j: 2
    k: v
  "n": 'this is a rather long message that should definitely wrap when printed as
    yaml by go-yaml because it exceeds eighty columns: yes'
  o: ' lead'
  p: ""
  q: 'a: b'
  r: true
  s: 1.5
  t: null
  u: {}
  v: []
  w: |-
    no newline
    end
  x: |
    line one
    line two
  "y": "3600"
  z: "yes"
b: 1
`);
  });
});

describe('-o json (encoding/json MarshalIndent, 4 spaces)', () => {
  it('sorts keys, escapes HTML characters, prints Go numbers', () => {
    const out = printJSON({ b: 1, a: { h: '<b>&', i: 1e21, s: 1.5, v: [], u: {} } });
    expect(out).toBe(
      '{\n    "a": {\n        "h": "\\u003cb\\u003e\\u0026",\n        "i": 1e+21,\n        "s": 1.5,\n        "u": {},\n        "v": []\n    },\n    "b": 1\n}\n',
    );
  });
  it('keeps struct order when asked', () => {
    expect(printJSON({ kind: 'List', apiVersion: 'v1' }, false)).toBe(
      '{\n    "kind": "List",\n    "apiVersion": "v1"\n}\n',
    );
  });
});

describe('lists and names', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' } } as KObject;
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } } as KObject;
  it('several objects print as a v1 List', () => {
    expect(printObject(parseOutput('json'), asList([pod]))).toBe(
      '{\n    "apiVersion": "v1",\n    "items": [\n        {\n            "apiVersion": "v1",\n            "kind": "Pod",\n            "metadata": {\n                "name": "web-1"\n            }\n        }\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
    );
    expect(printObject(parseOutput('yaml'), asList([pod]))).toBe(
      'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-1\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });
  it('-o name is kind.group/name', () => {
    expect(resourceName(pod)).toBe('pod/web-1');
    expect(resourceName(dep)).toBe('deployment.apps/web');
    expect(printObject(parseOutput('name'), asList([pod, dep]))).toBe('pod/web-1\ndeployment.apps/web\n');
  });
  it('rejects unknown formats as kubectl does', () => {
    expect(() => parseOutput('foo')).toThrow(
      /unable to match a printer suitable for the output format "foo", allowed formats are: /,
    );
  });
});

describe('goSharpV (%#v of unstructured values)', () => {
  it('prints maps sorted, slices, quoted strings, int64s and nil', () => {
    expect(goSharpV({ b: [1, 'x\n', true, null], a: { c: 1.5 } })).toBe(
      'map[string]interface {}{"a":map[string]interface {}{"c":1.5}, "b":[]interface {}{1, "x\\n", true, interface {}(nil)}}',
    );
  });
});
