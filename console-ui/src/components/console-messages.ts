/** The console's frame: sign-in, header, navigation, roles, connection, sound, bells, errors; in Korean (default) and English, merged into i18n.ts. */
export const ko = {
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

  'age.seconds': '{s}초 전',
  'age.minutes': '{m}분 {s}초 전',
  'age.hours': '{h}시간 {m}분 전',
  'age.days': '{d}일 {h}시간 전',

  'duty.nobodyOnDuty': '{site}: 근무 중인 보안 요원이 없습니다 — 경보가 어떤 요원에게도 가지 않습니다.',
  'duty.nobodyReachable': '{site}: 근무 중인 보안 요원 누구에게도 전화·문자를 보낼 수 없습니다 (전화번호 없음).',
  'duty.other': '{site}: 근무표 경고 ({warning})',

  'common.yes': '예',
  'common.no': '아니오',
  'common.none': '—',

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

export const en: Record<keyof typeof ko, string> = {
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

  'age.seconds': '{s}s ago',
  'age.minutes': '{m}m {s}s ago',
  'age.hours': '{h}h {m}m ago',
  'age.days': '{d}d {h}h ago',

  'duty.nobodyOnDuty': 'Nobody on duty at {site}: alarms reach no guard.',
  'duty.nobodyReachable': 'Nobody on duty at {site} can be reached by phone: SMS and calls reach no guard.',
  'duty.other': '{site}: roster warning ({warning})',

  'common.yes': 'Yes',
  'common.no': 'No',
  'common.none': '—',

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
