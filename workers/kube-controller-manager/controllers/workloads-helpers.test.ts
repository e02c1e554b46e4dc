import { describe, expect, it } from 'vitest';
import {
  addOrUpdateDaemonPodTolerations,
  type DaemonSet,
  getTargetNodeName,
  type Node,
  nodeShouldRunDaemonPod,
  type PodSpec,
  replaceDaemonSetPodNodeNameNodeAffinity,
} from './daemonset.ts';
import {
  DEFAULT_JOB_POD_FAILURE_BACKOFF,
  formatIndexes,
  getRemainingTime,
  MAX_JOB_POD_FAILURE_BACKOFF,
  parseIndexesFromString,
} from './job.ts';
import { getParentNameAndOrdinal } from './statefulset.ts';

const node = (name: string, labels: Record<string, string> = {}, taints: Node['spec'] = {}): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: taints,
});
const ds = (spec: PodSpec = {}): DaemonSet => ({
  metadata: { name: 'd', namespace: 'default' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [], ...spec } } },
});

describe('DaemonSet scheduling predicates (NodeShouldRunDaemonPod)', () => {
  it('runs on an untainted node and keeps running under NoSchedule taints it does not tolerate', () => {
    expect(nodeShouldRunDaemonPod(node('w'), ds())).toEqual([true, true]);
    const cp = node('cp', {}, { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
    expect(nodeShouldRunDaemonPod(cp, ds())).toEqual([false, true]);
    expect(
      nodeShouldRunDaemonPod(
        cp,
        ds({
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        }),
      ),
    ).toEqual([true, true]);
    const noExec = node('x', {}, { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] });
    expect(nodeShouldRunDaemonPod(noExec, ds())).toEqual([false, false]);
    expect(
      nodeShouldRunDaemonPod(noExec, ds({ tolerations: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] })),
    ).toEqual([true, true]);
  });

  it('tolerates the node-condition taints automatically', () => {
    const n = node(
      'w',
      {},
      {
        taints: [
          { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
          { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
        ],
      },
    );
    expect(nodeShouldRunDaemonPod(n, ds())).toEqual([true, true]);
    const net = node('w', {}, { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] });
    expect(nodeShouldRunDaemonPod(net, ds())).toEqual([false, true]);
    expect(nodeShouldRunDaemonPod(net, ds({ hostNetwork: true }))).toEqual([true, true]);
  });

  it('follows nodeSelector, node affinity and spec.nodeName', () => {
    expect(nodeShouldRunDaemonPod(node('w', { disk: 'ssd' }), ds({ nodeSelector: { disk: 'ssd' } }))).toEqual([
      true,
      true,
    ]);
    expect(nodeShouldRunDaemonPod(node('w'), ds({ nodeSelector: { disk: 'ssd' } }))).toEqual([false, false]);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
    };
    expect(nodeShouldRunDaemonPod(node('w', { zone: 'b' }), ds({ affinity }))).toEqual([true, true]);
    expect(nodeShouldRunDaemonPod(node('w', { zone: 'c' }), ds({ affinity }))).toEqual([false, false]);
    expect(nodeShouldRunDaemonPod(node('w'), ds({ nodeName: 'other' }))).toEqual([false, false]);
  });

  it('adds the daemon tolerations without tolerationSeconds, replacing equal ones', () => {
    const spec: PodSpec = {
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    };
    addOrUpdateDaemonPodTolerations(spec);
    expect(spec.tolerations?.[0]).toEqual({
      key: 'node.kubernetes.io/not-ready',
      operator: 'Exists',
      effect: 'NoExecute',
    });
    expect(spec.tolerations).toHaveLength(6);
  });

  it('pins a pod to its node with a metadata.name match field, replacing other required terms', () => {
    const a = replaceDaemonSetPodNodeNameNodeAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
          },
        },
      },
      'kind-worker',
    );
    expect(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kind-worker'] }] },
    ]);
    expect(getTargetNodeName({ metadata: {}, spec: { affinity: a } })).toBe('kind-worker');
  });
});

describe('Job helpers', () => {
  it('formats completed indexes as upstream orderedIntervals do', () => {
    expect(formatIndexes(new Set([0, 1, 2]))).toBe('0-2');
    expect(formatIndexes(new Set([0, 1]))).toBe('0,1');
    expect(formatIndexes(new Set([7, 1, 3, 4, 5]))).toBe('1,3-5,7');
    expect([...parseIndexesFromString('1,3-5,7', 5)]).toEqual([1, 3, 4]);
  });

  it('backs off 10 s, 20 s, 40 s … up to 10 minutes after consecutive failures', () => {
    const wait = (failures: number) =>
      getRemainingTime(
        { key: 'k', failuresAfterLastSuccess: failures, lastFailureTime: 0 },
        0,
        DEFAULT_JOB_POD_FAILURE_BACKOFF,
        MAX_JOB_POD_FAILURE_BACKOFF,
      );
    expect([0, 1, 2, 3, 4].map(wait)).toEqual([0, 10_000, 20_000, 40_000, 80_000]);
    expect(wait(7)).toBe(600_000);
    expect(wait(20)).toBe(600_000);
    expect(
      getRemainingTime({ key: 'k', failuresAfterLastSuccess: 2, lastFailureTime: 0 }, 15_000, 10_000, 600_000),
    ).toBe(5_000);
  });
});

describe('StatefulSet helpers', () => {
  it('reads the parent and ordinal from a pod name', () => {
    expect(getParentNameAndOrdinal({ metadata: { name: 'web-12' } })).toEqual(['web', 12]);
    expect(getParentNameAndOrdinal({ metadata: { name: 'my-db-0' } })).toEqual(['my-db', 0]);
    expect(getParentNameAndOrdinal({ metadata: { name: 'web' } })).toEqual(['', -1]);
  });
});
