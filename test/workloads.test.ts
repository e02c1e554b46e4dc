import { afterEach, describe, expect, it } from 'vitest';
import { parseRFC3339 } from '../src/machinery/api/time.ts';
import type { KObject, WatchEventWire } from '../src/machinery/api/types.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
type Pod = KObject & {
  spec: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    tolerations?: { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }[];
    affinity?: unknown;
  };
  status: { phase?: string; conditions?: Cond[] };
};
type List<T = KObject> = { items: T[] };
type Event = KObject & {
  reason: string;
  message: string;
  type: string;
  involvedObject: { name: string; kind: string };
};

const merge = { headers: { 'content-type': 'application/merge-patch+json' } };
const live = (p: KObject) => !p.metadata?.deletionTimestamp;
const ready = (p: Pod) => p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') === true;

async function pods(c: TestCluster, selector: string, ns = 'default'): Promise<Pod[]> {
  const r = await c.api('GET', `/api/v1/namespaces/${ns}/pods`, undefined, { query: { labelSelector: selector } });
  return ((r.body as List<Pod>).items ?? []).sort((a, b) =>
    (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1,
  );
}

async function events(c: TestCluster, name: string, ns = 'default'): Promise<Event[]> {
  const r = await c.api('GET', `/api/v1/namespaces/${ns}/events`);
  return (r.body as List<Event>).items.filter((e) => e.involvedObject.name === name);
}

async function get<T = KObject>(c: TestCluster, path: string): Promise<T> {
  return (await c.api('GET', path)).body as T;
}

/** Advances simulated time in steps until `check` passes (or `max` ms have gone by). */
async function until(c: TestCluster, check: () => Promise<boolean>, max = 120_000, step = 1_000): Promise<void> {
  for (let t = 0; t < max; t += step) {
    if (await check()) return;
    await c.relay.advance(step);
  }
  if (!(await check())) throw new Error('condition not reached in time');
}

const daemonSet = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'agent', image: 'nginx:1.27' }], ...extra },
    },
  },
});

