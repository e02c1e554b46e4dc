/** The scheduler's filter/score table for one pod: one row per node, a column per plugin. */
import { decisionTable, type SchedulingDecision } from '../../../../workers/kube-scheduler/decisions.ts';
import { useT } from '../../state/context.tsx';

const SHORT: Record<string, string> = {
  NodeUnschedulable: 'Unsched',
  NodeName: 'Name',
  TaintToleration: 'Taint',
  NodeAffinity: 'Affinity',
  NodePorts: 'Ports',
  NodeResourcesFit: 'Fit',
  PodTopologySpread: 'Spread',
  InterPodAffinity: 'PodAff',
  NodeResourcesBalancedAllocation: 'Balanced',
  ImageLocality: 'Image',
  VolumeBinding: 'Volume',
};

export function DecisionTable({ d }: { d: SchedulingDecision }) {
  const t = useT();
  const rows = decisionTable(d);
  const filters = d.filterPlugins.filter((p) => !p.skipped);
  const scores = d.scorePlugins.filter((p) => !p.skipped);
  return (
    <div className="decision">
      <p className="small">
        {d.result === 'Scheduled' ? t.inspector.scheduledOn(d.node ?? '', d.feasibleNodes, d.numAllNodes) : d.message}
      </p>
      <div className="table-scroll">
        <table className="decision-table">
          <caption className="visually-hidden">{t.inspector.decisionCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.inspector.nodeColumn}</th>
              {filters.map((p) => (
                <th key={p.name} scope="col" title={p.name}>
                  <abbr title={p.name}>{SHORT[p.name] ?? p.name}</abbr>
                </th>
              ))}
              {scores.map((p) => (
                <th key={p.name} scope="col" title={`${p.name} ×${p.weight}`}>
                  <abbr title={`${p.name} ×${p.weight}`}>{SHORT[p.name] ?? p.name}</abbr>
                </th>
              ))}
              <th scope="col">{t.inspector.total}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.node} className={r.chosen ? 'chosen' : r.feasible ? '' : 'infeasible'}>
                <th scope="row">
                  {r.node}
                  {r.chosen ? ' ✓' : ''}
                </th>
                {filters.map((p) => {
                  const f = r.filters[p.name];
                  const v = f?.verdict ?? 'NotRun';
                  return (
                    <td key={p.name} className={`verdict-${v}`} title={f?.reasons?.join('; ')}>
                      {t.inspector.verdicts[v]}
                    </td>
                  );
                })}
                {scores.map((p) => {
                  const s = r.scores[p.name];
                  return (
                    <td key={p.name} title={s ? `raw ${s.raw} → ${s.normalized} × ${p.weight}` : undefined}>
                      {s ? s.weighted : '–'}
                    </td>
                  );
                })}
                <td>{r.total ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
