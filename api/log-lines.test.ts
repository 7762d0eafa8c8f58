import { describe, expect, it } from 'vitest';
import { readableLine } from './log-lines.ts';

describe('log lines for a terminal', () => {
  it('turns a pino record into one readable line, fields after the message', () => {
    const at = new Date(2026, 11, 2, 6, 42, 48).getTime();
    expect(readableLine(JSON.stringify({ level: 40, time: at, app: 'guardbell', msg: 'Twilio is not configured', bellId: 'B-0101', trouble: ['offline'] })))
      .toBe('06:42:48 WARN  Twilio is not configured (bellId=B-0101, trouble=["offline"])\n');
    expect(readableLine('not json')).toBe('not json\n');
  });
});
