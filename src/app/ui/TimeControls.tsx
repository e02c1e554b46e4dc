import { useId } from 'react';
import { SPEEDS, type SpeedChoice } from '../cluster/protocol.ts';
import { useActions, useApp, useT } from '../state/context.tsx';
import { simSeconds } from './format.ts';

/** The simulated clock and the relay's queue, re-rendered on their own as batches arrive. */
function Clock() {
  const t = useT();
  const now = useApp((s) => s.clock.now);
  const pending = useApp((s) => s.clock.pending);
  const mode = useApp((s) => s.clock.mode);
  return (
    <div className="clock">
      <span className={`mode mode-${mode}`}>{t.time.modes[mode]}</span>
      <span className="clock-label">{t.time.clock}</span>
      <span className="clock-value">{t.time.seconds(simSeconds(now))}</span>
      <span className="queued" title={t.time.queuedHint}>
        {t.time.queued(pending)}
      </span>
    </div>
  );
}

export function TimeControls() {
  const t = useT();
  const speedId = useId();
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  const stepEmpty = useApp((s) => s.stepEmpty);
  const booted = useApp((s) => s.boot.phase === 'ready');
  const { togglePlay, step, setSpeed } = useActions();
  return (
    <fieldset className="time">
      <legend className="visually-hidden">{t.time.group}</legend>
      <button type="button" className="btn primary play" onClick={togglePlay} disabled={!booted}>
        <span aria-hidden="true" className="icon">
          {playing ? '❚❚' : '▶'}
        </span>
        {playing ? t.time.pause : t.time.play}
      </button>
      <button type="button" className="btn" onClick={() => void step()} title={t.time.stepHint} disabled={!booted}>
        <span aria-hidden="true" className="icon">
          ▶❙
        </span>
        {t.time.step}
      </button>
      <div className="field">
        <label htmlFor={speedId}>{t.time.speed}</label>
        <select id={speedId} value={speed} onChange={(e) => setSpeed(e.target.value as SpeedChoice)}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s === 'max' ? t.time.max : t.time.speedFactor(s)}
            </option>
          ))}
        </select>
      </div>
      <Clock />
      <span className="step-note" role="status">
        {stepEmpty ? t.time.nothingQueued : ''}
      </span>
    </fieldset>
  );
}
