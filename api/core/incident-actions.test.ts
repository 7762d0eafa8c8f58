import { describe, expect, it } from 'vitest';
import { coreRig, settle } from '../../test/support/core-rig.ts';
import { NotFoundError } from './incident-actions.ts';

describe('incident actions (fake store, fake clock)', () => {
  it('acknowledging is stored, told to every process with escalation, and the bell hears its new state once', async () => {
    const { core, bell, send, told, clock, store } = await coreRig();
    send(1);
    await core.idle(1_000);
    const id = bell.acks[0]!.incident!;
    clock.advance(30_000);
    const record = await core.act(id, { type: 'acknowledge', by: 'guard-a' });
    expect(record.status).toBe('acknowledged');
    expect(store.incidents.get(id)?.acknowledgedAt).toEqual(clock.now());
    expect(told.at(-1)).toMatchObject({ type: 'incident.changed', escalation: true, incident: { id, status: 'acknowledged' } });
    await core.act(id, { type: 'note', by: 'guard-a', note: 'on my way' });
    expect(bell.sent).toEqual([{ bellId: 'B-1', ack: { seq: 1, incident: id, state: 'acknowledged' } }]);
  });

  it('an action on an incident that does not exist is a NotFoundError', async () => {
    const { core } = await coreRig();
    await expect(core.act('inc_nowhere', { type: 'acknowledge', by: 'guard-a' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an action on an incident shown from memory waits for its write', async () => {
    const { core, send, told, store } = await coreRig();
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    send(1);
    await settle();
    const id = told[0]!.incident.id;
    let acked = false;
    const acting = core.act(id, { type: 'acknowledge', by: 'guard-a' }).then(() => (acked = true));
    await settle();
    expect(acked).toBe(false);
    release();
    await acting;
    expect(store.incidents.get(id)?.status).toBe('acknowledged');
  });

  it('the console panic button is stored before anyone hears of it, at the clock\'s time, confirmed', async () => {
    const { core, bus, store, clock } = await coreRig();
    const storedWhenTold: boolean[] = [];
    bus.on('incident.opened', (e) => void storedWhenTold.push(store.incidents.has(e.incident.id)));
    const record = await core.raiseFromConsole({ siteId: 'site-a', counterId: 'c-1', violence: true, by: 'staff-a', note: 'shouting' });
    expect(storedWhenTold).toEqual([true]);
    expect(record).toMatchObject({ source: 'console', raisedBy: 'staff-a', unconfirmed: false, severity: 'critical', openedAt: clock.now() });
    expect(store.timeline.filter((e) => e.incidentId === record.id).map((e) => [e.kind, e.data])).toEqual([['console_alarm', { violence: true, note: 'shouting' }]]);
    expect(core.openIncidentsInMemory().map((r) => r.id)).toEqual([record.id]);
  });
});
