/** The guard desk's strings (session, sound, cancel checks, the panic button's counter), in Korean (default) and English; merged into i18n.ts. */
export const ko = {
  'session.ended': '알림을 받지 못하고 있습니다 — 로그인이 끝났습니다. 다시 로그인하세요.',
  'session.endedHint': '다시 로그인하면 그동안 들어온 경보가 모두 표시됩니다.',
  'session.relogin': '다시 로그인',

  'sound.disconnected': '경보음 켜짐 — 그러나 연결이 끊겨 새 경보가 오지 않습니다.',
  'sound.blocked': '브라우저가 자동 재생을 막아 경보음이 꺼졌습니다. 화면 아무 곳이나 한 번 누르거나 "경보음 켜기"를 누르세요.',

  'cancel.heading': '취소된 경보 — 직접 확인 필요',
  'cancel.item': '취소됨 — 직접 확인 필요',
  'cancel.itemHint': '직원이 강요로 취소했을 수 있습니다. 현장에 가서 확인하세요.',
  'cancel.check': '직접 확인했습니다',
  'cancel.checking': '기록하는 중…',
  'cancel.staffNotice': '취소됨 — 경비원이 직접 확인하러 옵니다.',
  'kind.cancel_checked': '취소 후 직접 확인함',

  'panic.chooseCounter': '창구를 먼저 고르세요',
  'panic.holdHint': '2초 동안 길게 누르세요',
  'panic.holding': '계속 누르세요… {percent}%',
  'panic.releasedEarly': '너무 일찍 손을 뗐습니다. 경보는 보내지 않았습니다. 보내려면 다시 길게 누르세요.',
  'panic.counterRemembered': '이 기기가 기억하는 창구',
  'panic.counterMine': '내 창구',

  'lang.label': '언어',
} as const;

export const en: Record<keyof typeof ko, string> = {
  'session.ended': 'NOT RECEIVING ALARMS — your session has ended. Sign in again.',
  'session.endedHint': 'After signing in again, every alarm raised meanwhile is shown.',
  'session.relogin': 'Sign in again',

  'sound.disconnected': 'Sound armed — but the connection is lost: new alarms cannot arrive.',
  'sound.blocked': 'The browser blocked autoplay, so the sound is off. Click anywhere once or press "Arm sound".',

  'cancel.heading': 'Cancelled alarms — verify in person',
  'cancel.item': 'Cancelled — verify in person',
  'cancel.itemHint': 'The member of staff may have been forced to cancel. Go and check.',
  'cancel.check': 'I checked in person',
  'cancel.checking': 'Recording…',
  'cancel.staffNotice': 'Cancelled — a guard is coming to check in person.',
  'kind.cancel_checked': 'Checked in person after the cancel',

  'panic.chooseCounter': 'Choose your counter first',
  'panic.holdHint': 'Press and hold for 2 seconds',
  'panic.holding': 'Keep holding… {percent}%',
  'panic.releasedEarly': 'Released too early: no alarm was sent. Press and hold again to send it.',
  'panic.counterRemembered': 'the counter this device remembers',
  'panic.counterMine': 'my counters',

  'lang.label': 'Language',
};
