import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BellEventSignal, BellSignal, Rejection } from '../../gateway/signal.ts';
import { dc09Key } from '../../gateway/sources/sia-dc09/aes.ts';
import { cidFrame, encryptedSiaFrame, PanelClient } from '../../gateway/sources/sia-dc09/panel-client.ts';
import { SiaDc09Source, type SiaDc09SourceOptions } from '../../gateway/sources/sia-dc09/sia-source.ts';
import { sleep, waitFor } from '../support/wait.ts';

/** SIA DC-09 encryption cannot be bypassed: a keyed account speaks only encrypted, in its time window, once. */
describe('SIA DC-09: an account with a key', () => {
  const KEY = dc09Key('0123456789ABCDEF', 'ascii');
  let source: SiaDc09Source;
  let signals: BellSignal[];
  let rejections: Rejection[];
  let panels: PanelClient[];
  let now: Date;

  const start = async (extra: Partial<SiaDc09SourceOptions> = {}) => {
    source = new SiaDc09Source({
      port: 0, host: '127.0.0.1', now: () => now,
      resolve: (acct) => ({ '1234': 'P-KEYED', '5678': 'P-PLAIN' })[acct],
      accountBells: (acct) => ({ '1234': ['P-KEYED'], '5678': ['P-PLAIN'] })[acct] ?? [],
      keyFor: (acct) => (acct === '1234' ? KEY : undefined),
      ...extra,
    });
    await source.start({ signal: (s) => signals.push(s), rejected: (r) => rejections.push(r) });
  };
  const panel = async () => {
    const p = await PanelClient.connect(source.port);
    panels.push(p);
    return p;
  };
  const events = () => signals.filter((s): s is BellEventSignal => s.kind === 'event');

  beforeEach(() => {
    signals = [];
    rejections = [];
    panels = [];
    now = new Date();
  });
  afterEach(async () => {
    for (const p of panels) p.close();
    await source?.stop();
  });

  it('refuses a plaintext hold-up in its name (NAK, a security rejection on its bell, no event); plaintext stays fine for an account without a key', async () => {
    await start();
    const p = await panel();
    await p.write(cidFrame({ seq: 1, account: '1234', event: '122', at: now }));
    expect(await p.answer(1)).toMatch(/"NAK"/);
    expect(rejections[0]).toMatchObject({ reason: 'missing_mac', bellId: 'P-KEYED', transport: 'sia-dc09' });
    expect(rejections[0]!.detail).toMatch(/^plaintext: account 1234 has a key/);
    await p.write(cidFrame({ seq: 2, account: '5678', event: '122', at: now }));
    await waitFor(() => events().length === 1, 3_000, 'the unkeyed account\'s event');
    expect(events().map((e) => e.bellId)).toEqual(['P-PLAIN']);
  });

  it('takes an encrypted event only inside the DC-09 window (panel time 40 s behind to 20 s ahead of ours)', async () => {
    await start();
    const p = await panel();
    const at = new Date(now.getTime() - 41_000);
    await p.write(encryptedSiaFrame({ seq: 3, account: '1234', code: 'PA', key: KEY, at }));
    expect(await p.answer(1)).toMatch(/"NAK"/);
    await p.write(encryptedSiaFrame({ seq: 4, account: '1234', code: 'PA', key: KEY, at: new Date(now.getTime() + 21_000) }));
    expect(await p.answer(2)).toMatch(/"NAK"/);
    expect(events()).toEqual([]);
    await p.write(encryptedSiaFrame({ seq: 5, account: '1234', code: 'PA', key: KEY, at: new Date(now.getTime() - 10_000) }));
    await waitFor(() => events().length === 1, 3_000, 'the event inside the window');
  });

  it('a recorded encrypted frame sent again is the same event (no second press) inside the window and refused after it', async () => {
    await start();
    const p = await panel();
    const recorded = encryptedSiaFrame({ seq: 6, account: '1234', code: 'PA', key: KEY, at: now });
    await p.write(recorded);
    await waitFor(() => events().length === 1, 3_000, 'the first copy');
    await p.write(recorded);
    await waitFor(() => events().length === 2, 3_000, 'the second copy');
    // The core answers a repeated seq as a retransmission: nothing new happens.
    expect(events()[1]!.seq).toBe(events()[0]!.seq);
    now = new Date(now.getTime() + 45_000);
    await p.write(recorded);
    expect(await p.answer(1)).toMatch(/"NAK"/);
    expect(rejections.at(-1)!.detail).toMatch(/^bad_timestamp/);
    expect(events()).toHaveLength(2);
  });

  it('caps the connections from one address; the idle timeout is short', async () => {
    await start({ maxConnectionsPerAddress: 3 });
    for (let i = 0; i < 3; i++) await panel();
    await waitFor(() => source.panels === 3, 3_000, 'three panels');
    const fourth = await panel();
    await waitFor(() => rejections.some((r) => r.detail.startsWith('too_many_connections')), 3_000, 'the fourth refused');
    await sleep(100);
    expect(source.panels).toBe(3);
    fourth.close();
    await source.stop();
    await start({ idleTimeoutMs: 300 });
    await panel();
    await waitFor(() => source.panels === 1, 3_000, 'a panel');
    await waitFor(() => source.panels === 0, 3_000, 'the idle panel closed');
  });
});
