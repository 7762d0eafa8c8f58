/**
 * The words of every alarm notification (SMS, voice, police channel). Pure functions: the escalation
 * engine builds the text once and stores it on the notification row, so what was sent is on record.
 *
 * DESIGN.md principle 2: a drill is marked `[훈련/DRILL]` at the very start of every message, in
 * every language and for every audience, so nobody who reads or hears it can mistake it for a live
 * alarm. Police messages are always Korean: the reporting channel is a Korean dispatch desk.
 */
import { localMinute } from '../domain/zoned-time.ts';
import type { AlarmFacts } from './types.ts';

export type MessageLanguage = 'ko' | 'en';
export type Audience = 'staff' | 'police';

export const DRILL_MARK = '[훈련/DRILL]';
/** An SMS of this many characters still fits in a few concatenated segments on every carrier. */
export const SMS_MAX_CHARS = 320;

const PRESS_ONE: Record<MessageLanguage, string> = {
  ko: '1번을 누르면 확인됩니다.',
  en: 'Press 1 to acknowledge.',
};

/** Local wall-clock time of the site, `YYYY-MM-DD HH:mm`: staff and police think in local time. */
export function localTime(at: Date, timezone: string): string {
  try {
    return localMinute(at, timezone);
  } catch {
    // A bad zone must not stop an alarm from going out: fall back to UTC and say so.
    return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
}

/** Free text from the site record is clipped so one long address cannot push an SMS past its limit. */
function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

function floorText(floor: string | null, language: MessageLanguage): string | null {
  if (floor === null || floor.trim() === '') return null;
  const f = clip(floor, 12);
  // A bare number ("2", "-1") gets its unit; anything else ("B1", "2층") is already what the site calls it.
  if (/^-?\d+$/.test(f)) {
    const n = Number(f);
    if (language === 'ko') return n < 0 ? `지하 ${-n}층` : `${n}층`;
    return n < 0 ? `basement ${-n}` : `floor ${n}`;
  }
  return language === 'ko' ? f : `floor ${f}`;
}

interface Parts {
  place: string;
  what: string;
  time: string;
  callback: string | null;
}

function parts(facts: AlarmFacts, language: MessageLanguage): Parts {
  const floor = floorText(facts.floor, language);
  const where = [clip(facts.siteName, 40), floor, clip(facts.counterName, 30)].filter(Boolean).join(' ');
  const address = clip(facts.address, 80);
  const place = `${where} (${address})`;
  const what = language === 'ko'
    ? (facts.violence ? '폭력 진행 중' : '폭력 없음, 비상벨 호출')
    : (facts.violence ? 'violence in progress' : 'no violence reported, emergency bell pressed');
  return {
    place,
    what,
    time: localTime(facts.openedAt, facts.timezone),
    callback: facts.callbackNumber ? clip(facts.callbackNumber, 24) : null,
  };
}

function withDrillMark(facts: AlarmFacts, text: string): string {
  return facts.mode === 'drill' ? `${DRILL_MARK} ${text}` : text;
}

/** A listener cannot see the bracketed mark, so a drill call also says it in words, first. */
function withSpokenDrillMark(facts: AlarmFacts, lang: MessageLanguage, text: string): string {
  if (facts.mode !== 'drill') return text;
  return `${DRILL_MARK} ${lang === 'ko' ? '훈련 상황입니다.' : 'This is a drill.'} ${text}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The SMS text (and the core of every other channel's text). */
export function alarmText(facts: AlarmFacts, language: MessageLanguage, audience: Audience): string {
  // Police are always addressed in Korean, whatever the recipient list says.
  const lang: MessageLanguage = audience === 'police' ? 'ko' : language;
  const p = parts(facts, lang);
  let text: string;
  if (audience === 'police') {
    text = [
      '[Guardbell 신고] 민원창구 비상벨 신고입니다.',
      `장소: ${p.place}.`,
      `상황: ${p.what}.`,
      `시각: ${p.time}.`,
      p.callback ? `회신: ${p.callback}.` : null,
    ].filter(Boolean).join(' ');
  } else if (lang === 'ko') {
    text = [
      `[Guardbell] 비상벨: ${p.what}.`,
      `${p.place}.`,
      `${p.time}.`,
      p.callback ? `회신 ${p.callback}.` : null,
    ].filter(Boolean).join(' ');
  } else {
    text = [
      `[Guardbell] Emergency bell: ${p.what}.`,
      `${p.place}.`,
      `${p.time}.`,
      p.callback ? `Call back ${p.callback}.` : null,
    ].filter(Boolean).join(' ');
  }
  text = withDrillMark(facts, text);
  // The clips above keep this short; the cut is a last guard, and it keeps the drill mark in front.
  return text.length <= SMS_MAX_CHARS ? text : `${text.slice(0, SMS_MAX_CHARS - 1)}…`;
}

/**
 * The words a call speaks. Staff calls end with the keypad instruction (the call gathers one key and
 * 1 acknowledges); police calls do not ask for a key, they end with the call-back number instead.
 */
export function voiceText(facts: AlarmFacts, language: MessageLanguage, audience: Audience = 'staff'): string {
  const lang: MessageLanguage = audience === 'police' ? 'ko' : language;
  const p = parts(facts, lang);
  if (audience === 'police') {
    return withSpokenDrillMark(facts, 'ko', [
      '민원창구 비상벨 신고입니다.',
      `장소는 ${p.place} 입니다.`,
      `상황은 ${p.what} 입니다.`,
      `발생 시각 ${p.time}.`,
      p.callback ? `회신 번호 ${p.callback}.` : null,
    ].filter(Boolean).join(' '));
  }
  const body = lang === 'ko'
    ? [`Guardbell 비상벨 호출입니다. ${p.what}.`, `${p.place}.`, `발생 시각 ${p.time}.`]
    : [`Guardbell emergency bell. ${capitalise(p.what)}.`, `${p.place}.`, `Time ${p.time}.`];
  return withSpokenDrillMark(facts, lang, [...body, PRESS_ONE[lang]].join(' '));
}

/** What we answer to an acknowledging SMS reply or key press. */
export function ackReplyText(language: MessageLanguage, acknowledged: boolean): string {
  if (language === 'ko') return acknowledged ? '확인되었습니다. 감사합니다.' : '확인하려면 1 또는 확인 이라고 답장하세요.';
  return acknowledged ? 'Acknowledged. Thank you.' : 'Reply 1 or OK to acknowledge.';
}

/** The JSON document a dispatch system receives on the police webhook (signed by PoliceWebhookSender). */
export function policeWebhookPayload(facts: AlarmFacts): Record<string, unknown> {
  return {
    type: 'guardbell.alarm',
    version: 1,
    mode: facts.mode,
    drill: facts.mode === 'drill',
    incidentId: facts.incidentId,
    office: facts.siteName,
    address: facts.address,
    floor: facts.floor,
    counter: facts.counterName,
    violence: facts.violence,
    openedAt: facts.openedAt.toISOString(),
    localTime: localTime(facts.openedAt, facts.timezone),
    timezone: facts.timezone,
    callback: facts.callbackNumber,
    step: facts.stepKind,
    // The same Korean words as the SMS, for dispatch systems that only show a text field.
    message: alarmText(facts, 'ko', 'police'),
  };
}

/**
 * PROTOCOL.md §1: a cancel at the counter inside the window is told to the responders, who still go
 * and verify in person (a cancel may have been forced by the complainant).
 */
export function cancelledAtCounterText(facts: AlarmFacts, language: MessageLanguage): string {
  const p = parts(facts, language);
  const text = language === 'ko'
    ? `[Guardbell] 창구에서 비상벨 호출이 취소되었습니다: ${p.place}. 직접 가서 안전을 확인해 주세요.`
    : `[Guardbell] The alarm was cancelled at the counter: ${p.place}. Go and check in person that all is well.`;
  return withDrillMark(facts, text);
}
