import { useId } from 'react';
import { LOCALES, type Locale } from '../i18n/index.ts';
import { useActions, useApp, useT } from '../state/context.tsx';

export function LanguageSwitch() {
  const t = useT();
  const id = useId();
  const locale = useApp((s) => s.locale);
  const { setLocale } = useActions();
  return (
    <div className="field language">
      <label htmlFor={id}>{t.language.label}</label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t.language.names[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
