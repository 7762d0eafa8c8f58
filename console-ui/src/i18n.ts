/**
 * The console's strings in Korean (default) and English. Keys are stable: tests and later
 * issues refer to them. Every string the console shows comes from here; values from the API
 * (names, notes, unknown timeline kinds) are shown as they are.
 */
import { createContext, useContext } from 'react';
import * as aftercareMessages from './aftercare/messages.ts';
import * as adminMessages from './admin/messages.ts';
import * as casesMessages from './cases/messages.ts';
import * as deskMessages from './desk/messages.ts';
import * as drillsMessages from './drills/messages.ts';
import * as formMessages from './forms/messages.ts';
import * as placesMessages from './places/messages.ts';
import * as statisticsMessages from './statistics/messages.ts';

export type Lang = 'ko' | 'en';

const coreKo = {
  'app.title': 'Guardbell 비상벨 콘솔',
  'app.loading': '불러오는 중…',
  'app.serverUnreachable': '서버에 연결할 수 없습니다. 다시 시도하는 중…',
  'app.retry': '다시 시도',
  'app.demoData': '데모 데이터: 데모 계정이 남아 있습니다. 실제 운영 전에 `guardbell demo remove`로 지우세요.',
  'lang.switch': 'English',

  'login.title': '로그인',
  'login.username': '아이디',
  'login.password': '비밀번호',
  'login.submit': '로그인',
  'login.submitting': '로그인 중…',

  'header.signedInAs': '{name} ({roles})',
  'header.logout': '로그아웃',

  'nav.label': '화면',
  'nav.home': '사건',

  'role.staff': '민원 담당 직원',
  'role.guard': '보안 요원',
  'role.manager': '관리자',
  'role.legal': '법무',
  'role.counselor': '상담사',
  'role.admin': '시스템 관리자',
  'role.auditor': '감사',

  'stream.connected': '실시간 연결됨',
  'stream.disconnected': '연결 끊김 — 재연결 중',

  'sound.arm': '경보음 켜기',
  'sound.notArmed': '경보음이 꺼져 있습니다. "경보음 켜기"를 누르세요.',
  'sound.armed': '경보음 켜짐',
  'sound.unsupported': '이 브라우저에서는 경보음을 낼 수 없습니다.',

  'alarm.heading': '비상 경보',
  'alarm.count': '미확인 {count}건',
  'alarm.violence': '폭력 진행 중',
  'alarm.drill': '훈련',
  'alarm.drillNote': '훈련 상황입니다 (실제 상황 아님)',
  'alarm.acknowledge': '확인 — 출동 접수',
  'alarm.acknowledging': '확인 중…',
  'alarm.source': '발생: {source}',
  'alarm.openedAt': '{time} 발생',
  'alarm.strip': '비상 경보 — 미확인 {count}건',
  'alarm.show': '경보 보기',

  'source.bell': '비상벨 {bellId}',
  'source.console': '콘솔 비상 호출',
  'source.drill': '훈련',

  'age.seconds': '{s}초 전',
  'age.minutes': '{m}분 {s}초 전',
  'age.hours': '{h}시간 {m}분 전',
  'age.days': '{d}일 {h}시간 전',

  'status.triggered': '경보 발생',
  'status.acknowledged': '확인됨',
  'status.responding': '출동 중',
  'status.on_scene': '현장 도착',
  'status.contained': '상황 진정',
  'status.closed': '종결',
  'status.cancelled': '취소됨',

  'mode.live': '실제',
  'mode.drill': '훈련',
  'severity.high': '높음',
  'severity.critical': '긴급',

  'event.responding': '출동 중',
  'event.guard_on_scene': '현장 도착',
  'event.victim_separated': '피해 직원 분리',
  'event.protective_equipment_used': '보호장비 사용',
  'event.police_called': '경찰 신고',
  'event.police_arrived': '경찰 도착',
  'event.police_handover': '경찰 인계',
  'event.contained': '상황 진정',
  'event.note': '메모',

  'kind.triggered': '경보 발생',
  'kind.created': '경보 발생',
  'kind.opened': '경보 발생',
  'kind.press': '비상벨 누름',
  'kind.long_press': '비상벨 길게 누름',
  'kind.repress': '비상벨 다시 누름',
  'kind.re_press': '비상벨 다시 누름',
  'kind.console_alarm': '콘솔 비상 호출',
  'kind.on_scene': '현장 도착',
  'kind.cancelled_at_counter': '창구에서 취소',
  'kind.cancel_pressed_late': '늦은 취소 누름 (현장 확인 필요)',
  'kind.severity_raised': '심각도 상향',
  'kind.cancel': '현장 취소',
  'kind.acknowledged': '확인됨',
  'kind.closed': '종결',
  'kind.cancelled': '취소됨',
  'kind.reopened': '재개',
  'kind.notification': '알림',
  'kind.escalation': '단계 상향',

  'kind.escalation_step': '단계 상향',

  'escalation.title': '단계별 연락 (에스컬레이션)',
  'escalation.stepsTitle': '단계',
  'escalation.noSteps': '연락 단계가 아직 없습니다.',
  'escalation.step': '단계 {step}',
  'escalation.pendingDue': '대기 — {time} 예정 ({relative})',
  'escalation.pendingNoDue': '대기 — 조건이 충족되면 실행',
  'escalation.fired': '실행됨 — {time}',
  'escalation.skipped': '건너뜀 — {reason}',
  'escalation.inSeconds': '{s}초 후',
  'escalation.overdue': '실행 대기 중',
  'escalation.timeline': '단계 상향: {step} 단계 → {targets}',
  'escalation.people': '{count}명',
  'escalation.person': '1명',
  'escalation.police': '경찰',
  'escalation.situationRoom': '상황실',
  'escalation.consoleOnly': '콘솔 경보',
  'escalation.nobody': '연락 대상 없음',

  'stepStatus.pending': '대기',
  'stepStatus.fired': '실행됨',
  'stepStatus.skipped': '건너뜀',

  'step.alert': '즉시 경보',
  'step.violence_police': '폭력 시 경찰 신고',
  'step.unacknowledged_30s': '30초 미확인 시 전화',
  'step.unacknowledged_60s': '60초 미확인 시 경찰·관리자',
  'step.no_one_on_scene_120s': '2분 내 현장 미도착 시',
  'step.cancelled_at_counter': '창구 취소 안내',

  'skipReason.acknowledged': '이미 확인됨',
  'skipReason.guard on scene': '보안 요원 현장 도착',
  'skipReason.incident closed': '사건 종결됨',
  'skipReason.incident cancelled': '사건 취소됨',
  'skipReason.step not in the frozen policy': '정책에 없는 단계',

  'notif.title': '알림 (문자·전화)',
  'notif.empty': '보낸 알림이 없습니다.',
  'notif.police': '경찰',
  'notif.unknownRecipient': '(번호 없음)',
  'notif.policeTag': '경찰 신고',
  'notif.attempts': '시도 {count}회',
  'notif.fallback': '→ 전화로 다시 연락 (문자 실패)',
  'notif.fallbackOther': '→ 다시 연락',
  'notif.notDelivered': '전달 안 됨',
  'notif.stale': '60초 넘게 전달 확인 없음',
  'notif.lastError': '오류: {error}',

  'channel.sms': '문자',
  'channel.voice': '전화',
  'channel.webhook': '웹훅',
  'channel.console': '콘솔',

  'notifStatus.queued': '대기 중',
  'notifStatus.not_configured': '발송 설정 없음',
  'notifStatus.sending': '보내는 중',
  'notifStatus.sent': '발송됨 (수신 미확인)',
  'notifStatus.delivered': '전달됨',
  'notifStatus.answered': '통화 연결됨',
  'notifStatus.acknowledged': '수신자가 확인함',
  'notifStatus.failed': '실패',
  'notifStatus.no_answer': '받지 않음',
  'notifStatus.busy': '통화 중',
  'notifStatus.cancelled': '취소됨',

  'duty.nobodyOnDuty': '{site}: 근무 중인 보안 요원이 없습니다 — 경보가 어떤 요원에게도 가지 않습니다.',
  'duty.nobodyReachable': '{site}: 근무 중인 보안 요원 누구에게도 전화·문자를 보낼 수 없습니다 (전화번호 없음).',
  'duty.other': '{site}: 근무표 경고 ({warning})',

  'classification.verbal_abuse': '폭언',
  'classification.threat': '협박',
  'classification.sexual_harassment': '성희롱',
  'classification.assault': '폭행',
  'classification.defamation': '명예훼손',
  'classification.obstruction_of_duty': '업무방해',
  'classification.property_damage': '기물 파손',
  'classification.stalking': '스토킹',
  'classification.other': '기타',

  'list.openTitle': '진행 중인 사건',
  'list.myTitle': '내 사건',
  'list.empty': '진행 중인 사건이 없습니다.',
  'list.violence': '폭력',
  'list.search': '사건 번호로 찾기',
  'list.searchHint': '예: 2026-0042 또는 42',
  'list.searchButton': '찾기',
  'list.searchNone': '{reference}에 해당하는 사건이 없습니다.',
  'list.searchResults': '찾은 사건',
  'field.reference': '사건 번호',

  'detail.title': '사건 상세',
  'detail.back': '상세 닫기',
  'detail.loading': '사건을 불러오는 중…',
  'detail.notStored': '아직 저장되지 않았습니다 (데이터베이스 응답 없음).',
  'field.id': '사건 번호',
  'field.site': '기관',
  'field.counter': '창구',
  'field.floor': '층',
  'field.status': '상태',
  'field.mode': '구분',
  'field.severity': '심각도',
  'field.source': '발생',
  'field.violence': '폭력',
  'field.openedAt': '발생 시각',
  'field.acknowledgedAt': '확인 시각',
  'field.closedAt': '종결 시각',
  'field.outcome': '처리 결과',
  'field.classification': '유형',
  'field.age': '경과',
  'common.yes': '예',
  'common.no': '아니오',
  'common.none': '—',

  'timeline.title': '타임라인',
  'timeline.empty': '기록이 없습니다.',
  'timeline.system': '시스템',

  'actions.title': '대응 기록',
  'actions.saving': '저장 중…',
  'actions.notePlaceholder': '메모 내용',
  'actions.noteLabel': '메모',
  'actions.noteRequired': '메모 내용을 입력하세요.',
  'actions.detailAck': '확인 — 출동 접수',

  'close.title': '사건 종결',
  'close.outcome': '처리 결과',
  'close.classification': '유형 분류 (하나 이상)',
  'close.submit': '사건 종결',
  'close.needOutcome': '처리 결과를 입력하세요.',
  'close.needClassification': '유형을 하나 이상 고르세요.',

  'panic.title': '비상 호출',
  'panic.button': '비상 호출',
  'panic.counter': '창구',
  'panic.noCounter': '배정된 창구가 없습니다.',
  'panic.confirmPrompt': '비상 호출을 보낼까요? 아래 "호출 보내기"를 길게 누르세요. 보내는 곳:',
  'panic.pending': '확인 대기 중 — 아래에서 확정하세요',
  'panic.violence': '폭력 진행 중',
  'panic.confirm': '호출 보내기',
  'panic.cancel': '취소',
  'panic.sending': '보내는 중…',
  'panic.sent': '비상 호출을 보냈습니다. 보안 요원에게 전달됩니다.',

  'bells.title': '비상벨 상태',
  'bells.id': '비상벨',
  'bells.counter': '창구',
  'bells.online': '연결',
  'bells.battery': '배터리',
  'bells.lastSeen': '마지막 신호',
  'bells.trouble': '이상',
  'bells.isOnline': '연결됨',
  'bells.isOffline': '끊김',
  'bells.empty': '등록된 비상벨이 없습니다.',

  'security.title': '보안 경고',
  'security.alert': '보안 경고: 비상벨 {bellId}, {reason}',
  'security.notEmergency': '비상 상황이 아닌 장비 보안 경고입니다.',
  'security.dismiss': '닫기',

  'error.network': '서버에 연결할 수 없습니다.',
  'error.http': '요청이 실패했습니다 (HTTP {status}).',
} as const;

