/**
 * The timeline: the simulated time the cluster has reached, and a slider to go back to any point.
 * Going back rebuilds the cluster as it was then, by replaying its recorded inputs on a fresh
 * cluster with the same seed (the relay is deterministic), and pauses there; running on from a
 * past point forks the history.
 */
import { useEffect, useId, useState } from 'react';
import { useActions, useApp, useT } from '../state/context.tsx';
import { simSeconds } from './format.ts';

/** The slider's resolution: 100 ms of simulated time. */
const STEP_MS = 100;

export function Timeline() {
  const t = useT();
  const id = useId();
  const now = useApp((s) => s.clock.now);
  const head = useApp((s) => Math.max(s.timeline.head, s.clock.now));
  const inputs = useApp((s) => s.timeline.inputs);
  const replaying = useApp((s) => s.timeline.replaying);
  const booted = useApp((s) => s.boot.phase === 'ready');
  const { rewind, reset } = useActions();
  // While the user drags, the slider shows their choice; the cluster moves when they let go.
  const [drag, setDrag] = useState<number | null>(null);
  const value = drag ?? now;
  useEffect(() => {
    if (!replaying) setDrag(null);
  }, [replaying]);
  const commit = () => {
    if (drag === null) return;
    void rewind(drag);
  };
  return (
    <div className="timeline">
      <label htmlFor={id}>{t.timeline.label}</label>
      <input
        id={id}
        type="range"
        min={0}
        max={Math.max(STEP_MS, Math.ceil(head / STEP_MS) * STEP_MS)}
        step={STEP_MS}
        value={Math.round(value / STEP_MS) * STEP_MS}
        disabled={!booted || replaying}
        aria-valuetext={t.timeline.valueText(simSeconds(value), simSeconds(head))}
        onChange={(e) => setDrag(Number(e.target.value))}
        onPointerUp={commit}
        onKeyUp={(e) => {
          if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(e.key))
            commit();
        }}
      />
      <span className="timeline-pos mono" aria-hidden="true">
        {t.time.seconds(simSeconds(value))} / {t.time.seconds(simSeconds(head))}
      </span>
      <span className="small muted" role="status">
        {replaying ? t.timeline.replaying : t.timeline.inputs(inputs)}
      </span>
      <button type="button" className="btn small" disabled={!booted || replaying} onClick={() => void reset()}>
        {t.timeline.reset}
      </button>
    </div>
  );
}