describe('DaemonSet controller', () => {
  it('runs one pod on each eligible node: the workers, and the control plane only when its taint is tolerated', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/daemonsets', daemonSet('agent'));
    await c.api(
      'POST',
      '/apis/apps/v1/namespaces/default/daemonsets',
      daemonSet('everywhere', {
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      }),
    );
    await c.relay.advance(20_000);

    const agents = await pods(c, 'app=agent');
    expect(agents.map((p) => p.spec.nodeName).sort()).toEqual(['kind-worker', 'kind-worker2']);
    for (const p of agents) {
      expect(p.metadata?.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.status.phase).toBe('Running');
      expect(p.metadata?.labels?.['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
      // Pinned to its node through required node affinity on metadata.name; the scheduler bound it.
      expect(p.spec.affinity).toEqual({
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }],
          },
        },
      });
      expect(p.spec.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
        'node.kubernetes.io/not-ready:NoExecute',
        'node.kubernetes.io/unreachable:NoExecute',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ]);
      expect(p.spec.tolerations?.every((t) => t.tolerationSeconds === undefined)).toBe(true);
    }
    const everywhere = await pods(c, 'app=everywhere');
    expect(everywhere.map((p) => p.spec.nodeName).sort()).toEqual([
      'kind-control-plane',
      'kind-worker',
      'kind-worker2',
    ]);

    const ds = await get<{ status: Record<string, number> }>(c, '/apis/apps/v1/namespaces/default/daemonsets/agent');
    expect(ds.status).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 2,
      observedGeneration: 1,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    });
    const created = (await events(c, 'agent')).filter((e) => e.reason === 'SuccessfulCreate');
    expect(created.map((e) => e.message).sort()).toEqual(agents.map((p) => `Created pod: ${p.metadata?.name}`).sort());
  });

  it('follows node labels: a nodeSelector adds and removes daemon pods as labels change', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api(
      'POST',
      '/apis/apps/v1/namespaces/default/daemonsets',
      daemonSet('disk', { nodeSelector: { disktype: 'ssd' } }),
    );
    await c.relay.advance(5_000);
    expect(await pods(c, 'app=disk')).toEqual([]);
    await c.api('PATCH', '/api/v1/nodes/kind-worker2', { metadata: { labels: { disktype: 'ssd' } } }, merge);
    await c.relay.advance(10_000);
    expect((await pods(c, 'app=disk')).map((p) => p.spec.nodeName)).toEqual(['kind-worker2']);
    await c.api('PATCH', '/api/v1/nodes/kind-worker2', { metadata: { labels: { disktype: null } } }, merge);
    await c.relay.advance(60_000);
    expect((await pods(c, 'app=disk')).filter(live)).toEqual([]);
  });

  it('gives a node added later its pod, and deletes the pod of a node removed before it was scheduled', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(15_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/daemonsets', daemonSet('agent'));
    await c.relay.advance(10_000);
    expect((await pods(c, 'app=agent')).map((p) => p.spec.nodeName)).toEqual(['kind-worker']);
    // A node object with no kubelet behind it: the pod is created for it at once.
    await c.api('POST', '/api/v1/nodes', {
      metadata: { name: 'kind-worker3', labels: { 'kubernetes.io/hostname': 'kind-worker3' } },
    });
    await c.relay.advance(2_000);
    const targets = (await pods(c, 'app=agent')).map(
      (p) =>
        (
          p.spec.affinity as {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: { matchFields: { values: string[] }[] }[];
              };
            };
          }
        ).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]?.matchFields[0]?.values[0],
    );
    expect(targets.sort()).toEqual(['kind-worker', 'kind-worker3']);
    // The node goes before any kubelet ran the pod: the DaemonSet controller removes it
    // (getUnscheduledPodsWithoutNode; pods already bound to a deleted node are PodGC's job).
    await c.api('DELETE', '/api/v1/nodes/kind-worker3');
    await c.relay.advance(5_000);
    expect((await pods(c, 'app=agent')).map((p) => p.spec.nodeName)).toEqual(['kind-worker']);
  });

  it('rolls a new template out one node at a time (maxUnavailable 1)', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/daemonsets', daemonSet('agent'));
    await c.relay.advance(20_000);
    const before = await pods(c, 'app=agent');
    const oldHash = before[0]?.metadata?.labels?.['controller-revision-hash'];
    await c.api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/daemonsets/agent',
      { spec: { template: { spec: { containers: [{ name: 'agent', image: 'nginx:1.28' }] } } } },
      merge,
    );
    // Never more than one node without a ready daemon pod.
    let maxDown = 0;
    await until(c, async () => {
      const now = await pods(c as TestCluster, 'app=agent');
      const up = new Set(now.filter((p) => live(p) && ready(p)).map((p) => p.spec.nodeName));
      maxDown = Math.max(maxDown, 2 - up.size);
      const all = now.filter(live);
      return (
        all.length === 2 && all.every((p) => ready(p) && p.metadata?.labels?.['controller-revision-hash'] !== oldHash)
      );
    });
    expect(maxDown).toBeLessThanOrEqual(1);
    const ds = await get<{ status: Record<string, number> }>(c, '/apis/apps/v1/namespaces/default/daemonsets/agent');
    expect(ds.status.updatedNumberScheduled).toBe(2);
    expect(ds.status.observedGeneration).toBe(2);
  });
});

/** Watches pods, recording when each was added, first Running and Ready, marked for deletion and gone. */
async function podTimeline(c: TestCluster, selector: string) {
  const t = new Map<string, { added?: number; ready?: number; deleting?: number; gone?: number }>();
  const at = (name: string) => {
    let e = t.get(name);
    if (!e) t.set(name, (e = {}));
    return e;
  };
  await c.watch('/api/v1/namespaces/default/pods', { labelSelector: selector }, (evs: WatchEventWire[]) => {
    for (const ev of evs) {
      const p = ev.object as Pod;
      const name = p.metadata?.name ?? '';
      if (!name) continue;
      const e = at(name);
      const now = (c as TestCluster).relay.now;
      if (ev.type === 'ADDED') e.added ??= now;
      if (ev.type === 'DELETED') e.gone ??= now;
      if (p.status?.phase === 'Running' && ready(p)) e.ready ??= now;
      if (p.metadata?.deletionTimestamp) e.deleting ??= now;
    }
  });
  return t;
}

const statefulSet = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    replicas,
    serviceName: 'nginx',
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    ...extra,
  },
});

type StsStatus = {
  status: {
    replicas: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas: number;
    currentRevision: string;
    updateRevision: string;
    observedGeneration: number;
    collisionCount: number;
  };
};

