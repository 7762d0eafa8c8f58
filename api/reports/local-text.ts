/**
 * What papers for a court, the police or the ministry say: the site's local time with its zone
 * ("2026-12-02 06:42 KST", never the UTC instant of the day before) and Korean words for the codes the
 * system keeps (statuses, classifications, timeline kinds, sources, escalation steps). Pure.
 */
import { clockFace, localDate } from '../domain/zoned-time.ts';

/** Zones whose Intl short name is only an offset ("GMT+9"): the abbreviation people read. */
const ZONE_ABBREVIATIONS: Record<string, string> = { 'Asia/Seoul': 'KST', 'Asia/Tokyo': 'JST', 'Asia/Shanghai': 'CST', UTC: 'UTC', 'Etc/UTC': 'UTC' };

const asDate = (at: Date | string) => (typeof at === 'string' ? new Date(at) : at);

export function zoneName(timeZone: string, at: Date = new Date()): string {
  return ZONE_ABBREVIATIONS[timeZone] ?? clockFace(at, timeZone).zoneName;
}

/** `2026-12-02 06:42 KST` (with seconds when asked: `06:42:48`). */
export function siteDateTime(at: Date | string, timeZone: string, opts: { seconds?: boolean } = {}): string {
  const d = asDate(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const p = clockFace(d, timeZone);
  const time = `${p.hour}:${p.minute}${opts.seconds ? `:${p.second}` : ''}`;
  return `${p.year}-${p.month}-${p.day} ${time} ${zoneName(timeZone, d)}`;
}

/** The site's calendar date, `YYYY-MM-DD`. */
export function siteDate(at: Date | string, timeZone: string): string {
  return localDate(asDate(at), timeZone);
}

/**
 * The site's wall time as a Date whose UTC fields carry it: what a spreadsheet date cell holds (Excel has no
 * time zone, so a cell shows exactly these fields).
 */
export function siteWallClock(at: Date, timeZone: string): Date {
  const p = clockFace(at, timeZone);
  return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second));
}

const KO: Record<string, Record<string, string>> = {
  status: {
    triggered: '경보 발생', acknowledged: '확인됨', responding: '출동 중', on_scene: '현장 도착', contained: '상황 진정', closed: '종결', cancelled: '취소됨',
    // Case files, legal actions, drills.
    open: '진행 중', planned: '예정', filed: '제기', in_progress: '진행 중', granted: '인용', dismissed: '기각', settled: '합의', withdrawn: '취하',
    concluded: '종료', scheduled: '예정', running: '진행 중', completed: '완료',
  },
  classification: {
    verbal_abuse: '폭언', threat: '협박', sexual_harassment: '성희롱', assault: '폭행', defamation: '명예훼손', obstruction_of_duty: '업무방해',
    property_damage: '기물 파손', stalking: '스토킹', other: '기타', false_alarm: '오작동',
  },
  kind: {
    press: '비상벨 누름', long_press: '비상벨 길게 누름', re_press: '비상벨 다시 누름', console_alarm: '콘솔 비상 호출', acknowledged: '확인',
    responding: '출동', on_scene: '현장 도착', contained: '상황 진정', closed: '종결', cancelled: '취소', cancelled_at_counter: '창구에서 취소',
    cancel_pressed_late: '늦은 취소 누름', cancel_checked: '취소 후 직접 확인', severity_raised: '심각도 상향', reopened: '재개', note: '메모',
    victim_separated: '피해 직원 분리', protective_equipment_used: '보호 장비 사용', police_called: '경찰 신고', police_arrived: '경찰 도착',
    police_handover: '경찰 인계', escalation_step: '단계 상향', drill_paused: '훈련 중단', drill_resumed: '훈련 재개',
  },
  source: { bell: '비상벨', console: '콘솔 비상 호출', drill: '훈련', import: '가져온 기록' },
  mode: { live: '실제', drill: '훈련' },
  step: {
    alert: '즉시 경보', violence_police: '폭력 시 경찰 신고', unacknowledged_30s: '30초 미확인 시 전화', unacknowledged_60s: '60초 미확인 시 경찰·관리자',
    no_one_on_scene_120s: '2분 내 현장 미도착 시', cancelled_at_counter: '창구 취소 안내',
  },
  legalAction: { criminal_complaint: '형사 고소', restraining_order: '접근금지 명령', civil_claim: '민사 소송', warning_letter: '경고장' },
};

export type LabelGroup = keyof typeof KO;

/** The Korean word for a code; the code itself when there is none (a site's own step name, say). */
export function ko(group: LabelGroup, code: string): string {
  return KO[group]?.[code] ?? code;
}

export const koList = (group: LabelGroup, codes: readonly string[]) => codes.map((c) => ko(group, c)).join(', ');

/** "Who was separated, and where to" from a victim_separated entry's data (names, not ids). */
export function separationText(data: Record<string, unknown>): string | null {
  const victims = Array.isArray(data.victims) ? (data.victims as { name?: unknown }[]).map((v) => String(v.name ?? '')).filter(Boolean) : [];
  const to = typeof data.separatedTo === 'string' ? data.separatedTo : null;
  const by = typeof data.separatedByName === 'string' ? data.separatedByName : null;
  if (!victims.length && !to && !by) return null;
  return [victims.length ? `분리된 직원: ${victims.join(', ')}` : null, to ? `분리 장소: ${to}` : null, by ? `분리한 사람: ${by}` : null].filter(Boolean).join(' · ');
}
