import { describe, expect, it } from 'vitest';
import { jsonpath } from './jsonpath.ts';
import { printCustomColumns, printJSONPath, relaxedJSONPath } from './output.ts';

const list = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'web-1', labels: { app: 'web', 'app.kubernetes.io/name': 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.27' },
          { name: 'side', image: 'busybox' },
        ],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.1',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
        restarts: 3,
      },
    },
    {
      metadata: { name: 'db-0' },
      spec: { containers: [{ name: 'pg', image: 'postgres:16' }] },
      status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'True' }], restarts: 0 },
    },
  ],
};

describe('jsonpath (client-go template)', () => {
  it('fields and wildcards', () => {
    expect(jsonpath('{.items[0].metadata.name}', list)).toBe('web-1');
    expect(jsonpath('{.items[*].metadata.name}', list)).toBe('web-1 db-0');
    expect(jsonpath('{.items[*].spec.containers[*].image}', list)).toBe('nginx:1.27 busybox postgres:16');
  });

  it('text around expressions and several expressions', () => {
    expect(jsonpath('name={.items[0].metadata.name} ip={.items[0].status.podIP}', list)).toBe('name=web-1 ip=10.0.0.1');
  });

  it('range / end with quoted escapes', () => {
    expect(jsonpath('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', list)).toBe(
      'web-1\tRunning\ndb-0\tPending\n',
    );
  });

  it('filters', () => {
    expect(jsonpath('{.items[0].status.conditions[?(@.type=="Ready")].status}', list)).toBe('False');
    expect(jsonpath('{.items[?(@.status.phase=="Pending")].metadata.name}', list)).toBe('db-0');
    expect(jsonpath('{.items[?(@.status.restarts>1)].metadata.name}', list)).toBe('web-1');
  });

  it('slices, negative indices, unions and recursive descent', () => {
    expect(jsonpath('{.items[-1:].metadata.name}', list)).toBe('db-0');
    expect(jsonpath('{.items[0:1].metadata.name}', list)).toBe('web-1');
    expect(jsonpath('{.items[0].spec.containers[0,1].name}', list)).toBe('nginx side');
    expect(jsonpath('{..image}', list)).toBe('nginx:1.27 busybox postgres:16');
  });

  it('keys with dots and slashes via escaping', () => {
    expect(jsonpath('{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', list)).toBe('web');
    // ['a.b'] is re-parsed as {.a.b} upstream, so dotted keys need the escapes: nothing is found.
    expect(jsonpath("{.items[0].metadata.labels['app.kubernetes.io/name']}", list)).toBe('');
    expect(jsonpath("{.items[0].metadata.labels['app']}", list)).toBe('web');
  });

  it('maps and lists print as JSON, numbers as Go prints them', () => {
    expect(jsonpath('{.items[1].metadata}', list)).toBe('{"name":"db-0"}');
    expect(jsonpath('{.items[1].status.restarts}', list)).toBe('0');
  });
});

describe('kubectl -o jsonpath errors', () => {
  it('missing keys print nothing (--allow-missing-template-keys defaults to true)', () => {
    expect(printJSONPath('{.items[0].nope}', list)).toBe('');
  });
  it('a parse error', () => {
    expect(() => printJSONPath('{.items[0}', list)).toThrow(/^error parsing jsonpath \{\.items\[0\}, /);
  });
});

describe('custom columns', () => {
  it('relaxes paths and prints <none> for missing values', () => {
    expect(relaxedJSONPath('.metadata.name')).toBe('{.metadata.name}');
    expect(relaxedJSONPath('metadata.name')).toBe('{.metadata.name}');
    expect(relaxedJSONPath('{.metadata.name}')).toBe('{.metadata.name}');
    const out = printCustomColumns(
      'NAME:.metadata.name,IMAGES:.spec.containers[*].image,IP:.status.podIP',
      list.items as never,
    );
    expect(out).toBe(
      'NAME    IMAGES               IP\nweb-1   nginx:1.27,busybox   10.0.0.1\ndb-0    postgres:16          <none>\n',
    );
  });
});
