/** The maintenance alert a site's admins get: which bells can no longer call for help, and which recovered. No I/O. */
import type { MessageLanguage } from '../notify/messages.ts';

export interface TroubleChange {
  bellId: string;
  counterName: string;
  raised: string[];
  cleared: string[];
}

const NAMES: Record<string, { ko: string; en: string }> = {
  offline: { ko: '오프라인', en: 'offline' },
  low_battery: { ko: '배터리 부족', en: 'low battery' },
  tamper: { ko: '훼손 감지', en: 'tampered' },
  clock_skew: { ko: '시계 오차', en: 'clock wrong' },
  no_test_30d: { ko: '30일간 시험 누름 없음', en: 'no test press in 30 days' },
};

const name = (trouble: string, language: MessageLanguage) => NAMES[trouble]?.[language] ?? trouble;

/** One SMS for a site's batch of changes: a power cut that takes forty bells offline is one message. */
export function maintenanceText(siteName: string, changes: readonly TroubleChange[], language: MessageLanguage): string {
  const lines = changes.map((c) => {
    const parts = [
      ...c.raised.map((t) => name(t, language)),
      ...c.cleared.map((t) => (language === 'ko' ? `${name(t, language)} 해제` : `${name(t, language)} cleared`)),
    ];
    return `${c.bellId} (${c.counterName}): ${parts.join(', ')}`;
  });
  const head = language === 'ko'
    ? `[Guardbell 점검] ${siteName} 비상벨 상태 변경 (긴급 상황 아님):`
    : `[Guardbell maintenance] ${siteName} bell status changed (not an emergency):`;
  return [head, ...lines].join('\n');
}