describe('StatefulSet controller', () => {
  it('creates web-0, web-1, web-2 one at a time, each after the previous is Ready, and scales down in reverse', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    const t = await podTimeline(c, 'app=web');
    await c.api('POST', '/apis/apps/v1/namespaces/default/statefulsets', statefulSet('web', 3));
    await until(c, async () => (await pods(c as TestCluster, 'app=web')).filter(ready).length === 3);

    const ps = await pods(c, 'app=web');
    expect(ps.map((p) => p.metadata?.name)).toEqual(['web-0', 'web-1', 'web-2']);
    const w = (n: string) => t.get(n) ?? {};
    // web-1 is created only once web-0 is Running and Ready; web-2 only once web-1 is.
    expect(w('web-1').added).toBeGreaterThanOrEqual(w('web-0').ready as number);
    expect(w('web-2').added).toBeGreaterThanOrEqual(w('web-1').ready as number);
    const sts = await get<StsStatus>(c, '/apis/apps/v1/namespaces/default/statefulsets/web');
    const rev = sts.status.updateRevision;
    expect(rev).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    ps.forEach((p, i) => {
      expect(p.metadata?.labels).toMatchObject({
        app: 'web',
        'controller-revision-hash': rev,
        'statefulset.kubernetes.io/pod-name': `web-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      });
      expect(p.spec.hostname).toBe(`web-${i}`);
      expect(p.spec.subdomain).toBe('nginx');
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
    });
    expect(sts.status).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: rev,
      updateRevision: rev,
      collisionCount: 0,
      availableReplicas: 3,
    });
    const created = (await events(c, 'web')).filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message);
    expect(created).toEqual([0, 1, 2].map((i) => `create Pod web-${i} in StatefulSet web successful`));

    // Scale to 1: web-2 goes first, and web-1 is deleted only once web-2 is gone.
    await c.api('PATCH', '/apis/apps/v1/namespaces/default/statefulsets/web', { spec: { replicas: 1 } }, merge);
    await until(
      c,
      async () => (await pods(c as TestCluster, 'app=web')).map((p) => p.metadata?.name).join() === 'web-0',
    );
    expect(w('web-2').deleting).toBeDefined();
    expect(w('web-1').deleting).toBeGreaterThanOrEqual(w('web-2').gone as number);
    const deleted = (await events(c, 'web')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deleted).toEqual([
      'delete Pod web-2 in StatefulSet web successful',
      'delete Pod web-1 in StatefulSet web successful',
    ]);
  });

  it('creates all pods at once with podManagementPolicy Parallel', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    const t = await podTimeline(c, 'app=par');
    await c.api(
      'POST',
      '/apis/apps/v1/namespaces/default/statefulsets',
      statefulSet('par', 3, { podManagementPolicy: 'Parallel' }),
    );
    await c.relay.advance(2_000);
    expect((await pods(c, 'app=par')).map((p) => p.metadata?.name)).toEqual(['par-0', 'par-1', 'par-2']);
    // All three exist before the first is ready.
    const first = Math.min(...[...t.values()].map((e) => e.ready ?? Number.POSITIVE_INFINITY));
    for (const e of t.values()) expect(e.added).toBeLessThan(first);
  });

  it('rolls an update from the highest ordinal down to the partition', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api('POST', '/apis/apps/v1/namespaces/default/statefulsets', statefulSet('web', 3));
    await until(c, async () => (await pods(c as TestCluster, 'app=web')).filter(ready).length === 3);
    const oldRev = (await get<StsStatus>(c, '/apis/apps/v1/namespaces/default/statefulsets/web')).status
      .currentRevision;
    const t = await podTimeline(c, 'app=web');
    await c.api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/statefulsets/web',
      {
        spec: {
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
          template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } },
        },
      },
      merge,
    );
    const revs = async () =>
      (await pods(c as TestCluster, 'app=web'))
        .filter(live)
        .map((p) => p.metadata?.labels?.['controller-revision-hash']);
    await until(c, async () => {
      const sts = await get<StsStatus>(c as TestCluster, '/apis/apps/v1/namespaces/default/statefulsets/web');
      return sts.status.updatedReplicas === 2 && sts.status.readyReplicas === 3;
    });
    const sts = await get<StsStatus>(c, '/apis/apps/v1/namespaces/default/statefulsets/web');
    const newRev = sts.status.updateRevision;
    expect(newRev).not.toBe(oldRev);
    expect(await revs()).toEqual([oldRev, newRev, newRev]);
    expect(sts.status.currentRevision).toBe(oldRev);
    expect(sts.status.currentReplicas).toBe(1);
    // web-2 was replaced first; web-1 only after the new web-2 was ready.
    expect(t.get('web-2')?.deleting).toBeLessThan(t.get('web-1')?.deleting as number);
    // Partition 0 finishes the rollout: the current revision becomes the update revision.
    await c.api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/statefulsets/web',
      { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } },
      merge,
    );
    await until(c, async () => {
      const s = await get<StsStatus>(c as TestCluster, '/apis/apps/v1/namespaces/default/statefulsets/web');
      return s.status.currentRevision === newRev && s.status.readyReplicas === 3;
    });
    expect(await revs()).toEqual([newRev, newRev, newRev]);
  });
});

type JobObj = KObject & {
  spec: { selector?: unknown };
  status: {
    active?: number;
    ready?: number;
    succeeded?: number;
    failed?: number;
    terminating?: number;
    startTime?: string;
    completionTime?: string;
    completedIndexes?: string;
    conditions?: Cond[];
    uncountedTerminatedPods?: unknown;
  };
};

const job = (name: string, command: string[], spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command }] } },
    ...spec,
  },
});

const finished = (j: JobObj) =>
  (j.status.conditions ?? []).some((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');

describe('Job controller', () => {
  it('runs completions 3 with parallelism 2 to Complete, tracking pods with a finalizer', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    const t = await podTimeline(c, 'job-name=pi');
    await c.api(
      'POST',
      '/apis/batch/v1/namespaces/default/jobs',
      job('pi', ['sh', '-c', 'sleep 2'], { completions: 3, parallelism: 2 }),
    );
    let maxActive = 0;
    let sawFinalizer = false;
    await until(c, async () => {
      const ps = await pods(c as TestCluster, 'job-name=pi');
      maxActive = Math.max(
        maxActive,
        ps.filter((p) => p.status.phase === 'Pending' || p.status.phase === 'Running').length,
      );
      sawFinalizer ||= ps.some((p) => p.metadata?.finalizers?.includes('batch.kubernetes.io/job-tracking'));
      return finished(await get<JobObj>(c as TestCluster, '/apis/batch/v1/namespaces/default/jobs/pi'));
    });
    expect(maxActive).toBe(2);
    expect(sawFinalizer).toBe(true);
    const j = await get<JobObj>(c, '/apis/batch/v1/namespaces/default/jobs/pi');
    expect(j.status).toMatchObject({ succeeded: 3, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(j.status.active).toBeUndefined();
    expect(j.status.failed).toBeUndefined();
    expect(j.status.conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(j.status.completionTime).toBeDefined();
    expect(parseRFC3339(j.status.completionTime as string)).toBeGreaterThan(parseRFC3339(j.status.startTime as string));

    const ps = await pods(c, 'job-name=pi');
    expect(ps).toHaveLength(3);
    for (const p of ps) {
      expect(p.metadata?.name).toMatch(/^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.status.phase).toBe('Succeeded');
      expect(p.metadata?.finalizers ?? []).toEqual([]);
      expect(p.metadata?.labels).toMatchObject({
        'batch.kubernetes.io/job-name': 'pi',
        'job-name': 'pi',
        'batch.kubernetes.io/controller-uid': j.metadata?.uid,
        'controller-uid': j.metadata?.uid,
      });
    }
    // The third pod starts only when one of the first two has finished.
    const added = [...t.values()].map((e) => e.added as number).sort((a, b) => a - b);
    expect(added[2]).toBeGreaterThan((added[0] as number) + 2_000);
    const ev = await events(c, 'pi');
    expect(
      ev
        .filter((e) => e.reason === 'SuccessfulCreate')
        .map((e) => e.message)
        .sort(),
    ).toEqual(ps.map((p) => `Created pod: ${p.metadata?.name}`).sort());
    expect(ev.filter((e) => e.reason === 'Completed').map((e) => [e.type, e.message])).toEqual([
      ['Normal', 'Job completed'],
    ]);
  });

  it('fails with BackoffLimitExceeded after backoffLimit retries, recreating pods after a growing back-off', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    const t = await podTimeline(c, 'job-name=fail');
    await c.api('POST', '/apis/batch/v1/namespaces/default/jobs', job('fail', ['false'], { backoffLimit: 2 }));
    await until(
      c,
      async () => finished(await get<JobObj>(c as TestCluster, '/apis/batch/v1/namespaces/default/jobs/fail')),
      300_000,
    );
    const j = await get<JobObj>(c, '/apis/batch/v1/namespaces/default/jobs/fail');
    expect(j.status.failed).toBe(3);
    expect(j.status.succeeded).toBeUndefined();
    expect(j.status.completionTime).toBeUndefined();
    expect(j.status.conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    const ps = await pods(c, 'job-name=fail');
    expect(ps).toHaveLength(3);
    expect(ps.every((p) => p.status.phase === 'Failed' && (p.metadata?.finalizers ?? []).length === 0)).toBe(true);
    // Back-off from a failure (the container's finishedAt) to the replacement: 10 s, then 20 s.
    const finishedAt = (p: Pod) =>
      parseRFC3339(
        (p.status as { containerStatuses?: { state: { terminated?: { finishedAt: string } } }[] })
          .containerStatuses?.[0]?.state.terminated?.finishedAt ?? '',
      );
    const byAge = [...ps].sort(
      (a, b) => (t.get(a.metadata?.name ?? '')?.added ?? 0) - (t.get(b.metadata?.name ?? '')?.added ?? 0),
    );
    // Simulated time starts at the cluster epoch, 2025-01-01T00:00:00Z.
    const createdAt = (p: Pod) =>
      parseRFC3339('2025-01-01T00:00:00Z') + (t.get(p.metadata?.name ?? '')?.added as number);
    const wait1 = createdAt(byAge[1] as Pod) - finishedAt(byAge[0] as Pod);
    const wait2 = createdAt(byAge[2] as Pod) - finishedAt(byAge[1] as Pod);
    expect(wait1).toBeGreaterThanOrEqual(10_000);
    expect(wait1).toBeLessThan(12_000);
    expect(wait2).toBeGreaterThanOrEqual(20_000);
    expect(wait2).toBeLessThan(22_000);
    const ev = await events(c, 'fail');
    expect(ev.filter((e) => e.reason === 'BackoffLimitExceeded').map((e) => [e.type, e.message])).toEqual([
      ['Warning', 'Job has reached the specified backoff limit'],
    ]);
  });

  it('runs an Indexed job: one pod per completion index, named <job>-<index>-<random>', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api(
      'POST',
      '/apis/batch/v1/namespaces/default/jobs',
      job('idx', ['sh', '-c', 'sleep 1'], { completions: 3, parallelism: 3, completionMode: 'Indexed' }),
    );
    await until(c, async () =>
      finished(await get<JobObj>(c as TestCluster, '/apis/batch/v1/namespaces/default/jobs/idx')),
    );
    const j = await get<JobObj>(c, '/apis/batch/v1/namespaces/default/jobs/idx');
    expect(j.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    const ps = await pods(c, 'job-name=idx');
    expect(ps.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort()).toEqual([
      '0',
      '1',
      '2',
    ]);
    for (const p of ps) {
      const ix = p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
      expect(p.metadata?.name).toMatch(new RegExp(`^idx-${ix}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe(ix);
      expect(p.spec.hostname).toBe(`idx-${ix}`);
    }
  });

  it('stops a job that runs past activeDeadlineSeconds (DeadlineExceeded)', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api(
      'POST',
      '/apis/batch/v1/namespaces/default/jobs',
      job('slow', ['sh', '-c', 'sleep 600'], { activeDeadlineSeconds: 10 }),
    );
    await until(
      c,
      async () => finished(await get<JobObj>(c as TestCluster, '/apis/batch/v1/namespaces/default/jobs/slow')),
      120_000,
    );
    const j = await get<JobObj>(c, '/apis/batch/v1/namespaces/default/jobs/slow');
    const failed = j.status.conditions?.find((x) => x.type === 'Failed');
    expect(failed).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    const startedAt = parseRFC3339(j.status.startTime as string);
    expect(parseRFC3339(failed?.lastTransitionTime as string) - startedAt).toBeGreaterThanOrEqual(10_000);
    expect(j.status.failed).toBe(1);
    expect((await pods(c, 'job-name=slow')).filter(live)).toEqual([]);
  });
});

type CronJobObj = KObject & {
  status: { active?: { name: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
};

const cronJob = (name: string, schedule: string, command: string[], extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    schedule,
    jobTemplate: {
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command }] } },
      },
    },
    ...extra,
  },
});

