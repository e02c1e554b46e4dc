import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { goJSON } from '../printers/json.ts';
import { createThreeWayMergePatch, createTwoWayMergePatch, PatchMeta } from './strategic.ts';

const y = (text: string) => parseDocument(text, { version: '1.1' }).toJS();

// The expected patches are what the real kubectl v1.32 sent for the same apply (recorded with the
// conformance harness), not hand-derived.
describe('three-way strategic merge patch (kubectl apply)', () => {
  const original = y(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sx
  namespace: default
  labels: {a: "1", tier: fe}
  finalizers: [example.com/a, example.com/b]
spec:
  replicas: 1
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1}
  selector: {matchLabels: {app: sx}}
  template:
    metadata: {labels: {app: sx}}
    spec:
      containers:
      - name: c
        image: nginx
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{containerPort: 80}, {containerPort: 443}]
`);
  const modified = y(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sx
  namespace: default
  labels: {a: "1"}
  finalizers: [example.com/b, example.com/c]
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector: {matchLabels: {app: sx}}
  template:
    metadata: {labels: {app: sx}}
    spec:
      containers:
      - name: c
        image: nginx
        env: [{name: C, value: "3"}, {name: A, value: "1"}]
        ports: [{containerPort: 443}]
      - name: d
        image: busybox
`);
  // The live object: what was applied plus server-side defaults and status.
  const current = {
    ...structuredClone(original),
    metadata: { ...original.metadata, uid: 'u', resourceVersion: '7', generation: 1 },
    spec: {
      ...original.spec,
      revisionHistoryLimit: 10,
      template: {
        ...original.spec.template,
        spec: { ...original.spec.template.spec, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
      },
    },
    status: { replicas: 1 },
  };

  it('deletes, adds and reorders with directives, keeping server-set fields', () => {
    const patch = createThreeWayMergePatch(original, modified, current, PatchMeta.forKind('Deployment'));
    expect(patch).toEqual({
      metadata: {
        '$deleteFromPrimitiveList/finalizers': ['example.com/a'],
        '$setElementOrder/finalizers': ['example.com/b', 'example.com/c'],
        finalizers: ['example.com/c'],
        labels: { tier: null },
      },
      spec: {
        strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'c' }, { name: 'd' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }],
                '$setElementOrder/ports': [{ containerPort: 443 }],
                env: [
                  { name: 'C', value: '3' },
                  { $patch: 'delete', name: 'B' },
                ],
                name: 'c',
                ports: [{ $patch: 'delete', containerPort: 80 }],
              },
              { image: 'busybox', name: 'd' },
            ],
          },
        },
      },
    });
  });

  it('is empty when nothing changed', () => {
    expect(createThreeWayMergePatch(original, original, current, PatchMeta.forKind('Deployment'))).toEqual({});
  });

  it('orders a changed container before a removed one', () => {
    const o = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'api', image: 'busybox' },
              { name: 'side', image: 'nginx' },
            ],
          },
        },
      },
    };
    const m = { spec: { template: { spec: { containers: [{ name: 'api', image: 'busybox:1.36' }] } } } };
    const patch = createThreeWayMergePatch(o, m, structuredClone(o), PatchMeta.forKind('Deployment'));
    expect(goJSON(patch)).toBe(
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"api"}],"containers":[{"image":"busybox:1.36","name":"api"},{"$patch":"delete","name":"side"}]}}}}',
    );
  });
});

describe('two-way strategic merge patch (kubectl set image, label, annotate)', () => {
  it('changes one container image by merge key', () => {
    const before = { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } };
    const after = { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } };
    expect(createTwoWayMergePatch(before, after, PatchMeta.forKind('Deployment'))).toEqual({
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [{ image: 'nginx:1.28', name: 'nginx' }],
          },
        },
      },
    });
  });

  it('nulls removed map keys', () => {
    expect(
      createTwoWayMergePatch(
        { metadata: { labels: { a: '1', b: '2' } } },
        { metadata: { labels: { a: '1' } } },
        PatchMeta.forKind('Pod'),
      ),
    ).toEqual({
      metadata: { labels: { b: null } },
    });
  });
});
