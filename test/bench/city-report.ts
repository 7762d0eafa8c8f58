/** The plain-text report of the city phase (city-run.ts). */
import { CITY_P99_FACTOR, cityTargetMet, type CityResult, type CityRound } from './city-run.ts';
import { LATENCY_HEADER, latencyRow, ms, table } from './stats.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function roundRows(r: CityRound): string[][] {
  const name = r.processes === 1 ? '1 process' : `${r.processes} processes`;
  return [
    latencyRow(`${name}: press → received (at the bell)`, r.latency.pressToReceived),
    latencyRow(`${name}: press → each console`, r.latency.pressToEachConsole),
    latencyRow(`${name}: press → every console (the last)`, r.latency.pressToEveryConsole),
    latencyRow(`${name}: broker pub → sub (baseline, QoS 1)`, r.latency.baseline),
  ];
}

function roundLines(r: CityRound): string[] {
  const missedConsoles = r.consoles.filter((c) => c.missedIncidents > 0 || c.missedPresses > 0).length;
  return [
    `${r.processes} process${r.processes === 1 ? '' : 'es'}: ${r.presses.sent} presses at ${r.presses.achievedRate.toFixed(1)}/s, ${r.presses.received} received` +
      ` (${r.presses.retransmitted} retransmitted); store: ${r.store.bellEvents} bell events, ${r.store.incidents} incidents (${r.store.exactlyOnce ? 'exactly once' : 'NOT exactly once'});` +
      ` incidents opened per process ${r.openedBy.join(' / ')}; baseline ${r.baseline.sent} sent, ${r.baseline.lost} lost`,
    `  consoles that missed an incident: ${missedConsoles} of ${r.consoles.length}` +
      ` (${r.consoles.map((c) => `${c.name}: ${c.messages} messages, ${c.missedIncidents} incidents and ${c.missedPresses} presses missed, ${c.outOfOrder} out of order, ${c.closes} drops`).join('; ')})`,
    `  setup: provisioning ${s(r.setupMs.provision)}, processes started ${s(r.setupMs.start)}, bells connected ${s(r.setupMs.connectBells)},` +
      ` online on every console ${s(r.setupMs.online)} later (${r.onlineAtConsoles.join(' / ')} of them);` +
      ` ${r.heartbeats} heartbeats, ${r.bellDisconnects} bell disconnects`,
  ];
}

export function formatCity(r: CityResult): string {
  const single = r.rounds[0];
  const city = r.rounds.at(-1);
  return [
    `== a city: guardbell start × 1, then × 3 | PostgreSQL (fresh database each) | own Mosquitto (generated settings), shared subscription |` +
      ` ${r.bells} bells in a separate process | ${r.rate} presses/s for ${r.seconds} s | one guard console per process ==`,
    '',
    table(LATENCY_HEADER, r.rounds.flatMap(roundRows)),
    '',
    ...r.rounds.flatMap(roundLines),
    '',
    `target: no console misses an incident, and press → every console p99 with three processes within ${CITY_P99_FACTOR}× one process's` +
      (single && city ? ` (${ms(city.latency.pressToEveryConsole.p99)} vs ${ms(single.latency.pressToEachConsole.p99)} ms)` : '') +
      `: ${cityTargetMet(r) ? 'MET' : 'NOT MET'}`,
  ].join('\n');
}
