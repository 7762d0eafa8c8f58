import { describe, expect, it } from 'vitest';
import { awaitingConfirmation, confirmationBy, opensUnconfirmed } from './confirmation.ts';

const t0 = new Date('2026-03-01T09:00:00.000Z');
const after = (ms: number) => new Date(t0.getTime() + ms);

describe('the confirmation rule', () => {
  it('a first short press of a bell with the rule opens unconfirmed; a hold, or a bell without the rule, opens confirmed', () => {
    expect(opensUnconfirmed({ within: 10 }, 'press')).toBe(true);
    expect(opensUnconfirmed({ within: 10 }, 'long_press')).toBe(false);
    expect(opensUnconfirmed(null, 'press')).toBe(false);
    expect(awaitingConfirmation({ within: 10 }, 'press', t0)).toEqual({ kind: 'awaiting_confirmation', at: t0, actorId: null, data: { within: 10 } });
    expect(awaitingConfirmation({ within: 10 }, 'long_press', t0)).toBeNull();
  });

  it('a second press within the window confirms, with the time since the previous press', () => {
    expect(confirmationBy({ unconfirmed: true }, { within: 10 }, t0, { type: 'press', seq: 8, receivedAt: after(10_000) }))
      .toEqual({ kind: 'confirmed', at: after(10_000), actorId: null, data: { by: 'second_press', seq: 8, afterMs: 10_000 } });
  });

  it('a press after the window leaves it unconfirmed (never cancelled); a hold confirms whenever it comes', () => {
    expect(confirmationBy({ unconfirmed: true }, { within: 10 }, t0, { type: 'press', seq: 8, receivedAt: after(10_001) })).toBeNull();
    expect(confirmationBy({ unconfirmed: true }, { within: 10 }, t0, { type: 'long_press', seq: 9, receivedAt: after(600_000) }))
      .toMatchObject({ kind: 'confirmed', data: { by: 'long_press', afterMs: 600_000 } });
  });

  it('a bell whose rule was removed meanwhile confirms on its next press; a confirmed incident adds nothing', () => {
    expect(confirmationBy({ unconfirmed: true }, null, t0, { type: 'press', seq: 3, receivedAt: after(3_600_000) })).toMatchObject({ data: { by: 'second_press' } });
    expect(confirmationBy({ unconfirmed: false }, { within: 10 }, t0, { type: 'press', seq: 3, receivedAt: after(1_000) })).toBeNull();
  });
});
