/** The drill report as a PDF (Korean and English labels side by side, so it reads for both). */
import { newPdf, pdfBytes } from '../api/reports/pdf-document.ts';
import { ko, siteDateTime } from '../api/reports/local-text.ts';
import type { DrillReport } from '../api/contract/drills.ts';
import { DEFAULT_TIMEZONE } from '../api/contract/index.ts';

const secs = (s: number | null) => (s === null ? '—' : `${Math.round(s)} s`);

export async function drillReportPdf(r: DrillReport): Promise<Buffer> {
  const d = r.drill;
  const title = d.scenarioTitle ? `${d.scenarioTitle.ko} / ${d.scenarioTitle.en}` : d.scenarioId;
  const doc = newPdf({ title: `훈련 보고서 / Drill report ${d.id}`, subject: title });
  doc.font('bold').fontSize(18).text('[훈련/DRILL] 훈련 보고서 / Drill report');
  doc.font('regular').fontSize(10).moveDown(0.5);
  const line = (label: string, value: string) => doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);
  const zone = r.timeZone ?? DEFAULT_TIMEZONE;
  const when = (at: string | null) => (at ? siteDateTime(at, zone) : '—');
  line('훈련 / Drill', d.id);
  line('시나리오 / Scenario', title);
  line('기관 / Site', r.siteName);
  line('창구 / Counter', r.counterName);
  line('예정 / Scheduled', when(d.scheduledAt));
  line('시작 / Started', when(d.startedAt));
  line('종료 / Ended', d.endedAt ? when(d.endedAt) : (r.final ? '—' : '진행 중 / running'));
  line('방식 / Kind', `${d.announced ? '사전 공지 / announced' : '불시 / unannounced'}, ${d.jointPolice ? '경찰 합동 / joint police' : '자체 / in-house'}, ${d.trigger === 'real_bell' ? '실제 비상벨 / real bell' : '가상 비상벨 / virtual bell'}`);
  line('사건 / Incident', r.incident ? `${r.incident.reference ?? r.incident.id} (${ko('status', r.incident.status)})` : '없음 / none (never pressed)');
  for (const s of r.separations ?? []) line('피해 직원 분리 / Separated', `${when(s.at)} — ${s.text}`);
  const f = r.facts;
  if (!f) {
    doc.moveDown().text('점수 없음: 훈련이 시작되지 않았습니다. / No score: the drill never started.');
    return pdfBytes(doc);
  }
  doc.moveDown();
  doc.font('bold').fontSize(14).text(`점수 / Score: ${f.score.score}%  ${f.score.passed ? '통과 / passed' : '미통과 / not passed'}`);
  doc.font('regular').fontSize(10);
  if (f.pausedSeconds > 0) doc.text(`실제 상황으로 중단된 시간 / paused for live alarms: ${f.pausedSeconds} s (시간 계산에서 제외 / taken out of every time)`);
  doc.moveDown(0.5).font('bold').text('단계 / Steps (누름부터 / from the press)');
  doc.font('regular');
  for (const s of f.score.steps) {
    const state = s.atSeconds === null ? (s.required ? '누락 / MISSED' : '없음 / not done') : s.onTime ? '정시 / on time' : `지연 / LATE +${Math.round(s.lateBySeconds ?? 0)} s`;
    doc.text(`• ${ko('kind', s.milestone)}: ${secs(s.atSeconds)} (목표 / target ${s.targetSeconds} s${s.required ? '' : ', 선택 / optional'}) — ${state}`);
  }
  doc.moveDown(0.5).font('bold').text('연락 / Who was reached');
  doc.font('regular');
  const name = (id: string) => r.names[id] ?? id;
  doc.text(`연락됨 / reached: ${f.score.reached.map(name).join(', ') || '—'}`);
  doc.text(`연락 안 됨 / not reached: ${f.score.notReached.map(name).join(', ') || '—'}`);
  const dl = f.score.delivery;
  doc.text(`알림 / notifications: ${dl.total}, 전달 / delivered ${dl.delivered}, 실패 / failed ${dl.failed}, 미전달 / not delivered ${dl.notDelivered}`);
  if (d.jointPolice) doc.text(`경찰 연락 담당 / drill liaison: ${f.liaison.map((l) => `${l.to} (${l.status})`).join(', ') || '—'}`);
  doc.text(`실제 경찰 번호 연락 / live police number contacted: ${f.policeLeaks.length === 0 ? '없음 / none' : f.policeLeaks.map((l) => l.to).join(', ')}`);
  if (f.pauses.length > 0) {
    doc.moveDown(0.5).font('bold').text('중단 / Pauses');
    doc.font('regular');
    for (const p of f.pauses) doc.text(`• ${when(p.from)} → ${p.to ? when(p.to) : '…'} (실제 사건 / live incident ${p.liveIncidentId ?? '—'})`);
  }
  return pdfBytes(doc);
}
