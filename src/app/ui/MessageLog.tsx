import { memo, type ReactNode, useCallback, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TraceRow } from '../cluster/protocol.ts';
import { useActions, useApp, useT, useThrottledApp } from '../state/context.tsx';
import { type AppState, LOG_LIMIT, visibleRows } from '../state/store.ts';
import { breakAfter, kindClass, simSeconds } from './format.ts';

/** Text with line-break opportunities (<wbr>) after each `sep`; the text itself is unchanged. */
function Breakable({ text, sep }: { text: string; sep: string }) {
  const out: ReactNode[] = [];
  let at = 0;
  for (const part of breakAfter(text, sep)) {
    // Keyed by offset in the string: stable for a given text.
    if (at > 0) out.push(<wbr key={at} />);
    out.push(part);
    at += part.length;
  }
  return <>{out}</>;
}

/**
 * One trace record. `fresh` is read once, when the row mounts: a newly arrived row gets a short
 * highlight, and later renders never restart it.
 */
const Row = memo(
  function Row({ r, fresh }: { r: TraceRow; fresh: boolean }) {
    const [highlight] = useState(fresh);
    return (
      <tr className={`k-${kindClass(r.kind)}${highlight ? ' fresh' : ''}`} data-n={r.n}>
        <td className="num">{r.seq}</td>
        <td className="num">{simSeconds(r.at)}</td>
        <td className="route mono">
          {r.from === r.to ? (
            r.from
          ) : (
            <>
              {r.from} <span aria-hidden="true">→</span> {r.to}
            </>
          )}
        </td>
        <td className="kind">
          <span className="chip mono">
            <Breakable text={r.kind} sep="." />
          </span>
        </td>
        <td className="summary mono">
          <Breakable text={r.summary} sep="/" />
        </td>
      </tr>
    );
  },
  (a, b) => a.r === b.r,
);

/** Keeps a scroll container pinned to its bottom while the user has not scrolled away. */
function useStickToBottom<T extends HTMLElement>(dep: unknown) {
  const ref = useRef<T>(null);
  const pinned = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `dep` is the trigger: new content to follow
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [dep]);
  const onScroll = () => {
    const el = ref.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  return { ref, onScroll };
}

/** The log redraws at most this often while messages stream in... */
const REDRAW_MS = 200;
/** ...and waits at least this many times as long as its last redraw took, so it stays cheap. */
const REDRAW_COST_FACTOR = 4;
const REDRAW_MAX_MS = 2000;
/**
 * Rows drawn unless the user asks for all that are kept. Drawing 500 fresh rows several times a
 * second (maximum speed) saturates the main thread; 100 keeps the page responsive.
 */
const DRAWN_DEFAULT = 100;
/** More new rows than this in one redraw and they appear without the arrival highlight. */
const ANIMATE_MAX = 24;

const rowsSelector = (s: AppState) => s.rows;
const addressesSelector = (s: AppState) => s.addresses;
const kindsSelector = (s: AppState) => s.kinds;
const filterSelector = (s: AppState) => s.filter;
const clearedSelector = (s: AppState) => s.clearedThrough;

export function MessageLog() {
  const t = useT();
  const headingId = useId();
  const componentId = useId();
  const kindId = useId();
  // How long the last redraw took, from render to the end of layout (stick-to-bottom reads it).
  const redrawCost = useRef(0);
  const redrawEvery = useCallback(
    () => Math.min(REDRAW_MAX_MS, Math.max(REDRAW_MS, redrawCost.current * REDRAW_COST_FACTOR)),
    [],
  );
  const renderStart = performance.now();
  const rows = useThrottledApp(rowsSelector, redrawEvery);
  const filter = useApp(filterSelector);
  const cleared = useApp(clearedSelector);
  const addresses = useThrottledApp(addressesSelector, redrawEvery);
  const kinds = useThrottledApp(kindsSelector, redrawEvery);
  const skipped = useThrottledApp((s) => s.skipped, redrawEvery);
  const { setFilter, clearLog } = useActions();
  const shown = useMemo(() => visibleRows(rows, filter, cleared), [rows, filter, cleared]);
  const kept = shown.length;
  const [drawAll, setDrawAll] = useState(false);
  const drawn = drawAll ? shown : shown.slice(-DRAWN_DEFAULT);
  const undrawn = shown.length - drawn.length;
  // Follow the newest drawn row (a number, so re-renders that change nothing do not force layout).
  const scroll = useStickToBottom<HTMLDivElement>(`${drawn.at(-1)?.n ?? 0}|${drawn.length}`);
  // Runs after the stick-to-bottom effect, which forces layout: the whole redraw is measured.
  useLayoutEffect(() => {
    redrawCost.current = performance.now() - renderStart;
  });
  // Rows that arrived since the last draw are highlighted, unless they come in a flood (maximum
  // speed), where highlighting hundreds at once helps no one. The backlog at boot is not "new".
  const lastSeen = useRef(-1);
  const newest = rows.at(-1)?.n ?? 0;
  const arrived = lastSeen.current < 0 ? 0 : drawn.filter((r) => r.n > lastSeen.current).length;
  const highlightAfter = arrived > 0 && arrived <= ANIMATE_MAX ? lastSeen.current : Number.POSITIVE_INFINITY;
  useLayoutEffect(() => {
    lastSeen.current = newest;
  }, [newest]);

  return (
    <section className="panel log-panel" aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{t.log.heading}</h2>
        <span className="muted small">{t.log.count(drawn.length, kept, LOG_LIMIT)}</span>
      </div>
      <fieldset className="filters">
        <legend className="visually-hidden">{t.log.filters}</legend>
        <div className="field">
          <label htmlFor={componentId}>{t.log.component}</label>
          <select id={componentId} value={filter.component} onChange={(e) => setFilter({ component: e.target.value })}>
            <option value="">{t.log.all}</option>
            {addresses.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={kindId}>{t.log.kind}</label>
          <select id={kindId} value={filter.kind} onChange={(e) => setFilter({ kind: e.target.value })}>
            <option value="">{t.log.all}</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn small" onClick={clearLog} disabled={kept === 0}>
          {t.log.clear}
        </button>
        {skipped > 0 && <span className="muted small">{t.log.skipped(skipped)}</span>}
      </fieldset>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <div role="log" aria-labelledby={headingId} className="log-scroll" tabIndex={0} {...scroll}>
        {undrawn > 0 && (
          <button type="button" className="btn small draw-toggle" onClick={() => setDrawAll(true)}>
            {t.log.showEarlier(undrawn)}
          </button>
        )}
        {drawAll && shown.length > DRAWN_DEFAULT && (
          <button type="button" className="btn small draw-toggle" onClick={() => setDrawAll(false)}>
            {t.log.showLatest(DRAWN_DEFAULT)}
          </button>
        )}
        {shown.length === 0 ? (
          <p className="empty">{filter.component || filter.kind ? t.log.emptyFiltered : t.log.empty}</p>
        ) : (
          <table className="log-table">
            <colgroup>
              <col className="col-seq" />
              <col className="col-time" />
              <col className="col-route" />
              <col className="col-kind" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t.log.columns.seq}
                </th>
                <th scope="col" className="num">
                  {t.log.columns.time}
                </th>
                <th scope="col">{t.log.columns.route}</th>
                <th scope="col">{t.log.columns.kind}</th>
                <th scope="col">{t.log.columns.summary}</th>
              </tr>
            </thead>
            <tbody>
              {drawn.map((r) => (
                <Row key={r.n} r={r} fresh={r.n > highlightAfter} />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
