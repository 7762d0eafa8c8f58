import { describe, expect, it } from 'vitest';
import { factRecords, FIELD, IncidentFacts, RECORD, tenthsOf, type IncidentFact } from './facts.ts';

const parseFacts = (text: string | null) => [...factRecords(text)];

const record = (...fields: string[]) => fields.join(FIELD);
const seoul = (id: string, over: Partial<Record<'mode' | 'site' | 'opened' | 'ack' | 'class', string>> = {}) =>
  record(id, over.mode ?? 'live', 'closed', 'bell', over.site ?? 'S-001', 'C-01', over.opened ?? '1767225600000', '2026-01', over.ack ?? '42250', '', '-3000', '', over.class ?? '["threat"]');

describe('the incidents as the database sends them', () => {
  it('reads each record into its figures, an empty field as never', () => {
    const [a, b] = parseFacts([seoul('inc_1'), seoul('inc_2', { ack: '', class: '[]' })].join(RECORD));
    expect(a).toEqual({
      id: 'inc_1', mode: 'live', status: 'closed', source: 'bell', siteId: 'S-001', counterId: 'C-01', openedMs: 1767225600000, month: '2026-01',
      ms: { acknowledged: 42250, onScene: null, separated: -3000, policeHandover: null }, classification: '["threat"]',
    } satisfies IncidentFact);
    expect(b!.ms.acknowledged).toBeNull();
    expect(parseFacts(null)).toEqual([]);
  });

  it('refuses a record with a field too many or too few, or without its opening time', () => {
    expect(() => parseFacts(seoul('inc_1') + FIELD + 'extra')).toThrow(/14 fields, not 13/);
    expect(() => parseFacts([seoul('inc_1'), 'inc_2' + FIELD + 'live'].join(RECORD))).toThrow(/2 fields, not 13/);
    expect(() => parseFacts(seoul('inc_1', { opened: '' }))).toThrow(/inc_1 came without its opening time/);
  });

  it('rounds to tenths of a second as the export does, and leaves out a step timed before its press', () => {
    expect([tenthsOf(42250), tenthsOf(42249), tenthsOf(0), tenthsOf(-1), tenthsOf(null)]).toEqual([423, 422, 0, null, null]);
  });
});

describe('the incidents held in columns', () => {
  const fact = (id: string, o: Partial<IncidentFact> = {}): IncidentFact => ({
    id, mode: 'live', status: 'closed', source: 'bell', siteId: 'S-001', counterId: 'C-01', openedMs: 1_000, month: '2026-01',
    ms: { acknowledged: 1_000, onScene: null, separated: null, policeHandover: null }, classification: '["threat"]', ...o,
  });

  it('counts a written incident once, with what was written last', () => {
    const facts = new IncidentFacts();
    facts.put([fact('a'), fact('b', { siteId: 'S-002', counterId: 'C-09' })]);
    facts.put([fact('a', { classification: '["assault"]', ms: { acknowledged: 2_500, onScene: 700, separated: null, policeHandover: null } })]);
    expect(facts.count).toBe(2);
    const rows = facts.summary({ mode: 'all' });
    expect(rows).toContainEqual({ dim: 'total', a: null, b: null, n: 2 });
    expect(rows.filter((r) => r.dim === 'classification')).toEqual([
      { dim: 'classification', a: '["threat"]', b: null, n: 1 }, { dim: 'classification', a: '["assault"]', b: null, n: 1 },
    ]);
    expect(rows.filter((r) => r.dim === 'counter')).toEqual([
      { dim: 'counter', a: 'S-001', b: 'C-01', n: 1 }, { dim: 'counter', a: 'S-002', b: 'C-09', n: 1 },
    ]);
    expect(rows.filter((r) => r.dim === 'tenths:acknowledged')).toEqual([
      { dim: 'tenths:acknowledged', a: '10', b: null, n: 1 }, { dim: 'tenths:acknowledged', a: '25', b: null, n: 1 },
    ]);
    expect(rows.filter((r) => r.dim === 'tenths:onScene')).toEqual([{ dim: 'tenths:onScene', a: '7', b: null, n: 1 }]);
  });

  it('counts only the mode, sites and days asked for: from inclusive, to exclusive', () => {
    const facts = new IncidentFacts();
    facts.put([fact('a', { openedMs: 999 }), fact('b', { openedMs: 1_000 }), fact('c', { openedMs: 1_999 }), fact('d', { openedMs: 2_000 }),
      fact('e', { openedMs: 1_500, mode: 'drill' }), fact('f', { openedMs: 1_500, siteId: 'S-002' })]);
    const total = (f: Parameters<IncidentFacts['summary']>[0]) => facts.summary(f).find((r) => r.dim === 'total')?.n ?? 0;
    expect(total({ mode: 'live', from: new Date(1_000), to: new Date(2_000) })).toBe(3);
    expect(total({ mode: 'drill' })).toBe(1);
    expect(total({ mode: 'all', siteIds: ['S-002', 'S-404'] })).toBe(1);
    expect(total({ mode: 'all', siteIds: [] })).toBe(0);
    expect(facts.summary({ mode: 'all', siteIds: [] })).toEqual([]);
  });

  it('counts durations past the array it keeps for short ones (an hour and more) in order', () => {
    const facts = new IncidentFacts();
    const hours = (h: number) => ({ acknowledged: h * 3_600_000, onScene: null, separated: null, policeHandover: null });
    facts.put([fact('a', { ms: hours(3) }), fact('b', { ms: hours(0.5) }), fact('c', { ms: hours(3) })]);
    expect(facts.summary({ mode: 'all' }).filter((r) => r.dim === 'tenths:acknowledged')).toEqual([
      { dim: 'tenths:acknowledged', a: '18000', b: null, n: 1 }, { dim: 'tenths:acknowledged', a: '108000', b: null, n: 2 },
    ]);
  });
});