describe('CronJob controller', () => {
  it('creates a Job on each minute boundary of simulated time and keeps the last 3 successful ones', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    await c.api(
      'POST',
      '/apis/batch/v1/namespaces/default/cronjobs',
      cronJob('hello', '*/1 * * * *', ['sh', '-c', 'sleep 2']),
    );
    const created: { name: string; at: number }[] = [];
    await c.watch('/apis/batch/v1/namespaces/default/jobs', {}, (evs) => {
      for (const ev of evs)
        if (ev.type === 'ADDED')
          created.push({ name: (ev.object as KObject).metadata?.name ?? '', at: (c as TestCluster).relay.now });
    });
    // The cluster epoch is 2025-01-01T00:00:00Z = 28928160 minutes after the Unix epoch.
    await c.relay.advance(5 * 60_000 + 30_000 - c.relay.now);
    expect(created.map((x) => x.name)).toEqual([1, 2, 3, 4, 5].map((m) => `hello-${28928160 + m}`));
    created.forEach((x, i) => {
      expect(x.at).toBeGreaterThanOrEqual((i + 1) * 60_000);
      expect(x.at).toBeLessThan((i + 1) * 60_000 + 1_000);
    });
    const jobs = (await get<List<JobObj>>(c, '/apis/batch/v1/namespaces/default/jobs')).items;
    expect(jobs.map((j) => j.metadata?.name).sort()).toEqual([3, 4, 5].map((m) => `hello-${28928160 + m}`));
    const j5 = jobs.find((j) => j.metadata?.name === 'hello-28928165') as JobObj;
    expect(j5.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2025-01-01T00:05:00Z');
    expect(j5.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'hello', controller: true });
    const cj = await get<CronJobObj>(c, '/apis/batch/v1/namespaces/default/cronjobs/hello');
    expect(cj.status.lastScheduleTime).toBe('2025-01-01T00:05:00Z');
    expect(cj.status.active ?? []).toEqual([]);
    expect(parseRFC3339(cj.status.lastSuccessfulTime as string)).toBeGreaterThan(parseRFC3339('2025-01-01T00:04:00Z'));
    const ev = await events(c, 'hello');
    const of = (reason: string) => ev.filter((e) => e.reason === reason).map((e) => e.message);
    expect(of('SuccessfulCreate')).toEqual([1, 2, 3, 4, 5].map((m) => `Created job hello-${28928160 + m}`));
    expect(of('SawCompletedJob')).toContain('Saw completed job: hello-28928161, condition: Complete');
    expect(of('SuccessfulDelete')).toEqual(['Deleted job hello-28928161', 'Deleted job hello-28928162']);
    // The deleted Jobs' pods go with them (garbage collector, background propagation).
    await c.relay.advance(30_000);
    const podJobs = new Set((await pods(c, 'job-name')).map((p) => p.metadata?.labels?.['job-name']));
    expect(podJobs.has('hello-28928161')).toBe(false);
  });

  it('does not start a Job while the previous one runs under concurrencyPolicy Forbid', async () => {
    c = await testCluster({ workers: 2 });
    await c.relay.advance(15_000);
    // Each run takes 90 s, longer than the schedule's minute.
    const sleep = ['sh', '-c', 'sleep 90'];
    await c.api(
      'POST',
      '/apis/batch/v1/namespaces/default/cronjobs',
      cronJob('late', '* * * * *', sleep, { concurrencyPolicy: 'Forbid' }),
    );
    await c.api(
      'POST',
      '/apis/batch/v1/namespaces/default/cronjobs',
      cronJob('strict', '* * * * *', sleep, { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 10 }),
    );
    const created = new Map<string, number>();
    await c.watch('/apis/batch/v1/namespaces/default/jobs', {}, (evs) => {
      for (const ev of evs)
        if (ev.type === 'ADDED') created.set((ev.object as KObject).metadata?.name ?? '', (c as TestCluster).relay.now);
    });
    await c.relay.advance(3 * 60_000 + 30_000 - c.relay.now);
    const ev = await events(c, 'late');
    expect(ev.filter((e) => e.reason === 'JobAlreadyActive').map((e) => e.message)).toEqual([
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    ]);
    // Without a starting deadline the 00:02 run is not lost: it starts late, as soon as 00:01's run ends.
    const late1 = created.get('late-28928161') as number;
    const late2 = created.get('late-28928162') as number;
    expect(late2 - late1).toBeGreaterThan(90_000);
    expect(created.has('late-28928163')).toBe(false);
    // With startingDeadlineSeconds 10 it is too late by then; the next run is 00:03's, on time.
    expect(created.has('strict-28928162')).toBe(false);
    expect(created.get('strict-28928163')).toBeLessThan(3 * 60_000 + 1_000);
  });
});
