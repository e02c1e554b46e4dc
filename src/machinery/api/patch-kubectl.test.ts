/**
 * Strategic merge patches with the exact bodies kubectl sends (CreateTwoWayMergePatch /
 * CreateThreeWayMergePatch output), applied to stored objects.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PatchError, strategicMergePatch } from './patch.ts';
import { lookup } from './resources.ts';
import type { KObject, ResourceInfo } from './types.ts';

const deployments = lookup('apps', 'deployments') as ResourceInfo;
const pods = lookup('', 'pods') as ResourceInfo;
const services = lookup('', 'services') as ResourceInfo;
const nodes = lookup('', 'nodes') as ResourceInfo;
const y = (s: string) => parse(s) as KObject;

const live = () =>
  y(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
  finalizers: [example.com/a]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - {containerPort: 80, protocol: TCP}
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        - {name: X, value: from-set-env}
      - name: sidecar
        image: busybox
      tolerations:
      - {key: k1, operator: Exists}
`);

/** Reads a dotted path of a decoded object. */
const at = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
const containers = (o: KObject) => at(o, 'spec.template.spec.containers') as Record<string, unknown>[];

describe('kubectl set image', () => {
  it('patches one container by name and keeps the order', () => {
    const out = strategicMergePatch(
      deployments,
      live(),
      JSON.parse(
        '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.26","name":"web"}]}}}}',
      ),
    );
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([
      ['web', 'nginx:1.26'],
      ['sidecar', 'busybox'],
    ]);
    expect(containers(out)[0]?.env).toHaveLength(3);
  });
});

describe('kubectl rollout', () => {
  it('restart adds the restartedAt annotation to the template', () => {
    const out = strategicMergePatch(
      deployments,
      live(),
      JSON.parse(
        '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}',
      ),
    );
    expect(at(out, 'spec.template.metadata')).toEqual({
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' },
    });
  });
  it('pause and resume', () => {
    const paused = strategicMergePatch(deployments, live(), { spec: { paused: true } });
    expect(at(paused, 'spec.paused')).toBe(true);
    expect(at(strategicMergePatch(deployments, paused, { spec: { paused: null } }), 'spec.paused')).toBeUndefined();
  });
});

describe('kubectl apply (three-way patch)', () => {
  it('switching to Recreate drops rollingUpdate through $retainKeys', () => {
    const out = strategicMergePatch(
      deployments,
      live(),
      JSON.parse('{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}'),
    );
    expect(at(out, 'spec.strategy')).toEqual({ type: 'Recreate' });
  });
  it('deletes an env var, adds a port, keeps fields set by other writers', () => {
    const patch = JSON.parse(
      '{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"containers":[{"$setElementOrder/env":[{"name":"A"}],"$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],"env":[{"$patch":"delete","name":"B"}],"name":"web","ports":[{"containerPort":443}]}]}}}}',
    );
    const out = strategicMergePatch(deployments, live(), patch);
    const web = containers(out)[0] as Record<string, unknown>;
    expect(web.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'X', value: 'from-set-env' },
    ]);
    expect(web.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
    expect(out.metadata?.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' });
    expect(JSON.stringify(out)).not.toContain('$');
  });
  it('removes a container dropped from the configuration and adds a new one at its place', () => {
    const out = strategicMergePatch(
      deployments,
      live(),
      JSON.parse(
        '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"logger"},{"name":"web"}],"containers":[{"image":"fluentd","name":"logger"},{"$patch":"delete","name":"sidecar"}]}}}}',
      ),
    );
    expect(containers(out).map((c) => c.name)).toEqual(['logger', 'web']);
  });
  it('replaces tolerations (no merge key) and deletes a field with null', () => {
    const out = strategicMergePatch(
      deployments,
      live(),
      JSON.parse('{"spec":{"replicas":null,"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}}'),
    );
    expect(at(out, 'spec.template.spec.tolerations')).toEqual([{ key: 'k2', operator: 'Exists' }]);
    expect(at(out, 'spec.replicas')).toBeUndefined();
  });
});

