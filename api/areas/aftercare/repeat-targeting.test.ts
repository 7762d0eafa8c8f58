import { describe, expect, it } from 'vitest';
import { repeatTargeting } from './repeat-targeting.ts';

const day = 86_400_000;
const asOf = new Date('2026-06-01T00:00:00Z');
const ago = (days: number, id: string) => ({ incidentId: id, openedAt: new Date(asOf.getTime() - days * day) });

describe('repeat targeting of one member of staff', () => {
  it('warns at the third incident within twelve months', () => {
    expect(repeatTargeting('p', [ago(10, 'a')], asOf, 'now')).toBeNull();
    expect(repeatTargeting('p', [ago(10, 'a'), ago(200, 'b')], asOf, 'now')).toEqual({
      personId: 'p', count: 3, incidentIds: ['b', 'a', 'now'], windowDays: 365,
    });
  });

  it('does not count incidents older than the window, the current one, or one incident twice', () => {
    expect(repeatTargeting('p', [ago(10, 'a'), ago(366, 'old')], asOf, 'now')).toBeNull();
    expect(repeatTargeting('p', [ago(10, 'a'), ago(0, 'now')], asOf, 'now')).toBeNull();
    expect(repeatTargeting('p', [ago(10, 'a'), ago(10, 'a')], asOf, 'now')).toBeNull();
  });

  it('without a current incident reports the count in the window', () => {
    expect(repeatTargeting('p', [ago(1, 'a'), ago(2, 'b'), ago(3, 'c')], asOf)).toMatchObject({ count: 3 });
  });
});
