import { describe, expect, it } from 'vitest';
import { alarmText, DRILL_MARK, localTime, policeWebhookPayload, SMS_MAX_CHARS, voiceText } from '../../api/notify/messages.ts';
import { facts } from './facts.ts';

describe('alarm message texts', () => {
  it('names office, address, floor, counter, violence, local time and call-back in Korean', () => {
    const t = alarmText(facts(), 'ko', 'staff');
    for (const part of ['강남구청', '서울 강남구 학동로 426', '2층', '민원실 3번 창구', '폭력 진행 중', '2026-11-23 18:15', '02-3423-5114']) {
      expect(t).toContain(part);
    }
    expect(t.startsWith(DRILL_MARK)).toBe(false);
  });

  it('names the same facts in English, and says when there is no violence', () => {
    const t = alarmText(facts({ violence: false, floor: 'B1' }), 'en', 'staff');
    for (const part of ['강남구청', '서울 강남구 학동로 426', 'floor B1', '민원실 3번 창구', 'no violence', '2026-11-23 18:15', 'Call back 02-3423-5114']) {
      expect(t).toContain(part);
    }
    expect(alarmText(facts({ violence: false }), 'ko', 'staff')).toContain('폭력 없음');
  });

  it('writes police messages in Korean whatever language is asked', () => {
    const t = alarmText(facts(), 'en', 'police');
    expect(t).toBe(alarmText(facts(), 'ko', 'police'));
    expect(t).toMatch(/장소: .*강남구청.*2층.*민원실 3번 창구.*학동로 426/);
    expect(t).toContain('상황: 폭력 진행 중');
    expect(t).toContain('시각: 2026-11-23 18:15');
    expect(t).toContain('회신: 02-3423-5114');
  });

  it('starts every drill message with [훈련/DRILL], in every language, audience and channel', () => {
    const drill = facts({ mode: 'drill' });
    for (const lang of ['ko', 'en'] as const) {
      for (const audience of ['staff', 'police'] as const) {
        expect(alarmText(drill, lang, audience).startsWith(`${DRILL_MARK} `)).toBe(true);
        expect(voiceText(drill, lang, audience).startsWith(`${DRILL_MARK} `)).toBe(true);
      }
    }
    const payload = policeWebhookPayload(drill);
    expect(payload).toMatchObject({ mode: 'drill', drill: true });
    expect(String(payload.message).startsWith(DRILL_MARK)).toBe(true);
  });

  it('keeps SMS text under the limit even with very long site records, drill mark first', () => {
    const long = facts({ mode: 'drill', siteName: '가'.repeat(200), address: '나'.repeat(400), counterName: '다'.repeat(100), callbackNumber: '0'.repeat(60) });
    for (const lang of ['ko', 'en'] as const) {
      for (const audience of ['staff', 'police'] as const) {
        const t = alarmText(long, lang, audience);
        expect(t.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
        expect(t.startsWith(DRILL_MARK)).toBe(true);
      }
    }
    expect(alarmText(facts(), 'ko', 'staff').length).toBeLessThan(160);
  });

  it('ends staff voice text with the keypad instruction; police voice text asks for no key', () => {
    expect(voiceText(facts(), 'ko')).toMatch(/1번을 누르면 확인됩니다\.$/);
    expect(voiceText(facts(), 'en')).toMatch(/Press 1 to acknowledge\.$/);
    expect(voiceText(facts(), 'en', 'police')).not.toContain('1번을 누르면');
    expect(voiceText(facts(), 'en', 'police')).toContain('회신 번호 02-3423-5114');
  });

  it('leaves out a missing floor or call-back number rather than printing null', () => {
    const t = alarmText(facts({ floor: null, callbackNumber: null }), 'ko', 'staff');
    expect(t).not.toMatch(/null|회신/);
    expect(alarmText(facts({ floor: '-1' }), 'ko', 'staff')).toContain('지하 1층');
  });

  it('formats time in the site time zone, falling back to UTC on a bad zone', () => {
    expect(localTime(new Date('2026-11-23T15:30:00Z'), 'Asia/Seoul')).toBe('2026-11-24 00:30');
    expect(localTime(new Date('2026-11-23T09:15:00Z'), 'Europe/London')).toBe('2026-11-23 09:15');
    expect(localTime(new Date('2026-11-23T09:15:00Z'), 'Not/AZone')).toBe('2026-11-23 09:15 UTC');
  });

  it('builds the dispatch-system payload with every fact', () => {
    expect(policeWebhookPayload(facts())).toMatchObject({
      mode: 'live', drill: false, incidentId: '01JTESTINCIDENT0000000000', office: '강남구청', address: '서울 강남구 학동로 426',
      floor: '2', counter: '민원실 3번 창구', violence: true, openedAt: '2026-11-23T09:15:00.000Z', localTime: '2026-11-23 18:15',
      callback: '02-3423-5114',
    });
  });
});
