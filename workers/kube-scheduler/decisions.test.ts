/** Reading decisions back from trace records, and expanding them into the filter/score table. */
import { describe, expect, it } from 'vitest';
import {
  DecisionStore,
  decisionSummary,
  decisionTable,
  encodeDecisionNote,
  latestSchedulingDecision,
  type SchedulingDecision,
  schedulingDecisions,
} from './decisions.ts';

function decision(name: string, over: Partial<SchedulingDecision> = {}): SchedulingDecision {
  return {
    type: 'SchedulingDecision',
    pod: { namespace: 'default', name, uid: `uid-${name}` },
    cycle: 1,
    attempt: 1,
    at: 0,
    time: '2025-01-01T00:00:00Z',
    result: 'Scheduled',
    node: 'b',
    numAllNodes: 3,
    numNodesToFind: 3,
    startIndex: 0,
    evaluatedNodes: 3,
    feasibleNodes: 2,
    filterPlugins: [
      { name: 'NodeUnschedulable', skipped: false },
      { name: 'NodePorts', skipped: true },
      { name: 'TaintToleration', skipped: false },
      { name: 'NodeResourcesFit', skipped: false },
    ],
    scorePlugins: [
      { name: 'TaintToleration', weight: 3, skipped: false },
      { name: 'NodeAffinity', weight: 2, skipped: true },
      { name: 'NodeResourcesFit', weight: 1, skipped: false },
    ],
    scoring: 'scored',
    nodes: [
      { node: 'a', failed: 2, code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {k: }'] },
      { node: 'b', scores: [0, 100, 300, 90, 90, 90], total: 390 },
      { node: 'c', scores: [0, 100, 300, 80, 80, 80], total: 380 },
    ],
    top: [
      { node: 'b', score: 390 },
      { node: 'c', score: 380 },
    ],
    ...over,
  };
}

const note = (d: SchedulingDecision, from = 'kube-scheduler') => ({
  kind: '@bus.note',
  from,
  payload: encodeDecisionNote(d),
});

describe('decisions', () => {
  it('finds the latest decision for a pod in trace records', () => {
    const first = decision('web', { result: 'Unschedulable', message: 'no', attempt: 1 });
    const second = decision('web', { attempt: 2 });
    const records = [
      note(first),
      { kind: 'api.create', from: 'kubectl', payload: {} },
      note(decision('other')),
      note(second),
      note(decision('web', { attempt: 3 }), 'someone-else'),
    ];
    expect(latestSchedulingDecision(records, 'default', 'web')).toEqual(second);
    expect(latestSchedulingDecision(records, 'kube-system', 'web')).toBeUndefined();
    expect(schedulingDecisions(records).map((d) => d.pod.name)).toEqual(['web', 'other', 'web']);
  });

  it('expands a decision into verdicts and named scores', () => {
    const rows = decisionTable(decision('web'));
    expect(rows[0]?.filters).toEqual({
      NodeUnschedulable: { verdict: 'Passed' },
      NodePorts: { verdict: 'Skipped' },
      TaintToleration: {
        verdict: 'Failed',
        code: 'UnschedulableAndUnresolvable',
        reasons: ['node(s) had untolerated taint {k: }'],
      },
      NodeResourcesFit: { verdict: 'NotRun' },
    });
    expect(rows[0]?.feasible).toBe(false);
    expect(rows[1]).toMatchObject({ node: 'b', chosen: true, feasible: true, total: 390 });
    expect(rows[1]?.scores).toEqual({
      TaintToleration: { raw: 0, normalized: 100, weighted: 300 },
      NodeAffinity: null,
      NodeResourcesFit: { raw: 90, normalized: 90, weighted: 90 },
    });
  });

  it('shows nodes filtering never reached as NotRun, and a PreFilter rejection on its plugin', () => {
    const d = decision('x', {
      nodes: [
        { node: 'a', notEvaluated: true },
        {
          node: 'b',
          notEvaluated: true,
          failed: 3,
          code: 'UnschedulableAndUnresolvable',
          reasons: ['pod affinity terms conflict'],
        },
      ],
    });
    const rows = decisionTable(d);
    expect(Object.values(rows[0]?.filters ?? {}).map((f) => f.verdict)).toEqual([
      'NotRun',
      'Skipped',
      'NotRun',
      'NotRun',
    ]);
    expect(Object.values(rows[1]?.filters ?? {}).map((f) => f.verdict)).toEqual([
      'NotRun',
      'Skipped',
      'NotRun',
      'Failed',
    ]);
  });

  it('keeps the latest decision per pod, bounded', () => {
    const store = new DecisionStore(2);
    store.add(decision('a'));
    store.add(decision('b'));
    store.add(decision('a', { attempt: 2 }));
    store.add(decision('c'));
    expect(store.size).toBe(2);
    expect(store.get('default', 'b')).toBeUndefined();
    expect(store.get('default', 'a')?.attempt).toBe(2);
    expect(decisionSummary(decision('a'))).toBe('schedule default/a: b (2/3 nodes feasible, score 390)');
  });
});
