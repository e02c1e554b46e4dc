/** What the user picked on the map: a component, a node or a pod, live. */
import type { InspectTarget } from '../../cluster/protocol.ts';
import { useActions, useApp, useT } from '../../state/context.tsx';
import { addressLabel } from '../canvas/labels.ts';
import { simSeconds } from '../format.ts';
import { DecisionTable } from './DecisionTable.tsx';
import { EventsList } from './EventsList.tsx';
import { RulesPanel } from './RulesPanel.tsx';
import { useInspection } from './useInspection.ts';

function Yaml({ text }: { text: string }) {
  const t = useT();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="yaml" tabIndex={0} aria-label={t.inspector.yamlLabel}>
      <pre>{text}</pre>
    </section>
  );
}

export function Inspector() {
  const t = useT();
  const selection = useApp((s) => s.selection);
  const { select } = useActions();
  const target: InspectTarget | null = selection;
  const data = useInspection(target);
  if (!selection) return <p className="muted small">{t.inspector.empty}</p>;
  let title: string;
  let about: string | undefined;
  if (selection.type === 'component') {
    title = addressLabel(selection.address);
    const binary = selection.address.split('@')[0] ?? '';
    about = t.components.kinds[binary];
  } else if (selection.type === 'pod') title = t.inspector.podTitle(selection.namespace, selection.name);
  else title = t.canvas.node(selection.name);
  return (
    <div className="inspector">
      <div className="inspector-head">
        <h3>{title}</h3>
        <button type="button" className="btn small" onClick={() => select(null)}>
          {t.inspector.close}
        </button>
      </div>
      {about && <p className="small">{about}</p>}
      {selection.type === 'component' && t.inspector.explain[selection.address.split('@')[0] ?? ''] && (
        <p className="small muted">{t.inspector.explain[selection.address.split('@')[0] ?? '']}</p>
      )}
      {data?.missing && <p className="small muted">{t.inspector.gone}</p>}
      {data?.decision && (
        <section aria-label={t.inspector.scheduling}>
          <h4>{t.inspector.scheduling}</h4>
          <DecisionTable d={data.decision} />
        </section>
      )}
      {data?.rules && (
        <section aria-label={t.inspector.rules}>
          <h4>{t.inspector.rules}</h4>
          <RulesPanel rules={data.rules} />
        </section>
      )}
      {data?.ipvs && (
        <section aria-label={t.inspector.ipvs}>
          <h4>{t.inspector.ipvs}</h4>
          <Yaml text={data.ipvs} />
        </section>
      )}
      {selection.type === 'node' && !data?.rules && !data?.ipvs && <p className="small muted">{t.inspector.noRules}</p>}
      {data?.recent && (
        <section aria-label={t.inspector.recent}>
          <h4>{t.inspector.recent}</h4>
          <ol className="recent">
            {data.recent.map((r) => (
              <li key={r.seq} className="small">
                <span className="mono">{simSeconds(r.at)}</span>{' '}
                <span className="mono">
                  {selection.type === 'component' && r.from === selection.address
                    ? `→ ${addressLabel(r.to)}`
                    : `← ${addressLabel(r.from)}`}
                </span>{' '}
                <span className="kind-tag">{r.kind}</span> {r.summary}
              </li>
            ))}
          </ol>
        </section>
      )}
      {data?.events && (
        <section aria-label={t.inspector.events}>
          <h4>{t.inspector.events}</h4>
          <EventsList events={data.events} showObject={false} />
        </section>
      )}
      {data?.yaml && (
        <section aria-label={t.inspector.yaml}>
          <h4>{t.inspector.yaml}</h4>
          <Yaml text={data.yaml} />
        </section>
      )}
    </div>
  );
}
