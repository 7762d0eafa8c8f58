/**
 * A power cut, from the bells' side: N bells, each with its own MQTT login (its id and machine secret) or none
 * (the broker-alone baseline), all opening their connection at the same moment, as after the mains come back or a
 * broker restart. Runs in the fleet child process (supervision-child.ts), so the broker's process pays for none of
 * the clients. The clients are plain sockets speaking the few MQTT 3.1.1 packets a bell sends at start
 * (mqtt-packets.ts): ten thousand mqtt.js clients cost this process seconds to create, which would be timed as the
 * broker's. Measured here: the time from the first CONNECT sent to each CONNACK (admitted), and to each bell's
 * retained `{"online":true}` acknowledged, as firmware announces itself after connecting.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';
import { bellId } from './fleet.ts';
import { connectPacket, publishQos1Packet } from './mqtt-packets.ts';

export interface StormPlan {
  url: string;
  root: string;
  runTag: string;
  bells: number;
  /** With credentials: bell i logs in as bellId(i) with stormSecret(runTag, i); without: anonymous. */
  credentials: boolean;
  /** Publish each bell's retained online status after its CONNACK (a broker without the ACL takes it too). */
  announce: boolean;
  /** A client not admitted by then counts as not admitted. */
  timeoutMs: number;
}

export interface StormResult {
  bells: number;
  admitted: number;
  refused: number;
  /** Not admitted and not refused within the timeout (a lost SYN, a connection closed without CONNACK). */
  timedOut: number;
  /** From the first connect call to the last CONNACK (null: not every bell was admitted); p50/p95 of each bell's own. */
  allAdmittedMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** To the last online status acknowledged (null when not announced or one was not acknowledged). */
  allOnlineMs: number | null;
  /** How long creating the clients took in this process (the connects are spread over it). */
  spawnMs: number;
  firstError: string | undefined;
}

/** Bench bells' MQTT passwords: long enough for the provisioning document, different per run. */
export function stormSecret(runTag: string, index: number): string {
  return `storm-${runTag}-${String(index).padStart(6, '0')}-machine-secret`;
}

export class StormFleet {
  private readonly sockets: Socket[] = [];

  /** Opens every connection at once and resolves when each is admitted, refused or timed out. */
  async run(plan: StormPlan): Promise<StormResult> {
    const admittedAt: number[] = [];
    const onlineAt: number[] = [];
    let refused = 0;
    let timedOut = 0;
    let firstError: string | undefined;
    const t0 = performance.now();
    const waits: Promise<void>[] = [];
    const { hostname, port } = new URL(plan.url);
    for (let i = 0; i < plan.bells; i++) {
      const id = bellId(i);
      const status = bellTopic(plan.root, id, 'status');
      const socket = netConnect({ host: hostname, port: Number(port), noDelay: true });
      this.sockets.push(socket);
      waits.push(
        new Promise<void>((resolve) => {
          let settled = false;
          let admitted = false;
          let inbox = Buffer.alloc(0);
          const settle = (what: 'admitted' | 'refused' | 'timedOut', err?: string) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (what === 'refused') refused++;
            if (what === 'timedOut') timedOut++;
            if (err && firstError === undefined) firstError = err;
            resolve();
          };
          const timer = setTimeout(() => settle('timedOut', 'no CONNACK within the timeout'), plan.timeoutMs);
          socket.on('connect', () => {
            socket.write(connectPacket({
              clientId: `gb-storm-${plan.runTag}-${id}`,
              keepaliveSeconds: 600,
              ...(plan.credentials ? { username: id, password: stormSecret(plan.runTag, i) } : {}),
              will: { topic: status, payload: '{"online":false}', qos: 1, retain: true },
            }));
          });
          socket.on('data', (chunk: Buffer) => {
            inbox = Buffer.concat([inbox, chunk]);
            if (!admitted && inbox.length >= 4) {
              // CONNACK: 0x20 0x02 <session present> <return code>
              if (inbox[0] !== 0x20) return settle('refused', `not a CONNACK: ${inbox.subarray(0, 4).toString('hex')}`);
              if (inbox[3] !== 0) return settle('refused', `CONNACK return code ${inbox[3]}`);
              admitted = true;
              admittedAt.push(performance.now() - t0);
              inbox = inbox.subarray(4);
              if (!plan.announce) return settle('admitted');
              socket.write(publishQos1Packet(status, '{"online":true}', 1, true));
            }
            // PUBACK 0x40 0x02 <id>
            if (admitted && inbox.length >= 4 && inbox[0] === 0x40) {
              onlineAt.push(performance.now() - t0);
              settle('admitted');
            }
          });
          socket.on('error', (err) => settle(admitted ? 'admitted' : 'timedOut', err.message));
          socket.on('close', () => settle(admitted ? 'admitted' : 'refused', 'closed before CONNACK'));
        }),
      );
    }
    const spawnMs = performance.now() - t0;
    await Promise.all(waits);
    const sorted = [...admittedAt].sort((a, b) => a - b);
    const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : null);
    const allAdmitted = admittedAt.length === plan.bells;
    return {
      bells: plan.bells,
      admitted: admittedAt.length,
      refused,
      timedOut,
      allAdmittedMs: allAdmitted ? sorted.at(-1)! : null,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      allOnlineMs: plan.announce && onlineAt.length === plan.bells ? onlineAt.reduce((a, b) => Math.max(a, b), 0) : null,
      spawnMs,
      firstError,
    };
  }

  /** Every connection cut at once (no DISCONNECT: the broker sees the power cut and publishes the wills). */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.length = 0;
  }
}
