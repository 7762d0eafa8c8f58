/** The reconnect phase's table: each broker's storms beside its own no-authentication baseline. */
import { RECONNECT_TARGET_MS, stormTargetMet, type BrokerStorms, type ReconnectResult, type TimedStorm } from './reconnect-run.ts';

const s = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(2));

function row(label: string, r: TimedStorm): string {
  const lost = r.bells - r.admitted;
  return `${label.padEnd(38)} ${`${r.admitted}/${r.bells}`.padStart(12)} ${s(r.allAdmittedMs).padStart(9)} ${s(r.p50Ms).padStart(7)} ${s(r.p95Ms).padStart(7)} ${s(r.allOnlineMs).padStart(9)} ${String(r.listenOverflows ?? '—').padStart(10)}${lost ? `  (${r.refused} refused, ${r.timedOut} timed out: ${r.firstError ?? '?'})` : ''}`;
}

function broker(name: string, b: BrokerStorms | { error: string }): string[] {
  if ('error' in b) return [`${name}: failed: ${b.error}`];
  const out = [
    row(`${name} alone, no authentication`, b.baseline),
    row(`${name} + Guardbell, first logins`, b.cold),
    row(`${name} + Guardbell, back after a cut`, b.again),
  ];
  if (b.verifications) out.push(`  password checks: ${b.verifications.fast} fast (HMAC), ${b.verifications.cached} remembered, ${b.verifications.slow} slow (scrypt)`);
  out.push(`  target all admitted within ${RECONNECT_TARGET_MS / 1000} s (both storms): ${stormTargetMet(b) ? 'MET' : 'NOT MET'}`);
  return out;
}

export function formatReconnect(r: ReconnectResult): string {
  return [
    `-- reconnect phase: ${r.bells} bells, each its own MQTT login, all connecting at once (clients in a child process) --`,
    '',
    `${'seconds'.padEnd(38)} ${'admitted'.padStart(12)} ${'all'.padStart(9)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'online'.padStart(9)} ${'overflows'.padStart(10)}`,
    ...broker('aedes (embedded)', r.embedded),
    ...broker('Mosquitto', r.mosquitto),
    '',
    'overflows: handshakes the kernel dropped meanwhile because the broker\'s accept queue was full (machine-wide',
    'TcpExt ListenOverflows; a bell can count more than once); the kernel retries them after 1, 2, 4, 8, 16 s…,',
    'which makes a storm\'s stragglers. Mosquitto 2.0 listens with a queue of 100, node (aedes) with the kernel\'s limit.',
    `machine load average ${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)}`,
  ].join('\n');
}
