import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Cluster } from './cluster.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Several `guardbell start` processes on one PostgreSQL and the machine's Mosquitto (shared subscription):
 * every console rings for every press, whichever process took it (issue: "one system, however many processes").
 */
describe('one system, three processes (real PostgreSQL, Mosquitto and OS processes)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start({ children: 2, bells: 60 });
  }, 240_000);
  afterAll(async () => {
    await c?.close();
  });

  const rows = async <T>(query: string): Promise<T[]> => {
    const r = await c.t.system.database.db.execute(sql.raw(query));
    return (r as unknown as { rows: T[] }).rows;
  };

  it('50 presses spread over the processes: the console on each process hears every incident, stored', async () => {
    const bells = c.bellIds.slice(0, 50);
    const acks = await Promise.all(bells.map((b) => c.press(b, 1)));
    const ids = new Set(acks.map((a) => a.incident!));
    expect(ids.size).toBe(50);
    for (const m of c.members) {
      await waitFor(() => {
        const heard = c.heard(m);
        return [...ids].every((id) => heard.get(id)?.stored) || undefined;
      }, 30_000, `${m.name}'s console to hear all 50 incidents stored`);
    }
    // The presses really were spread: every process stored some of them.
    const origins = await rows<{ n: string }>(`select count(distinct origin) as n from bus_events where type = 'incident.opened'`);
    expect(Number(origins[0]!.n)).toBe(3);
    // In order per incident: no console was sent an older revision after a newer one.
    for (const m of c.members) {
      const last = new Map<string, number>();
      for (const msg of m.stream.messages) {
        if (msg.type !== 'incident.created' && msg.type !== 'incident.updated') continue;
        const rev = msg.data.revision ?? 0;
        expect(rev).toBeGreaterThanOrEqual(last.get(msg.data.id) ?? 0);
        last.set(msg.data.id, rev);
      }
    }
    // The resolved policy is frozen on each incident when it opens (the site runs on the default).
    const frozen = await rows<{ policy: { steps: { id: string }[] } | null }>(`select escalation_policy as policy from incidents where id in (${[...ids].map((id) => `'${id}'`).join(',')})`);
    expect(frozen.every((r) => r.policy?.steps.map((st) => st.id).includes('alert'))).toBe(true);
    for (const id of ids) await c.members[0]!.guard.post(`/api/v1/incidents/${id}/acknowledge`);
  }, 120_000);

  it('close on one process, press on another at once: a new incident every time', async () => {
    const bell = c.bellIds[55]!;
    let seq = 1;
    let open = (await c.press(bell, seq)).incident!;
    for (let round = 0; round < 10; round++) {
      const closer = c.members[round % c.members.length]!;
      // Each process's console has heard of the open incident, so each process's memory holds it open.
      for (const m of c.members) await waitFor(() => c.heard(m).get(open)?.stored || undefined, 15_000, `${m.name} to hear ${open}`);
      expect((await closer.guard.post(`/api/v1/incidents/${open}/acknowledge`)).status).toBe(200);
      expect((await closer.manager.post(`/api/v1/incidents/${open}/close`, { classification: ['threat'], outcome: 'left' })).status).toBe(200);
      const ack = await c.press(bell, ++seq);
      expect(ack.incident, `round ${round}: the press after the close must open a new incident`).not.toBe(open);
      const [row] = await rows<{ status: string; incident_id: string }>(
        `select i.status, e.incident_id from bell_events e join incidents i on i.id = e.incident_id where e.bell_id = '${bell}' and e.seq = ${seq}`,
      );
      expect(row!.incident_id).toBe(ack.incident);
      expect(row!.status).toBe('triggered');
      open = ack.incident!;
    }
    // Never a press stored on a closed incident after its close.
    const late = await rows<{ n: string }>(
      `select count(*) as n from bell_events e join incidents i on i.id = e.incident_id where e.bell_id = '${bell}' and i.closed_at is not null and e.received_at > i.closed_at`,
    );
    expect(Number(late[0]!.n)).toBe(0);
  }, 180_000);

  it('the LISTEN connection terminated (pg_terminate_backend): the process catches up, no event lost', async () => {
    const child = c.children[0]!;
    const member = c.members[1]!;
    const listening = async () => rows<{ pid: number }>(`select pid from pg_stat_activity where application_name like 'guardbell-bus %:${child.child.pid}:%'`);
    expect((await listening()).length).toBe(1);
    const replayed = async () => Number(/^guardbell_bus_replayed_total (\d+)/m.exec(await fetch(`${child.url}/metrics`).then((r) => r.text()))?.[1] ?? 0);
    const replayedBefore = await replayed();
    // The connection is cut again and again while presses go on, so events certainly fall into the gaps.
    let cutting = true;
    const cuts = (async () => {
      while (cutting) {
        await rows(`select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'guardbell-bus %:${child.child.pid}:%'`);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const acks: { incident?: string | undefined }[] = [];
    for (const b of c.bellIds.slice(50, 55)) acks.push(await c.press(b, 1));
    cutting = false;
    await cuts;
    for (const a of acks) await waitFor(() => c.heard(member).get(a.incident!)?.stored || undefined, 15_000, `${member.name} to hear ${a.incident}`);
    await waitFor(async () => (await fetch(`${child.url}/api/v1/health`).then((r) => r.json() as Promise<{ bus: string }>)).bus === 'ok' || undefined, 15_000, 'the bus to report ok');
    expect(await replayed()).toBeGreaterThan(replayedBefore);
    expect((await listening()).length).toBe(1);
  }, 120_000);

  it('SIGKILL of one process during presses: nothing lost, the other consoles keep ringing', async () => {
    const bells = c.bellIds.slice(0, 40);
    const burst = Promise.all(bells.map((b) => c.press(b, 2, 'long_press')));
    await waitFor(() => [...c.acks.keys()].filter((k) => k.endsWith('|2')).length >= 10 || undefined, 30_000, 'a quarter of the burst');
    c.children[1]!.child.kill('SIGKILL');
    const acks = await burst;
    const stored = await rows<{ n: string }>(`select count(*) as n from bell_events where seq = 2 and bell_id in (${bells.map((b) => `'${b}'`).join(',')})`);
    expect(Number(stored[0]!.n)).toBe(40);
    for (const m of c.members.slice(0, 2)) {
      await waitFor(() => acks.every((a) => c.heard(m).has(a.incident!)) || undefined, 30_000, `${m.name} to hear every press`);
    }
  }, 180_000);
});
