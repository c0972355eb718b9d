// The portal's languages: those of Insignia's emails and pages (English, Deutsch, Français,
// Español). English strings are the keys; a catalogue maps them to a language and is loaded only
// when that language is chosen. Dates and numbers use Intl for the chosen language.

export const LOCALES = ['en', 'de', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español' };

type Catalogue = Record<string, string>;
const KEY = 'insignia.locale';
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Catalogue }>> = {
  de: () => import('../locales/de'),
  fr: () => import('../locales/fr'),
  es: () => import('../locales/es'),
};

let current: Locale = 'en';
let catalogue: Catalogue = {};

export function normalise(tag: string | null | undefined): Locale | null {
  const language = (tag ?? '').trim().slice(0, 2).toLowerCase();
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : null;
}

/** The saved choice, else the browser's first supported language, else English. */
export function preferredLocale(): Locale {
  const saved = normalise(localStorage.getItem(KEY));
  if (saved) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const found = normalise(tag);
    if (found) return found;
  }
  return 'en';
}

export async function setLocale(locale: Locale, remember = false): Promise<void> {
  catalogue = locale === 'en' ? {} : (await loaders[locale]()).default;
  current = locale;
  document.documentElement.lang = locale;
  if (remember) localStorage.setItem(KEY, locale);
}

export function locale(): Locale {
  return current;
}

/** ``t('{n} badges', {n: 3})``: the string in the chosen language with its values filled in. */
export function t(text: string, values?: Record<string, string | number>): string {
  const translated = catalogue[text] ?? text;
  return values ? translated.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`)) : translated;
}

/** One or other form by count: ``plural(n, '{n} badge', '{n} badges')``. */
export function plural(n: number, one: string, other: string): string {
  return t(n === 1 ? one : other, { n: formatNumber(n) });
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = value.length === 10 ? new Date(`${value}T00:00:00Z`) : new Date(value);
  return new Intl.DateTimeFormat(current, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    date,
  );
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(current, options).format(value);
}

/** A share from 0 to 1 (coverage, rates) as a percentage. */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

/** A percentage from 0 to 100 (progress of enrolments and goals). */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formatShare(value / 100);
}
