import { describe, expect, it } from 'vitest';
import { judgeSequence, LATE_COPY_WINDOW, resetSequence, restartCounting, RETRANSMISSION_HORIZON_MS, sameEvent, type SequenceState } from './bell-sequence.ts';

const at = (epoch: number, boot: number, seq: number): SequenceState => ({ epoch, last: { boot, seq } });

describe('judgeSequence', () => {
  it('a first event, and a higher seq in the same boot, are next in the current run', () => {
    expect(judgeSequence({ epoch: 0, last: null }, { seq: 7, origin: 'unproven' })).toEqual({ kind: 'next', state: at(0, 0, 7) });
    expect(judgeSequence(at(2, 0, 7), { seq: 8, origin: 'signed' })).toEqual({ kind: 'next', state: at(2, 0, 8) });
  });

  it('a higher boot starts a new run whatever the seq; a lower boot is a replay', () => {
    expect(judgeSequence(at(0, 3, 4_000_000_000), { seq: 1, boot: 4, origin: 'signed' })).toEqual({ kind: 'restart', state: at(1, 4, 1), why: 'boot' });
    expect(judgeSequence(at(1, 4, 1), { seq: 999, boot: 3, origin: 'signed' })).toMatchObject({ kind: 'replay' });
    // A bell that never sent a boot is boot 0: an event without one cannot roll back a bell that counts boots.
    expect(judgeSequence(at(1, 4, 1), { seq: 999, origin: 'own_credential' })).toMatchObject({ kind: 'replay' });
  });

  it('an old seq is a retransmission if stored; if not, a restart only from the bell\'s own credential without a key', () => {
    expect(judgeSequence(at(0, 0, 4294967295), { seq: 5, origin: 'own_credential' })).toEqual({ kind: 'old', ifUnseen: 'restart' });
    expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'signed' })).toEqual({ kind: 'old', ifUnseen: 'replay' });
    expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'unproven' })).toEqual({ kind: 'old', ifUnseen: 'replay' });
    expect(restartCounting(at(0, 0, 4294967295), { seq: 5, origin: 'own_credential' })).toEqual(at(1, 0, 5));
  });

  describe('a late copy: an unseen seq a little below the last, with a recent bell time', () => {
    const receivedAt = new Date('2026-03-02T09:00:00.000Z');
    const bellAt = (msBefore: number) => new Date(receivedAt.getTime() - msBefore).toISOString();

    it('is stored in the current run, whatever the origin, and moves nothing (the verdict carries no new state)', () => {
      for (const origin of ['signed', 'own_credential', 'unproven'] as const) {
        expect(judgeSequence(at(3, 0, 6), { seq: 5, origin, at: bellAt(8_000), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'late' });
      }
      expect(judgeSequence(at(3, 0, 100), { seq: 100 - LATE_COPY_WINDOW, origin: 'signed', at: bellAt(0), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'late' });
    });

    it('a stale bell time is a recording (keyed) or a restarted counter (own credential), as without the rule', () => {
      expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'signed', at: bellAt(RETRANSMISSION_HORIZON_MS), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'replay' });
      expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'own_credential', at: bellAt(RETRANSMISSION_HORIZON_MS + 1), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'restart' });
      // A bell time far in the future is no better than one far in the past.
      expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'signed', at: bellAt(-RETRANSMISSION_HORIZON_MS), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'replay' });
    });

    it('outside the window, without a bell time, or with one that is not a time, it is judged as without the rule', () => {
      expect(judgeSequence(at(0, 0, 100), { seq: 99 - LATE_COPY_WINDOW, origin: 'signed', at: bellAt(0), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'replay' });
      expect(judgeSequence(at(0, 0, 4294967295), { seq: 5, origin: 'own_credential', at: bellAt(0), receivedAt })).toEqual({ kind: 'old', ifUnseen: 'restart' });
      expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'signed', receivedAt })).toEqual({ kind: 'old', ifUnseen: 'replay' });
      expect(judgeSequence(at(0, 0, 50), { seq: 40, origin: 'unproven', at: 'yesterday', receivedAt })).toEqual({ kind: 'old', ifUnseen: 'replay' });
    });

    it('an older boot stays a replay, however recent its time', () => {
      expect(judgeSequence(at(1, 2, 6), { seq: 5, boot: 1, origin: 'signed', at: bellAt(0), receivedAt })).toMatchObject({ kind: 'replay' });
    });
  });

  it('a reset opens a new run that hears the next event whatever its boot and seq', () => {
    const reset = resetSequence(at(3, 9, 500));
    expect(reset).toEqual({ epoch: 4, last: null });
    expect(judgeSequence(reset, { seq: 1, boot: 0, origin: 'signed' })).toEqual({ kind: 'next', state: at(4, 0, 1) });
  });
});

describe('sameEvent', () => {
  const t0 = new Date('2026-01-01T00:00:00.000Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);
  it('a retransmission repeats type and time, or comes within minutes; a restarted counter says something else on the seq', () => {
    expect(sameEvent({ type: 'press', at: 'a', receivedAt: t0 }, { type: 'press', at: 'a', receivedAt: later(86_400_000) })).toBe(true);
    expect(sameEvent({ type: 'press', at: 'a', receivedAt: t0 }, { type: 'press', at: 'b', receivedAt: later(4_000) })).toBe(true);
    expect(sameEvent({ type: 'test', at: 'a', receivedAt: t0 }, { type: 'press', at: 'a', receivedAt: later(2_000) })).toBe(false);
    expect(sameEvent({ type: 'press', at: 'a', receivedAt: t0 }, { type: 'press', at: 'b', receivedAt: later(RETRANSMISSION_HORIZON_MS) })).toBe(false);
  });
});
