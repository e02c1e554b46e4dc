/**
 * "Apply YAML…": a button that opens a modal dialog with the YAML editor. The editor (CodeMirror
 * and the YAML parser) is a separate chunk, fetched the first time the dialog opens, so the page's
 * initial JavaScript does not grow. Escape or Close closes the dialog and focus returns to the
 * button; the text is kept until the page reloads.
 */
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { useT } from '../../state/context.tsx';
import { EXAMPLE_MANIFEST } from './example.ts';
import './editor.css';

const YamlEditor = lazy(() => import('./YamlEditor.tsx'));

export function YamlEditorButton() {
  const t = useT();
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(EXAMPLE_MANIFEST);
  const dialog = useRef<HTMLDialogElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <>
      <button
        ref={button}
        type="button"
        className="btn small yaml-open"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
      >
        {t.editor.open}
      </button>
      <dialog
        ref={dialog}
        className="yaml-dialog"
        aria-labelledby={titleId}
        onClose={() => {
          // Escape (the dialog's cancel) or close(): back to where the user was.
          setOpen(false);
          button.current?.focus();
        }}
      >
        <h2 id={titleId} className="yaml-dialog-title">
          {t.editor.title}
        </h2>
        {open && (
          <Suspense fallback={<p className="muted small">{t.editor.loading}</p>}>
            <YamlEditor text={text} onText={setText} onClose={() => setOpen(false)} />
          </Suspense>
        )}
      </dialog>
    </>
  );
}