describe('metadata lists', () => {
  it('finalizers merge as a set and leave through $deleteFromPrimitiveList', () => {
    const added = strategicMergePatch(deployments, live(), {
      metadata: { finalizers: ['example.com/b', 'example.com/a'] },
    });
    expect(added.metadata?.finalizers).toEqual(['example.com/b', 'example.com/a']);
    const removed = strategicMergePatch(deployments, added, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] },
    });
    expect(removed.metadata?.finalizers).toEqual(['example.com/b']);
  });
  it('ownerReferences merge by uid', () => {
    const pod = y(
      '{apiVersion: v1, kind: Pod, metadata: {name: p, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: u1, controller: true}]}}',
    );
    const out = strategicMergePatch(pods, pod, {
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u2' }] },
    });
    // Without $setElementOrder, items the live list lacks go before the live ones (mergeSortedSlice).
    expect(out.metadata?.ownerReferences?.map((o) => o.uid)).toEqual(['u2', 'u1']);
    const orphaned = strategicMergePatch(pods, out, {
      metadata: { ownerReferences: [{ $patch: 'delete', uid: 'u1' }] },
    });
    expect(orphaned.metadata?.ownerReferences?.map((o) => o.uid)).toEqual(['u2']);
  });
});

describe('other kinds', () => {
  it('service ports merge by port', () => {
    const svc = y(
      '{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 80, targetPort: 8080, protocol: TCP}, {port: 443, protocol: TCP}]}}',
    );
    const out = strategicMergePatch(services, svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    expect(at(out, 'spec.ports')).toEqual([
      { port: 80, targetPort: 9090, protocol: 'TCP' },
      { port: 443, protocol: 'TCP' },
    ]);
  });
  it('kubelet status patch merges conditions by type in $setElementOrder order', () => {
    const pod = y(`
apiVersion: v1
kind: Pod
metadata: {name: p}
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "True"}
`);
    const out = strategicMergePatch(
      pods,
      pod,
      JSON.parse(
        '{"status":{"$setElementOrder/conditions":[{"type":"Initialized"},{"type":"Ready"},{"type":"PodScheduled"}],"conditions":[{"status":"True","type":"Initialized"},{"status":"False","type":"Ready"}],"phase":"Running"}}',
      ),
    );
    expect((at(out, 'status.conditions') as { type: string }[]).map((c) => c.type)).toEqual([
      'Initialized',
      'Ready',
      'PodScheduled',
    ]);
    expect(at(out, 'status.phase')).toBe('Running');
  });
  it('kubectl taint replaces the taints list; kubectl cordon sets unschedulable', () => {
    const node = y('{apiVersion: v1, kind: Node, metadata: {name: n}, spec: {taints: [{key: a, effect: NoSchedule}]}}');
    const out = strategicMergePatch(nodes, node, {
      spec: {
        taints: [
          { key: 'a', effect: 'NoSchedule' },
          { key: 'b', value: 'v', effect: 'NoExecute' },
        ],
      },
    });
    expect(at(out, 'spec.taints')).toHaveLength(2);
    expect(at(strategicMergePatch(nodes, node, { spec: { unschedulable: true } }), 'spec.unschedulable')).toBe(true);
  });
  it('podCIDRs merge as a set (new items first, as upstream orders them)', () => {
    const node = y('{apiVersion: v1, kind: Node, metadata: {name: n}, spec: {podCIDRs: [10.244.1.0/24]}}');
    expect(at(strategicMergePatch(nodes, node, { spec: { podCIDRs: ['fd00::/64'] } }), 'spec.podCIDRs')).toEqual([
      'fd00::/64',
      '10.244.1.0/24',
    ]);
  });
});

describe('errors kubectl users see', () => {
  it('a container without name: "map: map[image:httpd] does not contain declared merge key: name"', () => {
    try {
      strategicMergePatch(
        deployments,
        live(),
        JSON.parse('{"spec":{"template":{"spec":{"containers":[{"image":"httpd"}]}}}}'),
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PatchError);
      expect((e as PatchError).toStatus()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'map: map[image:httpd] does not contain declared merge key: name',
        code: 500,
      });
    }
  });
  it('an unknown $patch directive', () => {
    expect(() => strategicMergePatch(deployments, live(), { spec: { $patch: 'frob' } })).toThrow(
      'unknown patch type: frob in map: map[$patch:frob]',
    );
  });
  it('a list patch body is a 400', () => {
    try {
      strategicMergePatch(deployments, live(), [1]);
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).code).toBe(400);
      expect((e as PatchError).message).toBe(
        'json: cannot unmarshal array into Go value of type map[string]interface {}',
      );
    }
  });
  it('a malformed $setElementOrder key is a 400', () => {
    try {
      strategicMergePatch(deployments, live(), { spec: { $setElementOrder: [] } });
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).code).toBe(400);
      expect((e as PatchError).message).toBe('invalid patch format of setElementOrder list');
    }
  });
});
