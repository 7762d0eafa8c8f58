import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { AlarmBus } from '../bus/index.ts';
import type { Incident } from '../contract/index.ts';
import { LiveHub } from './hub.ts';

const incident = (id: string, status: Incident['status'], revision: number): Incident => ({
  id, mode: 'live', status, severity: 'high', violence: false, siteId: 'site-a', siteName: 'A', counterId: 'c', counterName: 'C', floor: null,
  bellId: 'B-1', source: 'bell', openedAt: '2026-01-01T00:00:00.000Z', acknowledgedAt: null, closedAt: null, classification: [], outcome: null,
  stored: true, revision,
});

function setup() {
  const bus = new AlarmBus({ logger: pino({ level: 'silent' }), origin: 'test' });
  const hub = new LiveHub();
  hub.attach(bus);
  const sent: { type: string; status: string; revision: number | undefined }[] = [];
  hub.subscribe({
    canSee: (a) => a.siteId === 'site-a',
    send: (text) => {
      const m = JSON.parse(text) as { type: string; data: Incident };
      sent.push({ type: m.type, status: m.data.status, revision: m.data.revision });
    },
  });
  return { bus, hub, sent };
}

describe('the live hub on the bus', () => {
  it('announces an incident as created once, then as updated; older news of an incident is dropped', () => {
    const { bus, sent } = setup();
    bus.emit('incident.opened', { incident: { ...incident('i1', 'triggered', 0), stored: false }, raisedBy: null }, { scope: 'process' });
    bus.emit('incident.opened', { incident: incident('i1', 'triggered', 0), raisedBy: null });
    bus.emit('incident.changed', { incident: incident('i1', 'acknowledged', 2), raisedBy: null });
    // Arrives late through another process: revision 1 is older than what the console was shown.
    bus.emit('incident.changed', { incident: incident('i1', 'triggered', 1), raisedBy: null });
    bus.emit('incident.closed', { incident: incident('i1', 'closed', 3), raisedBy: null });
    expect(sent).toEqual([
      { type: 'incident.created', status: 'triggered', revision: 0 },
      { type: 'incident.updated', status: 'triggered', revision: 0 },
      { type: 'incident.updated', status: 'acknowledged', revision: 2 },
      { type: 'incident.updated', status: 'closed', revision: 3 },
    ]);
  });
});
