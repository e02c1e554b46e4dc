import type { EventRow } from '../../cluster/protocol.ts';
import { useT } from '../../state/context.tsx';

export function EventsList({ events, showObject = true }: { events: EventRow[]; showObject?: boolean }) {
  const t = useT();
  if (events.length === 0) return <p className="small muted">{t.inspector.noEvents}</p>;
  return (
    <ol className="events">
      {events.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: events are listed in time order and never reordered
        <li key={i} className={e.type === 'Warning' ? 'warning' : undefined}>
          <span className="mono small">{(e.at / 1000).toFixed(1)}s</span> <strong>{e.reason}</strong>
          {showObject && <span className="mono small"> {e.object}</span>}
          {e.count > 1 && <span className="small muted"> ×{e.count}</span>}
          <div className="small">{e.message}</div>
        </li>
      ))}
    </ol>
  );
}
