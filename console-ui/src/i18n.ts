/**
 * The console's strings in Korean (default) and English. Keys are stable: tests and later
 * issues refer to them. Every string the console shows comes from here; values from the API
 * (names, notes, unknown timeline kinds) are shown as they are.
 */
import { createContext, useContext } from 'react';
import * as aftercareMessages from './aftercare/messages.ts';
import * as consoleMessages from './components/console-messages.ts';
import * as incidentMessages from './components/incident-messages.ts';
import * as adminMessages from './admin/messages.ts';
import * as casesMessages from './cases/messages.ts';
import * as deskMessages from './desk/messages.ts';
import * as drillsMessages from './drills/messages.ts';
import * as formMessages from './forms/messages.ts';
import * as placesMessages from './places/messages.ts';
import * as statisticsMessages from './statistics/messages.ts';

export type Lang = 'ko' | 'en';

// Each area of the console keeps its own strings in `<area>/messages.ts` (`ko` and `en`; the frame's and the incidents' in
// components/), merged here.
const ko = {
  ...consoleMessages.ko,
  ...incidentMessages.ko,
  ...placesMessages.ko,
  ...adminMessages.ko,
  ...drillsMessages.ko,
  ...aftercareMessages.ko,
  ...casesMessages.ko,
  ...statisticsMessages.ko,
  ...deskMessages.ko,
  ...formMessages.ko,
};

export type MessageKey = keyof typeof ko;

/** English may leave an error code out: the server's own (English) sentence is shown for it then. */
const en: Partial<Record<MessageKey, string>> = {
  ...consoleMessages.en,
  ...incidentMessages.en,
  ...placesMessages.en,
  ...adminMessages.en,
  ...drillsMessages.en,
  ...aftercareMessages.en,
  ...casesMessages.en,
  ...statisticsMessages.en,
  ...deskMessages.en,
  ...formMessages.en,
};

export const messages: Record<Lang, Partial<Record<MessageKey, string>>> = { ko, en };

export type Vars = Record<string, string | number>;

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = messages[lang][key] ?? messages.ko[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Translates a key built at run time (a status, a timeline kind); falls back to the raw value. */
export function translateDynamic(lang: Lang, key: string, fallback: string): string {
  return messages[lang][key as MessageKey] ?? fallback;
}

export function localeOf(lang: Lang): string {
  return lang === 'en' ? 'en-GB' : 'ko-KR';
}

export interface I18n {
  lang: Lang;
  locale: string;
  t: (key: MessageKey, vars?: Vars) => string;
  /** For keys built from API values: `tx('status.', incident.status)`. */
  tx: (prefix: string, value: string) => string;
  /** A key built at run time with values (an error code's sentence), or null when there is no such key. */
  code: (key: string, vars?: Vars) => string | null;
}

export function makeI18n(lang: Lang): I18n {
  return {
    lang,
    locale: localeOf(lang),
    t: (key, vars) => translate(lang, key, vars),
    tx: (prefix, value) => translateDynamic(lang, prefix + value, value),
    code: (key, vars) => (key in messages[lang] ? translate(lang, key as MessageKey, vars) : null),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('ko'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
