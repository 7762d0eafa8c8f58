import { describe, expect, it } from 'vitest';
import { clockSkewMs, nextTimedChange, offlineDeadline, troublesOf, type BellHealth } from './supervision.ts';

const t0 = new Date('2026-11-23T09:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const healthy = (over: Partial<BellHealth> = {}): BellHealth => ({
  online: true, lastSeenAt: t0, heartbeatSeconds: 60, battery: 90, lastTestAt: t0, tamperAt: null, clockSkewMs: 0, createdAt: at(-86_400), ...over,
});

describe('bell supervision', () => {
  it('a bell is offline after three missed heartbeats, not before', () => {
    expect(offlineDeadline(healthy())).toEqual(at(180));
    expect(troublesOf(healthy(), at(179))).toEqual([]);
    expect(troublesOf(healthy(), at(180))).toEqual(['offline']);
    expect(troublesOf(healthy({ heartbeatSeconds: 10 }), at(31))).toEqual(['offline']);
  });
  it('a bell that cannot heartbeat (433 MHz button) is never offline by silence; its monthly test still counts', () => {
    expect(offlineDeadline(healthy({ heartbeats: false }))).toBeNull();
    expect(troublesOf(healthy({ heartbeats: false, lastSeenAt: null, online: false }), at(86_400))).toEqual([]);
    expect(troublesOf(healthy({ heartbeats: false }), at(31 * 86_400))).toEqual(['no_test_30d']);
  });
  it('the will message makes it offline at once; a bell never heard is offline', () => {
    expect(troublesOf(healthy({ online: false }), at(1))).toEqual(['offline']);
    expect(troublesOf(healthy({ lastSeenAt: null }), at(1))).toEqual(['offline']);
  });
  it('low battery under 20 %, and it clears when the battery is replaced', () => {
    expect(troublesOf(healthy({ battery: 19 }), at(1))).toEqual(['low_battery']);
    expect(troublesOf(healthy({ battery: 20 }), at(1))).toEqual([]);
  });
  it('tamper stays until a test press after it', () => {
    expect(troublesOf(healthy({ tamperAt: at(10) }), at(20))).toEqual(['tamper']);
    expect(troublesOf(healthy({ tamperAt: at(10), lastTestAt: at(15) }), at(20))).toEqual([]);
  });
  it('a clock more than 5 minutes off is a trouble', () => {
    expect(clockSkewMs('2026-11-23T09:06:00.000Z', t0)).toBe(360_000);
    expect(troublesOf(healthy({ clockSkewMs: 360_000 }), at(1))).toEqual(['clock_skew']);
    expect(troublesOf(healthy({ clockSkewMs: -299_000 }), at(1))).toEqual([]);
  });
  it('no test press for 30 days, counted from provisioning for a bell never tested', () => {
    expect(troublesOf(healthy({ lastSeenAt: at(31 * 86_400), lastTestAt: t0 }), at(31 * 86_400))).toEqual(['no_test_30d']);
    expect(troublesOf(healthy({ lastTestAt: null, createdAt: t0, lastSeenAt: at(29 * 86_400) }), at(29 * 86_400))).toEqual([]);
  });
  it('the next timed change is when troubles change by time alone, and they do not change before it', () => {
    const h = healthy();
    const next = nextTimedChange(h, at(10))!;
    expect(next).toEqual(at(180));
    expect(troublesOf(h, new Date(next.getTime() - 1))).toEqual(troublesOf(h, at(10)));
    expect(troublesOf(h, next)).toEqual(['offline']);
    // Offline already (its will, or the deadline passed): the 30-day test window is what comes next.
    const tested = healthy({ online: false, lastTestAt: at(0) });
    const window = nextTimedChange(tested, at(200))!;
    expect(window).toEqual(new Date(at(0).getTime() + 30 * 86_400_000 + 1));
    expect(troublesOf(tested, new Date(window.getTime() - 1))).toEqual(['offline']);
    expect(troublesOf(tested, window)).toEqual(['offline', 'no_test_30d']);
    // Both passed: only something heard can change them.
    expect(nextTimedChange(healthy({ online: false }), at(31 * 86_400))).toBeNull();
    // A button that cannot heartbeat: its test window only.
    expect(nextTimedChange(healthy({ heartbeats: false }), at(10))).toEqual(new Date(at(0).getTime() + 30 * 86_400_000 + 1));
  });
});
