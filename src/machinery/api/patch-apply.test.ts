import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  fieldsV1Paths,
  LAST_APPLIED_ANNOTATION,
  managerOrUserAgent,
  serverSideApply,
  updateManagedFields,
} from './patch.ts';
import { lookup } from './resources.ts';
import type { KObject, ResourceInfo } from './types.ts';

const deployments = lookup('apps', 'deployments') as ResourceInfo;
const configmaps = lookup('', 'configmaps') as ResourceInfo;
const y = (s: string) => parse(s) as KObject;
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';

const nginx = (replicas: number, image = 'nginx:1.25') =>
  y(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: default
  labels: {app: nginx}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`);

describe('server-side apply: managedFields', () => {
  it('records the applied ConfigMap fields as the docs show them', () => {
    const cm = y(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: test-cm
  namespace: default
  labels: {test-label: test}
data:
  key: some value
`);
    const r = serverSideApply(configmaps, undefined, cm, 'kubectl', { force: false, now: T0 });
    expect(r.conflicts).toEqual([]);
    expect(r.object.data).toEqual({ key: 'some value' });
    expect(r.object.metadata?.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } },
      },
    ]);
  });

  it('keys list items by merge keys, with the protocol default', () => {
    const r = serverSideApply(deployments, undefined, nginx(2), 'kubectl', { force: false, now: T0 });
    expect(r.object.metadata?.managedFields?.[0]?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('reports a conflict with a client-side apply manager in upstream words', () => {
    const created = updateManagedFields(undefined, nginx(2), 'kubectl-client-side-apply', 'Update', 'apps/v1', T0);
    const r = serverSideApply(deployments, created, nginx(3), 'other-tool', { force: false, now: T1 });
    expect(r.conflicts).toEqual([
      {
        field: '.spec.replicas',
        manager: 'kubectl-client-side-apply',
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
      },
    ]);
    expect(r.error?.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    expect(r.error?.toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-client-side-apply" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
    });
    expect(r.object).toEqual(created);
  });

  it('lists several conflicts by manager', () => {
    const created = updateManagedFields(undefined, nginx(2), 'kubectl-create', 'Update', 'apps/v1', T0);
    const r = serverSideApply(deployments, created, nginx(3, 'nginx:1.26'), 'other-tool', { force: false, now: T1 });
    expect(r.error?.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('force takes the fields; the other manager keeps the rest', () => {
    const created = updateManagedFields(undefined, nginx(2), 'kubectl-create', 'Update', 'apps/v1', T0);
    const r = serverSideApply(
      deployments,
      created,
      y('{apiVersion: apps/v1, kind: Deployment, metadata: {name: nginx}, spec: {replicas: 5}}'),
      'hpa',
      {
        force: true,
        now: T1,
      },
    );
    expect(r.conflicts).toEqual([]);
    expect((r.object.spec as { replicas: number }).replicas).toBe(5);
    const entries = r.object.metadata?.managedFields ?? [];
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).toEqual(['hpa/Apply', 'kubectl-create/Update']);
    expect(fieldsV1Paths(entries[0]?.fieldsV1)).toEqual(['.spec.replicas']);
    expect(fieldsV1Paths(entries[1]?.fieldsV1)).not.toContain('.spec.replicas');
    expect(fieldsV1Paths(entries[1]?.fieldsV1)).toContain('.spec.template.spec.containers[name="nginx"].image');
  });

  it('prunes what the applier no longer applies, unless another manager owns it', () => {
    const cm = (labels: string, data: string) =>
      y(`{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: ${labels}}, data: ${data}}`);
    const first = serverSideApply(configmaps, undefined, cm('{a: "1", b: "2"}', '{x: "1", y: "2"}'), 'mgr', {
      force: false,
      now: T0,
    }).object;
    // Another writer changes label b, so it owns it now.
    const touched = clone(first);
    (touched.metadata as { labels: Record<string, string> }).labels.b = '3';
    const updated = updateManagedFields(first, touched, 'kubectl-label', 'Update', 'v1', T1);
    const second = serverSideApply(configmaps, updated, cm('{a: "1"}', '{x: "1"}'), 'mgr', {
      force: false,
      now: T2,
    }).object;
    expect(second.metadata?.labels).toEqual({ a: '1', b: '3' });
    expect(second.data).toEqual({ x: '1' });
    expect(second.metadata?.managedFields?.map((e) => [e.manager, fieldsV1Paths(e.fieldsV1)])).toEqual([
      ['mgr', ['.data.x', '.metadata.labels.a']],
      ['kubectl-label', ['.metadata.labels.b']],
    ]);
  });

  it('removes a container the applier dropped', () => {
    const two = nginx(1);
    (two.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.push({
      name: 'sidecar',
      image: 'busybox',
    });
    const a = serverSideApply(deployments, undefined, two, 'kubectl', { force: false, now: T0 }).object;
    const b = serverSideApply(deployments, a, nginx(1), 'kubectl', { force: false, now: T1 }).object;
    const containers = (b.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['nginx']);
  });

  it('keeps the entry time on a no-op apply', () => {
    const a = serverSideApply(deployments, undefined, nginx(2), 'kubectl', { force: false, now: T0 });
    const b = serverSideApply(deployments, a.object, nginx(2), 'kubectl', { force: false, now: T1 });
    expect(b.changed).toBe(false);
    expect(b.object.metadata?.managedFields?.[0]?.time).toBe(T0);
  });

  it('hands fields over from client-side apply when they match last-applied (manager kubectl)', () => {
    const csa = nginx(2);
    (csa.metadata as { annotations?: Record<string, string> }).annotations = {
      [LAST_APPLIED_ANNOTATION]: JSON.stringify(nginx(2)),
    };
    const created = updateManagedFields(undefined, csa, 'kubectl-client-side-apply', 'Update', 'apps/v1', T0);
    const r = serverSideApply(deployments, created, nginx(3), 'kubectl', { force: false, now: T1 });
    expect(r.conflicts).toEqual([]);
    expect((r.object.spec as { replicas: number }).replicas).toBe(3);
    const ann = r.object.metadata?.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
    expect(ann.endsWith('\n')).toBe(true);
    expect(JSON.parse(ann).spec.replicas).toBe(3);
    expect(ann.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{')).toBe(true);
    const csaEntry = r.object.metadata?.managedFields?.find((e) => e.manager === 'kubectl-client-side-apply');
    expect(fieldsV1Paths(csaEntry?.fieldsV1)).not.toContain('.spec.replicas');
  });

  it('names a scale subresource writer in the conflict', () => {
    const a = serverSideApply(deployments, undefined, nginx(2), 'kubectl', { force: false, now: T0 }).object;
    const scaled = clone(a);
    (scaled.spec as { replicas: number }).replicas = 4;
    const b = updateManagedFields(a, scaled, 'kubectl', 'Update', 'apps/v1', T1, 'scale');
    const scaleEntry = b.metadata?.managedFields?.find((e) => e.subresource === 'scale');
    expect(scaleEntry).toMatchObject({
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'apps/v1',
      subresource: 'scale',
      time: T1,
    });
    expect(fieldsV1Paths(scaleEntry?.fieldsV1)).toEqual(['.spec.replicas']);
    const r = serverSideApply(deployments, b, nginx(2), 'kubectl', { force: false, now: T2 });
    expect(r.error?.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it('rejects a configuration of another kind or with managedFields', () => {
    expect(() =>
      serverSideApply(deployments, undefined, y('{apiVersion: apps/v1, kind: Deploymnet, metadata: {name: x}}'), 'k', {
        force: false,
        now: T0,
      }),
    ).toThrow('invalid object type: apps/v1, Kind=Deploymnet');
    expect(() =>
      serverSideApply(
        configmaps,
        undefined,
        y('{apiVersion: v1, kind: ConfigMap, metadata: {name: x, managedFields: []}}'),
        'k',
        { force: false, now: T0 },
      ),
    ).toThrow('metadata.managedFields must be nil');
  });

  it('rejects duplicate keys in the configuration', () => {
    const dup = y('{apiVersion: v1, kind: ConfigMap, metadata: {name: x, finalizers: [a, a]}}');
    expect(() => serverSideApply(configmaps, undefined, dup, 'k', { force: false, now: T0 })).toThrow(
      /duplicate entries for key/,
    );
  });
});

describe('updateManagedFields', () => {
  it('records a create the way kube-apiserver does (kubectl create deployment)', () => {
    const obj = y(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx, namespace: default, labels: {app: nginx}, creationTimestamp: null}
spec:
  replicas: 1
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}, creationTimestamp: null}
    spec:
      containers:
      - {name: nginx, image: nginx, resources: {}, terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File, imagePullPolicy: Always}
      restartPolicy: Always
      terminationGracePeriodSeconds: 30
      dnsPolicy: ClusterFirst
      securityContext: {}
      schedulerName: default-scheduler
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 25%, maxSurge: 25%}
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
status: {}
`);
    const out = updateManagedFields(undefined, obj, 'kubectl-create', 'Update', 'apps/v1', '2025-01-01T00:00:00.123Z');
    expect(out.metadata?.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:progressDeadlineSeconds': {},
            'f:replicas': {},
            'f:revisionHistoryLimit': {},
            'f:selector': {},
            'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:imagePullPolicy': {},
                    'f:name': {},
                    'f:resources': {},
                    'f:terminationMessagePath': {},
                    'f:terminationMessagePolicy': {},
                  },
                },
                'f:dnsPolicy': {},
                'f:restartPolicy': {},
                'f:schedulerName': {},
                'f:securityContext': {},
                'f:terminationGracePeriodSeconds': {},
              },
            },
          },
        },
      },
    ]);
  });

  it('gives a label patch to its manager and takes it from the creator', () => {
    const cm = y('{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {a: "1"}}, data: {k: v}}');
    const created = updateManagedFields(undefined, cm, 'kubectl-create', 'Update', 'v1', T0);
    const next = clone(created);
    (next.metadata as { labels: Record<string, string> }).labels = { a: '2', b: '1' };
    const out = updateManagedFields(created, next, 'kubectl-label', 'Update', 'v1', T1);
    expect(out.metadata?.managedFields?.map((e) => [e.manager, e.time, fieldsV1Paths(e.fieldsV1)])).toEqual([
      ['kubectl-create', T0, ['.data', '.data.k', '.metadata.labels']],
      ['kubectl-label', T1, ['.metadata.labels.a', '.metadata.labels.b']],
    ]);
  });

  it('does not touch managedFields when nothing changed', () => {
    const cm = y('{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}');
    const created = updateManagedFields(undefined, cm, 'a', 'Update', 'v1', T0);
    expect(updateManagedFields(created, clone(created), 'b', 'Update', 'v1', T1).metadata?.managedFields).toEqual(
      created.metadata?.managedFields,
    );
  });

  it('leaves status to the status subresource', () => {
    const pods = y(
      '{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: i}]}, status: {phase: Pending}}',
    );
    const created = updateManagedFields(undefined, pods, 'kubectl-run', 'Update', 'v1', T0);
    const withStatus = clone(created);
    withStatus.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    const viaMain = updateManagedFields(created, withStatus, 'x', 'Update', 'v1', T1);
    expect(viaMain.metadata?.managedFields?.map((e) => e.manager)).toEqual(['kubectl-run']);
    const viaStatus = updateManagedFields(created, withStatus, 'kubelet', 'Update', 'v1', T1, 'status');
    const kubelet = viaStatus.metadata?.managedFields?.find((e) => e.manager === 'kubelet');
    expect(kubelet?.subresource).toBe('status');
    expect(kubelet?.fieldsV1).toEqual({
      'f:status': {
        'f:conditions': { '.': {}, 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
        'f:phase': {},
      },
    });
  });

  it('folds the oldest of more than ten update managers into ancient-changes', () => {
    let obj = updateManagedFields(
      undefined,
      y('{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}'),
      'm0',
      'Update',
      'v1',
      T0,
    );
    for (let i = 1; i <= 11; i++) {
      const next = clone(obj);
      next.data = { ...((next.data as Record<string, string>) ?? {}), [`k${i}`]: 'v' };
      obj = updateManagedFields(obj, next, `m${i}`, 'Update', 'v1', `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`);
    }
    const names = obj.metadata?.managedFields?.map((e) => e.manager) ?? [];
    expect(names).toHaveLength(10);
    expect(names[0]).toBe('ancient-changes');
    expect(fieldsV1Paths(obj.metadata?.managedFields?.[0]?.fieldsV1)).toEqual(['.data', '.data.k1', '.data.k2']);
  });
});

describe('managerOrUserAgent', () => {
  it('uses the field manager, else the user agent program', () => {
    expect(managerOrUserAgent('kubectl-edit', 'kubectl/v1.32.0')).toBe('kubectl-edit');
    expect(managerOrUserAgent(undefined, 'kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9')).toBe('kubectl');
  });
});

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

describe('FieldsV1', () => {
  it('names every path element kind; each level lists its members, then its children, fields < keys < values < indexes', () => {
    const v1 = {
      'f:metadata': { 'f:finalizers': { '.': {}, 'v:"b"': {}, 'v:"a"': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:ports': {
          'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:port': {} },
          'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
        },
        'f:weird': { 'i:1': {}, 'i:0': {} },
      },
    };
    expect(fieldsV1Paths(v1)).toEqual([
      '.metadata.finalizers',
      '.metadata.labels',
      '.metadata.finalizers[="a"]',
      '.metadata.finalizers[="b"]',
      '.metadata.labels.app',
      '.spec.ports[port=80,protocol="TCP"]',
      '.spec.ports[port=443,protocol="TCP"]',
      '.spec.ports[port=80,protocol="TCP"].port',
      '.spec.ports[port=80,protocol="TCP"].targetPort',
      '.spec.ports[port=443,protocol="TCP"].port',
      '.spec.weird[0]',
      '.spec.weird[1]',
    ]);
  });

  it('keeps a managedFields entry it does not change byte for byte', () => {
    const cm = y(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  finalizers: [b, a]
  managedFields:
  - manager: someone
    operation: Update
    apiVersion: v1
    time: "2024-06-01T10:00:00Z"
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:finalizers:
          .: {}
          v:"a": {}
          v:"b": {}
data: {k: v}
`);
    const next = clone(cm);
    next.data = { k: 'v', k2: 'v2' };
    const out = updateManagedFields(cm, next, 'other', 'Update', 'v1', T0);
    expect(out.metadata?.managedFields?.[0]).toEqual(cm.metadata?.managedFields?.[0]);
    expect(out.metadata?.managedFields?.[1]?.fieldsV1).toEqual({ 'f:data': { 'f:k2': {} } });
  });
});

describe('server-side apply: list order', () => {
  it('puts new items where the configuration has them and drops the ones no longer applied', () => {
    const cm = (fins: string[]) =>
      y(`{apiVersion: v1, kind: ConfigMap, metadata: {name: c, finalizers: ${JSON.stringify(fins)}}}`);
    const a = serverSideApply(configmaps, undefined, cm(['a', 'b']), 'm', { force: false, now: T0 }).object;
    const b = serverSideApply(configmaps, a, cm(['c', 'a']), 'm', { force: false, now: T1 }).object;
    expect(b.metadata?.finalizers).toEqual(['c', 'a']);
    const other = clone(b);
    other.metadata?.finalizers?.push('d');
    const c = updateManagedFields(b, other, 'controller', 'Update', 'v1', T1);
    const d = serverSideApply(configmaps, c, cm(['e', 'a']), 'm', { force: false, now: T2 }).object;
    expect(d.metadata?.finalizers).toEqual(['e', 'a', 'd']);
  });
});
