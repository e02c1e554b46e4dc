import { describe, expect, it } from 'vitest';
import { fieldSelectorString, matchesFields, parseFieldSelector, selectableFields } from './fields.ts';
import {
  labelSelectorAsSelector,
  labelSelectorString,
  matchesLabels,
  parseLabelSelector,
  SelectorError,
} from './labels.ts';
import { canonicalQuantity, compareQuantity, parseQuantity } from './quantity.ts';
import { lookup } from './resources.ts';
import type { KObject, ResourceInfo } from './types.ts';

const R = (group: string, resource: string): ResourceInfo => lookup(group, resource) as ResourceInfo;

function labelError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    if (e instanceof SelectorError) return e.message;
    throw e;
  }
  return 'parsed';
}

describe('label selectors', () => {
  it('parses equality, set and existence requirements and prints them canonically', () => {
    const sel = parseLabelSelector('tier in (web, cache),app=nginx,!legacy,env!=prod,track');
    expect(labelSelectorString(sel)).toBe('app=nginx,env!=prod,!legacy,tier in (cache,web),track');
    expect(matchesLabels(sel, { app: 'nginx', tier: 'web', track: 'stable' })).toBe(true);
    expect(matchesLabels(sel, { app: 'nginx', tier: 'web', track: 'stable', legacy: '' })).toBe(false);
    expect(matchesLabels(sel, { app: 'nginx', tier: 'db', track: 'stable' })).toBe(false);
    expect(matchesLabels(sel, { app: 'nginx', tier: 'web', env: 'prod', track: 'x' })).toBe(false);
    expect(matchesLabels(parseLabelSelector(''), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('x notin (a)'), {})).toBe(true);
    expect(matchesLabels(parseLabelSelector('replicas>2'), { replicas: '3' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('replicas<2'), { replicas: '3' })).toBe(false);
  });

  it('reports parse errors with upstream texts', () => {
    expect(labelError('app:web')).toBe(
      "unable to parse requirement: <nil>: Invalid value: \"app:web\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
    expect(labelError('app=web@1')).toBe(
      "unable to parse requirement: values[0][app]: Invalid value: \"web@1\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
    expect(labelError('app in web')).toBe("unable to parse requirement: found 'web' expected: '('");
    expect(labelError('app=web,')).toBe("found '', expected: identifier after ','");
    expect(labelError('a b')).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(labelError('a=b c')).toBe("found 'c', expected: ',' or 'end of string'");
    expect(labelError('x>y')).toBe(
      "unable to parse requirement: values[0]: Invalid value: \"y\": for 'Gt', 'Lt' operators, the value must be an integer",
    );
    expect(labelError('=x')).toBe("found '=', expected: !, identifier, or 'end of string'");
  });

  it('converts spec selectors: nil selects nothing, empty selects everything', () => {
    const nothing = labelSelectorAsSelector(undefined);
    const everything = labelSelectorAsSelector({});
    expect(typeof nothing !== 'string' && matchesLabels(nothing, { a: 'b' })).toBe(false);
    expect(typeof everything !== 'string' && matchesLabels(everything, { a: 'b' })).toBe(true);
    const sel = labelSelectorAsSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
    });
    expect(typeof sel !== 'string' && matchesLabels(sel, { app: 'web', tier: 'front' })).toBe(true);
    expect(labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toBe(
      '"Near" is not a valid label selector operator',
    );
  });
});

function fieldError(info: ResourceInfo, s: string): string {
  try {
    parseFieldSelector(info, s);
  } catch (e) {
    if (e instanceof SelectorError) return e.message;
    throw e;
  }
  return 'parsed';
}

describe('field selectors', () => {
  const PODS = R('', 'pods');
  const pod: KObject = {
    metadata: { name: 'web-1', namespace: 'default' },
    spec: {
      nodeName: 'kind-worker',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
    },
    status: { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }] },
  };

  it('matches pods by the fields the pod registry exposes', () => {
    expect(selectableFields(PODS, pod)).toEqual({
      'metadata.name': 'web-1',
      'metadata.namespace': 'default',
      'spec.nodeName': 'kind-worker',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'false',
      'status.phase': 'Running',
      'status.podIP': '10.244.1.5',
      'status.podIPs': '10.244.1.5',
      'status.nominatedNodeName': '',
    });
    expect(matchesFields(PODS, parseFieldSelector(PODS, 'status.phase!=Pending,spec.nodeName=kind-worker'), pod)).toBe(
      true,
    );
    expect(matchesFields(PODS, parseFieldSelector(PODS, 'spec.nodeName='), pod)).toBe(false);
    expect(matchesFields(PODS, parseFieldSelector(PODS, 'spec.host==kind-worker'), pod)).toBe(true);
  });

  it('rejects unsupported labels with the kind-specific text', () => {
    expect(fieldError(PODS, 'spec.containers=x')).toBe('field label not supported: spec.containers');
    expect(fieldError(R('apps', 'deployments'), 'spec.replicas=1')).toBe(
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect(fieldError(R('', 'nodes'), 'spec.unschedulable=true')).toBe('parsed');
    expect(fieldError(R('', 'services'), 'spec.type=NodePort')).toBe('parsed');
    expect(fieldError(R('events.k8s.io', 'events'), 'regarding.name=web')).toBe('parsed');
    expect(fieldError(R('events.k8s.io', 'events'), 'involvedObject.name=web')).toBe(
      'field label not supported: involvedObject.name',
    );
  });

  it('reports syntax errors and handles escapes', () => {
    expect(fieldError(PODS, 'status.phase')).toBe("invalid selector: 'status.phase'; can't understand 'status.phase'");
    expect(fieldError(PODS, 'metadata.name=a\\x')).toBe('invalid field selector: invalid escape sequence: \\x');
    const sel = parseFieldSelector(PODS, 'metadata.name=a\\,b');
    expect(sel.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
    expect(fieldSelectorString(sel)).toBe('metadata.name=a\\,b');
  });

  it('reads events in either API shape', () => {
    const EVENTS = R('', 'events');
    const legacy: KObject = {
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web' },
      reason: 'Pulled',
      source: { component: 'kubelet' },
      type: 'Normal',
    };
    const modern: KObject = {
      metadata: { name: 'e', namespace: 'default' },
      regarding: { kind: 'Pod', name: 'web' },
      reason: 'Pulled',
      reportingController: 'kubelet',
      type: 'Normal',
    };
    const sel = parseFieldSelector(EVENTS, 'involvedObject.kind=Pod,involvedObject.name=web,source=kubelet');
    expect(matchesFields(EVENTS, sel, legacy)).toBe(true);
    expect(matchesFields(EVENTS, sel, modern)).toBe(true);
  });
});

describe('quantities', () => {
  it('canonicalizes as the API server stores them', () => {
    expect(canonicalQuantity('0.5')).toBe('500m');
    expect(canonicalQuantity(1)).toBe('1');
    expect(canonicalQuantity('2000')).toBe('2k');
    expect(canonicalQuantity('1.5Gi')).toBe('1536Mi');
    expect(canonicalQuantity('1024Mi')).toBe('1Gi');
    expect(canonicalQuantity('128974848')).toBe('128974848');
    expect(canonicalQuantity('129e6')).toBe('129e6');
    expect(canonicalQuantity('100n')).toBe('1m');
    expect(canonicalQuantity('0.1Gi')).toBe('107374182400m');
    expect(canonicalQuantity('0')).toBe('0');
  });

  it('compares exactly across suffixes', () => {
    expect(compareQuantity(parseQuantity('1Gi'), parseQuantity('1G'))).toBe(1);
    expect(compareQuantity(parseQuantity('1000m'), parseQuantity('1'))).toBe(0);
    expect(() => parseQuantity('1GB')).toThrow(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});
