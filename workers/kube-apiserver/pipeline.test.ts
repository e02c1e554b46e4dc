import { afterEach, describe, expect, it } from 'vitest';
import { BUS } from '../../src/machinery/bus/protocol.ts';
import { apiOnly, type TestCluster, testCluster } from '../../test/harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

interface PipelineNote {
  request: number;
  stages: { stage: string; at: number; detail: string }[];
}

function pipelineNotes(cl: TestCluster, since: number): { summary: string; data: PipelineNote }[] {
  return cl.relay.trace
    .since(since)
    .filter((r) => r.kind === BUS.note && r.from === 'kube-apiserver' && r.summary.startsWith('request '))
    .map((r) => ({ summary: r.summary, data: r.payload as PipelineNote }));
}

describe('kube-apiserver request pipeline in the trace', () => {
  it('writes one note per request with every stage in order and its simulated time', async () => {
    c = await testCluster({ workers: 0 }, apiOnly);
    const before = c.relay.trace.last;
    const r = await c.api('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'cm' },
      data: { a: 'b' },
    });
    expect(r.status).toBe(201);
    const notes = pipelineNotes(c, before);
    expect(notes).toHaveLength(1);
    const { summary, data } = notes[0] as { summary: string; data: PipelineNote };
    expect(data.stages.map((s) => s.stage)).toEqual([
      'authentication',
      'authorization',
      'mutating admission',
      'validation',
      'validating admission',
      'storage',
    ]);
    expect(data.stages[0]?.detail).toBe(
      'user "kubernetes-admin" (groups kubeadm:cluster-admins, system:authenticated)',
    );
    expect(data.stages[5]?.detail).toMatch(/^etcd txn created \/registry\/configmaps\/default\/cm at revision \d+$/);
    // Admission runs when the request arrives; storage after etcd's answer.
    const [first, last] = [data.stages[0]?.at ?? 0, data.stages[5]?.at ?? 0];
    expect(last).toBeGreaterThan(first);
    expect(summary).toMatch(/^request \d+ create configmaps; authentication: user "kubernetes-admin"/);
    expect(summary).toContain('; validation: ok; validating admission: NamespaceLifecycle ok; storage: etcd txn');
    // The note comes before the response in the trace.
    const kinds = c.relay.trace
      .since(before)
      .filter((x) => x.kind === BUS.note || x.kind === 'api.create.result')
      .map((x) => x.kind);
    expect(kinds).toEqual([BUS.note, 'api.create.result']);
  });

  it('stops at the stage that refused the request', async () => {
    c = await testCluster({ workers: 0 }, apiOnly);
    const before = c.relay.trace.last;
    const r = await c.api('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'Bad_Name' },
    });
    expect(r.status).toBe(422);
    const [note] = pipelineNotes(c, before);
    expect(note?.data.stages.map((s) => s.stage)).toEqual([
      'authentication',
      'authorization',
      'mutating admission',
      'validation',
    ]);
    expect(note?.data.stages[3]?.detail).toMatch(/^rejected: metadata.name: Invalid value: "Bad_Name"/);
  });
});

describe('a watch pinned to a node by its field selector', () => {
  it('is recognised from the selector a kubelet sends, and only from an equality on a name', async () => {
    const { selectedNodeName } = await import('./cacher.ts');
    expect(selectedNodeName('spec.nodeName=kind-worker')).toBe('kind-worker');
    expect(selectedNodeName('metadata.namespace=default,spec.nodeName==kind-worker2')).toBe('kind-worker2');
    expect(selectedNodeName('spec.nodeName=')).toBeUndefined();
    expect(selectedNodeName('spec.nodeName!=kind-worker')).toBeUndefined();
    expect(selectedNodeName('status.phase=Running')).toBeUndefined();
    expect(selectedNodeName(undefined)).toBeUndefined();
  });
});
