import { type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import { complete, plural } from '../../machinery/kubectl/complete.ts';
import { useActions, useApp, useStoreApi, useT } from '../state/context.tsx';
import type { AppState, ConsoleEntry } from '../state/store.ts';
import { Actions } from './Actions.tsx';
import { YamlEditorButton } from './editor/YamlEditorButton.tsx';

/** Commands offered as one-click examples, on your computer. They are tool input, not UI text. */
const EXAMPLES = [
  'kubectl get pods -A',
  'kubectl create deployment web --image=nginx --replicas=3',
  'kubectl expose deployment web --port=80',
  'kubectl get pods -o wide -w',
  'kubectl scale deployment web --replicas=5',
  'kubectl get endpointslices',
  'kubectl describe node kind-worker',
  'kubectl get events',
  'etcdctl get /registry/pods --prefix --keys-only',
  'etcdctl watch /registry/leases --prefix',
];

/** Examples in a node's shell. */
const NODE_EXAMPLES = [
  'iptables-save -t nat',
  'iptables -t nat -L KUBE-SERVICES -n',
  'crictl ps',
  'crictl pods',
  'ip route',
];

const TOOLS = ['kubectl', 'etcdctl', 'docker'];

function Output({ text, error }: { text: string; error?: boolean }) {
  const t = useT();
  if (text === '') return <p className="out-note">{t.console.emptyOutput}</p>;
  return <pre className={error ? 'out out-error' : 'out'}>{text.replace(/\n$/, '')}</pre>;
}

function Prompt({ node }: { node?: string | undefined }) {
  return (
    <span className="prompt" aria-hidden="true">
      {node ? `root@${node}:/#` : '$'}
    </span>
  );
}

function Entry({ e, paused }: { e: ConsoleEntry; paused: boolean }) {
  const t = useT();
  if (e.type === 'watch') {
    return (
      <div className="entry entry-watch">
        <div className="watch-label">{t.console.watchLabel(e.watch)}</div>
        {e.text !== '' && <pre className="out">{e.text.replace(/\n$/, '')}</pre>}
        {e.ended && <p className="out-note">{t.console.watchEnded(e.watch)}</p>}
      </div>
    );
  }
  let body: React.ReactNode;
  if (e.state === 'pending') {
    body = (
      <p className="out-note pending">
        {t.console.pending}
        {paused && <> {t.console.pendingPaused}</>}
      </p>
    );
  } else if (e.state === 'failed') {
    body = <pre className="out out-error">{t.console.failed(e.error)}</pre>;
  } else {
    const r = e.reply;
    switch (r.t) {
      case 'empty':
        body = null;
        break;
      case 'output':
        body = (
          <>
            <Output text={r.text} error={r.exit !== 0} />
            {r.exit !== 0 && <p className="out-note">{t.console.exitStatus(r.exit)}</p>}
          </>
        );
        break;
      case 'watching':
        body = <p className="out-note">{t.console.watching(r.watch)}</p>;
        break;
      case 'not-found':
        body = <pre className="out out-error">{t.console.notFound(r.command)}</pre>;
        break;
      case 'shell-operator':
        body = <pre className="out out-error">{t.console.shellOperator(r.op)}</pre>;
        break;
    }
  }
  return (
    <div className="entry" data-state={e.state}>
      <div className="cmdline">
        <Prompt node={e.node} /> {e.line}
      </div>
      {body}
    </div>
  );
}

const entriesSelector = (s: AppState) => s.console.entries;
const historySelector = (s: AppState) => s.console.history;
const watchesSelector = (s: AppState) => s.console.watches;

export function Console() {
  const t = useT();
  const headingId = useId();
  const keysId = useId();
  const entries = useApp(entriesSelector);
  const history = useApp(historySelector);
  const watches = useApp(watchesSelector);
  const paused = useApp((s) => !s.playing);
  const booted = useApp((s) => s.boot.phase === 'ready');
  const { submit, cancelWatch, setShellNode } = useActions();
  const store = useStoreApi();
  const shellNode = useApp((s) => s.shellNode);
  const nodeNames = useApp((s) => s.world.nodes.map((n) => n.name).join('\n'));
  const [candidates, setCandidates] = useState<string[]>([]);
  const targetId = useId();
  const [line, setLine] = useState('');
  // Position in history while browsing with ↑/↓; history.length means "the line being typed".
  const [cursor, setCursor] = useState<number | null>(null);
  const draft = useRef('');
  const input = useRef<HTMLInputElement>(null);
  const out = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const el = out.current;
    if (el && entries.length > 0) el.scrollTop = el.scrollHeight;
  }, [entries]);

  const run = () => {
    const text = line.trim();
    if (text === '') return;
    setLine('');
    setCursor(null);
    setCandidates([]);
    void submit(text);
  };

  const onKeyDown = (ev: KeyboardEvent<HTMLInputElement>) => {
    if (ev.key === 'Tab' && !ev.shiftKey && line.trim() !== '') {
      // Completes from what the page already knows about the cluster: no request is sent.
      const world = store.getState().world;
      const names = (resource: string): string[] => {
        switch (plural(resource)) {
          case 'pods':
            return world.pods.map((p) => p.name);
          case 'nodes':
            return world.nodes.map((n) => n.name);
          case 'services':
            return world.services.map((x) => x.name);
          default: {
            const kind = plural(resource);
            return world.workloads.filter((w) => `${w.kind.toLowerCase()}s` === kind).map((w) => w.name);
          }
        }
      };
      const r = complete(line, shellNode === '' ? TOOLS : [], names);
      if (r.line !== line || r.candidates.length > 0) ev.preventDefault();
      setLine(r.line);
      setCandidates(r.candidates);
      return;
    }
    if (ev.key === 'ArrowUp' || ev.key === 'ArrowDown') {
      if (history.length === 0) return;
      ev.preventDefault();
      const at = cursor ?? history.length;
      if (cursor === null) draft.current = line;
      const next = ev.key === 'ArrowUp' ? Math.max(0, at - 1) : Math.min(history.length, at + 1);
      setCursor(next === history.length ? null : next);
      setLine(next === history.length ? draft.current : (history[next] ?? ''));
      return;
    }
    if (ev.key === 'c' && ev.ctrlKey && !ev.shiftKey && !ev.altKey) {
      const el = ev.currentTarget;
      const newest = watches.at(-1);
      // Ctrl+C copies when text is selected; otherwise it interrupts, as in a terminal.
      if (el.selectionStart === el.selectionEnd && newest) {
        ev.preventDefault();
        cancelWatch(newest.watch);
      }
    }
  };

  const fill = (example: string) => {
    setLine(example);
    setCursor(null);
    input.current?.focus();
  };

  return (
    <section className="panel console-panel" aria-labelledby={headingId}>
      <div className="panel-head console-head">
        <h2 id={headingId}>{t.console.heading}</h2>
        <YamlEditorButton />
        <div className="console-target">
          <label htmlFor={targetId}>{t.console.target}</label>
          <select id={targetId} value={shellNode} onChange={(ev) => setShellNode(ev.target.value)}>
            <option value="">{t.console.workstation}</option>
            {nodeNames
              .split('\n')
              .filter((n) => n !== '')
              .map((n) => (
                <option key={n} value={n}>
                  {t.console.nodeShell(n)}
                </option>
              ))}
          </select>
        </div>
      </div>
      <details className="examples-box">
        <summary>{t.console.examples}</summary>
        <p className="muted intro">{t.console.intro}</p>
        <div className="examples">
          {(shellNode === '' ? EXAMPLES : NODE_EXAMPLES).map((x) => (
            <button key={x} type="button" className="chip-btn mono" onClick={() => fill(x)}>
              {x}
            </button>
          ))}
        </div>
      </details>
      <Actions />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <div className="console-out" role="log" aria-label={t.console.output} ref={out} tabIndex={0}>
        {entries.length === 0 ? (
          <p className="out-note">{t.console.welcome}</p>
        ) : (
          entries.map((e) => <Entry key={e.id} e={e} paused={paused} />)
        )}
      </div>
      {watches.length > 0 && (
        <fieldset>
          <legend className="small muted">{t.console.activeWatches}</legend>
          <div className="watches">
            {watches.map((w) => (
              <span key={w.watch} className="watch-pill">
                <span>
                  {t.console.watchLabel(w.watch)} <span className="mono">{w.line}</span>
                </span>
                <button
                  type="button"
                  className="btn small"
                  aria-label={t.console.stopWatchFor(w.watch)}
                  onClick={() => cancelWatch(w.watch)}
                >
                  {t.console.stopWatch}
                </button>
              </span>
            ))}
          </div>
        </fieldset>
      )}
      <form
        className="prompt-row"
        onSubmit={(ev) => {
          ev.preventDefault();
          run();
        }}
      >
        <label htmlFor="console-input" className="visually-hidden">
          {t.console.inputLabel}
        </label>
        <Prompt node={shellNode || undefined} />
        <input
          id="console-input"
          ref={input}
          className="mono"
          type="text"
          value={line}
          placeholder={shellNode === '' ? t.console.placeholder : t.console.placeholderNode}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-describedby={keysId}
          disabled={!booted}
          onChange={(ev) => {
            setLine(ev.target.value);
            setCursor(null);
            setCandidates([]);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="btn primary" disabled={!booted}>
          {t.console.run}
        </button>
      </form>
      {candidates.length > 0 && (
        <p className="completions mono small" role="status" aria-label={t.console.completions(candidates.length)}>
          {candidates.slice(0, 60).join('  ')}
          {candidates.length > 60 ? ' …' : ''}
        </p>
      )}
      <p id={keysId} className="muted small keys">
        {t.console.keys}
      </p>
    </section>
  );
}
