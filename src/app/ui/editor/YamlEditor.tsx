/**
 * The YAML editor's body, loaded on demand (it carries CodeMirror and the `yaml` parser, which the
 * page does not need until the dialog opens). Apply parses the text first and sends nothing while
 * it has YAML errors; otherwise it runs `kubectl apply -f -` with the text as stdin through the
 * console, then marks the fields kubectl's errors name.
 */

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { type Diagnostic, linter, lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useId, useRef, useState } from 'react';
import { useActions, useApp, useStoreApi, useT } from '../../state/context.tsx';
import { keyCompletions } from './completions.ts';
import { type Problem, serverProblems, yamlProblems } from './diagnostics.ts';
import { EXAMPLE_MANIFEST } from './example.ts';

type Status =
  | { t: 'idle' }
  | { t: 'parse-errors'; problems: Problem[] }
  | { t: 'applying' }
  | { t: 'done'; ok: boolean; output: string; problems: Problem[] };

const toDiagnostics = (ps: Problem[]): Diagnostic[] =>
  ps.map((p) => ({ from: p.from, to: p.to, severity: p.severity, message: p.message, source: 'yaml' }));

export interface YamlEditorProps {
  /** The text to start with; changes are reported so the text survives closing the dialog. */
  text: string;
  onText(text: string): void;
  onClose(): void;
}

export default function YamlEditor({ text, onText, onClose }: YamlEditorProps) {
  const t = useT();
  const { submit, setShellNode } = useActions();
  const store = useStoreApi();
  const booted = useApp((s) => s.boot.phase === 'ready');
  const host = useRef<HTMLDivElement>(null);
  const serverRef = useRef<{ source: string; problems: Problem[] }>({ source: '', problems: [] });
  const view = useRef<EditorView | null>(null);
  const [status, setStatus] = useState<Status>({ t: 'idle' });
  const hintId = useId();
  const statusId = useId();
  // Read by the editor's listener, which is created once.
  const onTextRef = useRef(onText);
  onTextRef.current = onText;
  const labelRef = useRef(t.editor.editorLabel);
  labelRef.current = t.editor.editorLabel;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once; later text comes from typing.
  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          bracketMatching(),
          closeBrackets(),
          autocompletion({ override: [keyCompletions] }),
          highlightActiveLine(),
          yaml(),
          lintGutter(),
          // Syntax errors as the text changes; kubectl's errors are set after Apply.
          // The server's problems stay as long as the text is what was sent (a lint pass that was
          // already scheduled must not wipe them).
          linter(
            (ev) => {
              const doc = ev.state.doc.toString();
              const server = serverRef.current;
              return toDiagnostics([...yamlProblems(doc), ...(server.source === doc ? server.problems : [])]);
            },
            { delay: 500 },
          ),
          // Tab is left to the browser, so the keyboard can always leave the editor.
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
          EditorView.contentAttributes.of({
            // Already in the tab order (contenteditable); said explicitly so checkers see the
            // scrolling editor has something the keyboard reaches.
            tabindex: '0',
            'aria-label': labelRef.current,
            'aria-describedby': `${hintId} ${statusId}`,
          }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            onTextRef.current(u.state.doc.toString());
            setStatus((s) => (s.t === 'applying' ? s : { t: 'idle' }));
          }),
        ],
      }),
    });
    view.current = v;
    v.focus();
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  const replace = (next: string) => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: next } });
    v.focus();
  };

  const goTo = (p: Problem) => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ selection: { anchor: p.from, head: p.to }, scrollIntoView: true });
    v.focus();
  };

  const apply = async () => {
    const v = view.current;
    if (!v) return;
    const source = v.state.doc.toString();
    const local = yamlProblems(source);
    if (local.some((p) => p.severity === 'error')) {
      v.dispatch(setDiagnostics(v.state, toDiagnostics(local)));
      setStatus({ t: 'parse-errors', problems: local.filter((p) => p.severity === 'error') });
      return;
    }
    // kubectl runs on the workstation, whatever shell the console is pointed at.
    if (store.getState().shellNode !== '') setShellNode('');
    const id = store.getState().console.nextId;
    setStatus({ t: 'applying' });
    await submit('kubectl apply -f -', source);
    const entry = store.getState().console.entries.find((e) => e.id === id);
    let output = '';
    let ok = false;
    if (entry?.type === 'command' && entry.state === 'done' && entry.reply.t === 'output') {
      output = entry.reply.text;
      ok = entry.reply.exit === 0;
    } else if (entry?.type === 'command' && entry.state === 'failed') output = entry.error;
    const current = view.current;
    // The text may have changed while the command ran; place errors only on what was sent.
    const problems = !ok && current && current.state.doc.toString() === source ? serverProblems(source, output) : [];
    serverRef.current = { source, problems };
    if (current && problems.length > 0) current.dispatch(setDiagnostics(current.state, toDiagnostics(problems)));
    setStatus({ t: 'done', ok, output, problems });
  };

  const problems = status.t === 'parse-errors' || status.t === 'done' ? status.problems : [];
  let summary = '';
  if (status.t === 'parse-errors') summary = t.editor.parseErrors(status.problems.length);
  else if (status.t === 'applying') summary = t.editor.applying;
  else if (status.t === 'done')
    summary = status.ok
      ? t.editor.applied
      : status.problems.length > 0
        ? t.editor.serverErrors(status.problems.length)
        : t.editor.rejected;

  return (
    <div className="yaml-editor">
      <p id={hintId} className="muted small">
        {t.editor.hint}
      </p>
      <div ref={host} className="yaml-editor-host" />
      <div className="yaml-editor-actions">
        <button
          type="button"
          className="btn primary"
          onClick={() => void apply()}
          disabled={!booted || status.t === 'applying'}
        >
          {t.editor.apply}
        </button>
        <button type="button" className="btn" onClick={() => replace(EXAMPLE_MANIFEST)}>
          {t.editor.reset}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t.editor.close}
        </button>
      </div>
      <div id={statusId} className="yaml-editor-status" role="status">
        {summary !== '' && <p className={status.t === 'done' && status.ok ? 'ok' : undefined}>{summary}</p>}
        {problems.length > 0 && (
          <ul className="yaml-problems" aria-label={t.editor.problems}>
            {problems.map((p) => (
              <li key={`${p.from}:${p.message}`}>
                <button type="button" className="link-btn" onClick={() => goTo(p)}>
                  {t.editor.at(p.line, p.col, p.message)}
                </button>
              </li>
            ))}
          </ul>
        )}
        {status.t === 'done' && status.output !== '' && (
          <figure className="yaml-output-box" aria-label={t.editor.output}>
            <pre className={status.ok ? 'yaml-output' : 'yaml-output yaml-output-error'}>
              {status.output.replace(/\n$/, '')}
            </pre>
          </figure>
        )}
      </div>
    </div>
  );
}
