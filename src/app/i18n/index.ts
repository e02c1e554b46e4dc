/** Locale choice: picked from the browser, switchable at run time, remembered in localStorage. */
import { en } from './en.ts';
import { ko, type Messages } from './ko.ts';

export type { Messages };
export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const dictionaries: Record<Locale, Messages> = { ko, en };
const STORAGE_KEY = 'wheelhouse.locale';

export function messages(locale: Locale): Messages {
  return dictionaries[locale];
}

function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

function stored(): Locale | undefined {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The saved choice, else the first browser language we have, else English. */
export function initialLocale(): Locale {
  const saved = stored();
  if (saved) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function persistLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage can be unavailable (private mode, sandboxed embeds); the choice then lasts the session.
  }
}

/** Reflects the locale in the document: `lang` for assistive technology and fonts, and the title. */
export function applyLocale(locale: Locale): void {
  document.documentElement.lang = locale;
  document.title = messages(locale).app.title;
}
