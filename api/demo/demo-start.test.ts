import { describe, expect, it } from 'vitest';
import { demoStartLines } from './demo-start.ts';

describe('the demo start-up lines', () => {
  it("say how to sign in and press a bell with this run's host and port, and that subscribing to bells is refused", () => {
    const text = demoStartLines({ mqttUrl: 'mqtt://127.0.0.1:1884', topicRoot: 'guardbell/v1', bells: { started: ['B-0101', 'B-0102'], refused: [] } }).join('\n');
    expect(text).toMatch(/mosquitto_pub -h 127\.0\.0\.1 -p 1884 .*-t guardbell\/v1\/bells\/B-0101\/event -m "\{\\"seq\\": \$\(date \+%s\), \\"type\\": \\"press\\"\}"/);
    expect(text).toContain('npx guardbell bell press --bell B-0101 --mqtt mqtt://127.0.0.1:1884');
    expect(text).toContain('is refused by design');
    expect(text).toContain('Demo bell simulator: B-0101, B-0102 heartbeating');
    expect(text).not.toMatch(/^\{"level"/m);
  });
  it('name the bells the broker refused, once for one reason', () => {
    const refused = ['B-0101', 'B-0102'].map((bellId) => ({ bellId, reason: 'Not authorized' }));
    const lines = demoStartLines({ mqttUrl: 'mqtt://127.0.0.1:1883', topicRoot: 'guardbell/v1', bells: { started: [], refused } });
    expect(lines.filter((l) => l.includes('could not connect'))).toEqual(['  Demo bells B-0101, B-0102 could not connect: Not authorized']);
  });
});
