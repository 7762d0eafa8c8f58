import type { AlarmFacts, OutboundMessage } from '../../api/notify/types.ts';

/** An alarm at a Seoul district office: 09:15 UTC is 18:15 in Asia/Seoul. */
export function facts(over: Partial<AlarmFacts> = {}): AlarmFacts {
  return {
    incidentId: '01JTESTINCIDENT0000000000',
    mode: 'live',
    siteName: '강남구청',
    address: '서울 강남구 학동로 426',
    floor: '2',
    counterName: '민원실 3번 창구',
    violence: true,
    openedAt: new Date('2026-11-23T09:15:00Z'),
    timezone: 'Asia/Seoul',
    callbackNumber: '02-3423-5114',
    stepKind: 'immediate',
    ...over,
  };
}

export function outbound(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    notificationId: 'ntf-1',
    channel: 'sms',
    to: '+821012345678',
    language: 'ko',
    text: '[Guardbell] 비상벨: 폭력 진행 중.',
    mode: 'live',
    isPolice: false,
    gatherAck: false,
    ...over,
  };
}