// Each area of the console keeps its own strings in `<area>/messages.ts` (`ko` and `en`), merged here.
const ko = {
  ...coreKo,
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

const coreEn: Record<keyof typeof coreKo, string> = {
  'app.title': 'Guardbell console',
  'app.loading': 'Loading…',
  'app.serverUnreachable': 'Cannot reach the server. Retrying…',
  'app.retry': 'Retry',
  'app.demoData': 'Demo data: demo accounts exist. Remove them with `guardbell demo remove` before real use.',
  'lang.switch': '한국어',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',

  'header.signedInAs': '{name} ({roles})',
  'header.logout': 'Sign out',

  'nav.label': 'Views',
  'nav.home': 'Incidents',

  'role.staff': 'Counter staff',
  'role.guard': 'Guard',
  'role.manager': 'Manager',
  'role.legal': 'Legal',
  'role.counselor': 'Counsellor',
  'role.admin': 'Administrator',
  'role.auditor': 'Auditor',

  'stream.connected': 'Live: connected',
  'stream.disconnected': 'Disconnected — reconnecting',

  'sound.arm': 'Arm sound',
  'sound.notArmed': 'Sound not armed: press "Arm sound".',
  'sound.armed': 'Sound armed',
  'sound.unsupported': 'This browser cannot play the alarm sound.',

  'alarm.heading': 'EMERGENCY ALARM',
  'alarm.count': '{count} unacknowledged',
  'alarm.violence': 'VIOLENCE IN PROGRESS',
  'alarm.drill': 'DRILL',
  'alarm.drillNote': 'This is a drill (not a real emergency)',
  'alarm.acknowledge': 'Acknowledge',
  'alarm.acknowledging': 'Acknowledging…',
  'alarm.source': 'Source: {source}',
  'alarm.openedAt': 'opened {time}',
  'alarm.strip': 'EMERGENCY — {count} unacknowledged',
  'alarm.show': 'Show alarms',

  'source.bell': 'Bell {bellId}',
  'source.console': 'Console panic button',
  'source.drill': 'Drill',

  'age.seconds': '{s}s ago',
  'age.minutes': '{m}m {s}s ago',
  'age.hours': '{h}h {m}m ago',
  'age.days': '{d}d {h}h ago',

  'status.triggered': 'Triggered',
  'status.acknowledged': 'Acknowledged',
  'status.responding': 'Responding',
  'status.on_scene': 'On scene',
  'status.contained': 'Contained',
  'status.closed': 'Closed',
  'status.cancelled': 'Cancelled',

  'mode.live': 'Live',
  'mode.drill': 'Drill',
  'severity.high': 'High',
  'severity.critical': 'Critical',

  'event.responding': 'On my way',
  'event.guard_on_scene': 'On scene',
  'event.victim_separated': 'Victim separated',
  'event.protective_equipment_used': 'Protective equipment used',
  'event.police_called': 'Police called',
  'event.police_arrived': 'Police arrived',
  'event.police_handover': 'Handed over to police',
  'event.contained': 'Contained',
  'event.note': 'Note',

  'kind.triggered': 'Alarm raised',
  'kind.created': 'Alarm raised',
  'kind.opened': 'Alarm raised',
  'kind.press': 'Bell pressed',
  'kind.long_press': 'Bell held (long press)',
  'kind.repress': 'Bell pressed again',
  'kind.re_press': 'Bell pressed again',
  'kind.console_alarm': 'Console panic button',
  'kind.on_scene': 'On scene',
  'kind.cancelled_at_counter': 'Cancelled at the counter',
  'kind.cancel_pressed_late': 'Late cancel pressed (verify in person)',
  'kind.severity_raised': 'Severity raised',
  'kind.cancel': 'Cancelled at the counter',
  'kind.acknowledged': 'Acknowledged',
  'kind.closed': 'Closed',
  'kind.cancelled': 'Cancelled',
  'kind.reopened': 'Reopened',
  'kind.notification': 'Notification',
  'kind.escalation': 'Escalation',

  'kind.escalation_step': 'Escalation',

  'escalation.title': 'Escalation',
  'escalation.stepsTitle': 'Steps',
  'escalation.noSteps': 'No escalation steps yet.',
  'escalation.step': 'Step {step}',
  'escalation.pendingDue': 'Pending — due {time} ({relative})',
  'escalation.pendingNoDue': 'Pending — runs when its condition is met',
  'escalation.fired': 'Fired — {time}',
  'escalation.skipped': 'Skipped — {reason}',
  'escalation.inSeconds': 'in {s}s',
  'escalation.overdue': 'due now',
  'escalation.timeline': 'Escalation: step {step} → {targets}',
  'escalation.people': '{count} people',
  'escalation.person': '1 person',
  'escalation.police': 'police',
  'escalation.situationRoom': 'situation room',
  'escalation.consoleOnly': 'console alarm',
  'escalation.nobody': 'nobody to reach',

  'stepStatus.pending': 'Pending',
  'stepStatus.fired': 'Fired',
  'stepStatus.skipped': 'Skipped',

  'step.alert': 'Immediate alert',
  'step.violence_police': 'Violence: police',
  'step.unacknowledged_30s': 'Unacknowledged 30 s: calls',
  'step.unacknowledged_60s': 'Unacknowledged 60 s: police and managers',
  'step.no_one_on_scene_120s': 'Nobody on scene after 2 min',
  'step.cancelled_at_counter': 'Cancellation notice',

  'skipReason.acknowledged': 'already acknowledged',
  'skipReason.guard on scene': 'guard on scene',
  'skipReason.incident closed': 'incident closed',
  'skipReason.incident cancelled': 'incident cancelled',
  'skipReason.step not in the frozen policy': 'step not in the policy',

  'notif.title': 'Notifications (SMS and calls)',
  'notif.empty': 'No notifications sent.',
  'notif.police': 'Police',
  'notif.unknownRecipient': '(no number)',
  'notif.policeTag': 'POLICE',
  'notif.attempts': 'attempts: {count}',
  'notif.fallback': '→ call instead (SMS failed)',
  'notif.fallbackOther': '→ retry',
  'notif.notDelivered': 'NOT DELIVERED',
  'notif.stale': 'no delivery confirmation for over 60 s',
  'notif.lastError': 'Error: {error}',

  'channel.sms': 'SMS',
  'channel.voice': 'Call',
  'channel.webhook': 'Webhook',
  'channel.console': 'Console',

  'notifStatus.queued': 'Queued',
  'notifStatus.not_configured': 'Not configured (no sender)',
  'notifStatus.sending': 'Sending',
  'notifStatus.sent': 'Sent (not yet confirmed)',
  'notifStatus.delivered': 'Delivered',
  'notifStatus.answered': 'Answered',
  'notifStatus.acknowledged': 'Acknowledged by recipient',
  'notifStatus.failed': 'Failed',
  'notifStatus.no_answer': 'No answer',
  'notifStatus.busy': 'Busy',
  'notifStatus.cancelled': 'Cancelled',

  'duty.nobodyOnDuty': 'Nobody on duty at {site}: alarms reach no guard.',
  'duty.nobodyReachable': 'Nobody on duty at {site} can be reached by phone: SMS and calls reach no guard.',
  'duty.other': '{site}: roster warning ({warning})',

  'classification.verbal_abuse': 'Verbal abuse',
  'classification.threat': 'Threat',
  'classification.sexual_harassment': 'Sexual harassment',
  'classification.assault': 'Assault',
  'classification.defamation': 'Defamation',
  'classification.obstruction_of_duty': 'Obstruction of duty',
  'classification.property_damage': 'Property damage',
  'classification.stalking': 'Stalking',
  'classification.other': 'Other',

  'list.openTitle': 'Open incidents',
  'list.myTitle': 'My incidents',
  'list.empty': 'No open incidents.',
  'list.violence': 'Violence',
  'list.search': 'Find by reference',
  'list.searchHint': 'e.g. 2026-0042 or 42',
  'list.searchButton': 'Find',
  'list.searchNone': 'No incident matches {reference}.',
  'list.searchResults': 'Found',
  'field.reference': 'Reference',

  'detail.title': 'Incident',
  'detail.back': 'Close details',
  'detail.loading': 'Loading the incident…',
  'detail.notStored': 'Not stored yet (database not answering).',
  'field.id': 'Incident',
  'field.site': 'Site',
  'field.counter': 'Counter',
  'field.floor': 'Floor',
  'field.status': 'Status',
  'field.mode': 'Mode',
  'field.severity': 'Severity',
  'field.source': 'Source',
  'field.violence': 'Violence',
  'field.openedAt': 'Opened',
  'field.acknowledgedAt': 'Acknowledged',
  'field.closedAt': 'Closed',
  'field.outcome': 'Outcome',
  'field.classification': 'Classification',
  'field.age': 'Age',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.none': '—',

  'timeline.title': 'Timeline',
  'timeline.empty': 'No entries.',
  'timeline.system': 'System',

  'actions.title': 'Record response',
  'actions.saving': 'Saving…',
  'actions.notePlaceholder': 'Note text',
  'actions.noteLabel': 'Note',
  'actions.noteRequired': 'Write the note first.',
  'actions.detailAck': 'Acknowledge',

  'close.title': 'Close incident',
  'close.outcome': 'Outcome',
  'close.classification': 'Classification (one or more)',
  'close.submit': 'Close incident',
  'close.needOutcome': 'Write the outcome.',
  'close.needClassification': 'Choose at least one classification.',

  'panic.title': 'Panic button',
  'panic.button': 'Call for help',
  'panic.counter': 'Counter',
  'panic.noCounter': 'No counter is assigned to you.',
  'panic.confirmPrompt': 'Send the alarm? Press and hold "Send alarm" below. Guards go to:',
  'panic.pending': 'Waiting for confirmation below',
  'panic.violence': 'Violence in progress',
  'panic.confirm': 'Send alarm',
  'panic.cancel': 'Cancel',
  'panic.sending': 'Sending…',
  'panic.sent': 'Alarm sent. The guards are being alerted.',

  'bells.title': 'Bells',
  'bells.id': 'Bell',
  'bells.counter': 'Counter',
  'bells.online': 'Online',
  'bells.battery': 'Battery',
  'bells.lastSeen': 'Last seen',
  'bells.trouble': 'Troubles',
  'bells.isOnline': 'Online',
  'bells.isOffline': 'Offline',
  'bells.empty': 'No bells registered.',

  'security.title': 'Security alerts',
  'security.alert': 'Security alert: bell {bellId}, {reason}',
  'security.notEmergency': 'Not an emergency: a device security warning.',
  'security.dismiss': 'Dismiss',

  'error.network': 'Cannot reach the server.',
  'error.http': 'The request failed (HTTP {status}).',
};

/** English may leave an error code out: the server's own (English) sentence is shown for it then. */
const en: Partial<Record<MessageKey, string>> = {
  ...coreEn,
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
