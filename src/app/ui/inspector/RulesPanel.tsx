/** A node's iptables rules as iptables-save prints them, with the last sync's additions highlighted. */
import { useEffect, useRef } from 'react';
import type { RulesView } from '../../cluster/protocol.ts';
import { useT } from '../../state/context.tsx';

export function RulesPanel({ rules }: { rules: RulesView }) {
  const t = useT();
  const added = new Set(rules.added);
  const lines = rules.text.replace(/\n$/, '').split('\n');
  const box = useRef<HTMLElement>(null);
  // Bring the first rule the last sync added into view (within the box, not the page), once per sync.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when a new sync arrives
  useEffect(() => {
    const el = box.current;
    const first = el?.querySelector<HTMLElement>('.rule-added');
    if (el && first) el.scrollTop = Math.max(0, first.offsetTop - 40);
  }, [rules.at]);
  return (
    <div className="rules">
      <p className="small muted">
        {t.inspector.rulesSummary(rules.syncs, (rules.at / 1000).toFixed(3), rules.added.length, rules.removed.length)}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section ref={box} className="rules-text" tabIndex={0} aria-label={t.inspector.rulesLabel}>
        <pre>
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
            <span key={i} className={added.has(l) ? 'rule-added' : undefined}>
              {added.has(l) ? <span className="visually-hidden">{t.inspector.addedMark} </span> : null}
              {l}
              {'\n'}
            </span>
          ))}
        </pre>
      </section>
      {rules.removed.length > 0 && (
        <details>
          <summary className="small">{t.inspector.removedRules(rules.removed.length)}</summary>
          <pre className="rules-text removed">{rules.removed.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
