/**
 * What `guardbell start` adds for the demo: its floor plans, its simulated bells, and the lines that say how
 * to press a bell by hand — printed with the port and credentials this run really has, so they can
 * be pasted as they are.
 */
import { demoBellCredentials, type DemoBells } from './demo-bells.ts';

export { seedDemoFloorPlans } from './demo-floor-plans.ts';
export { issueDemoBellPasswords, startDemoBells } from './demo-bells.ts';

export function demoStartLines(opts: {
  mqttUrl: string;
  topicRoot: string;
  bells: Pick<DemoBells, 'started' | 'refused'>;
  /** The demo bells' MQTT passwords issued on this start. */
  passwords?: Readonly<Record<string, string>>;
}): string[] {
  const { hostname, port } = new URL(opts.mqttUrl);
  const bell = demoBellCredentials(opts.passwords).find((b) => !b.keyHex) ?? { bellId: 'B-0101', password: undefined };
  const login = bell.password ? ` -u ${bell.bellId} -P '${bell.password}'` : '';
  const lines: string[] = [];
  lines.push(
    `  Press demo bell ${bell.bellId} (counter "Passport counter 1", 1F), then sign in as guard1 and acknowledge:`,
    `    npx guardbell bell press --bell ${bell.bellId} --mqtt ${opts.mqttUrl}${bell.password ? ` --password '${bell.password}'` : ''}`,
    `    mosquitto_pub -h ${hostname} -p ${port}${login} -q 1 -t ${opts.topicRoot}/bells/${bell.bellId}/event -m "{\\"seq\\": $(date +%s), \\"type\\": \\"press\\"}"`,
    `  (seq must grow with every press: $(date +%s) does that. Subscribing to the bells' topics, e.g. mosquitto_sub -t '${opts.topicRoot}/bells/#',`,
    '   is refused by design: only the gateway reads them. Watch the console instead.)',
  );
  if (opts.bells.started.length) lines.push(`  Demo bell simulator: ${opts.bells.started.join(', ')} heartbeating (so they show online; a demo only).`);
  const reasons = [...new Set(opts.bells.refused.map((r) => r.reason))];
  if (reasons.length === 1) lines.push(`  Demo bells ${opts.bells.refused.map((r) => r.bellId).join(', ')} could not connect: ${reasons[0]}`);
  else for (const r of opts.bells.refused) lines.push(`  Demo bell ${r.bellId} could not connect: ${r.reason}`);
  return lines;
}
