import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { eq } from 'drizzle-orm';
import { schema } from '../../api/store/index.ts';
import { testProvisioning } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { metric } from '../support/metrics.ts';
import { connect } from '../support/mqtt.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';

/** Site A gets one bell per device family, addressed as DEVICES.md §1–2 name the devices. */
function withThirdPartyBells() {
  const doc = testProvisioning();
  doc.sites[0]!.bells.push(
    { id: 'Z-HALL', counterId: 'passport-3', adapter: 'zigbee2mqtt', deviceId: 'hall/sos_btn' },
    { id: 'Z-DESK', counterId: 'passport-3', adapter: 'zigbee2mqtt', deviceId: 'desk/sos' },
    { id: 'Z-CONFIRM', counterId: 'passport-3', adapter: 'zigbee2mqtt', deviceId: 'lobby/sos', confirm: { within: 5 } },
    { id: 'Z-FEIBIT', counterId: 'welfare-1', adapter: 'zigbee2mqtt', deviceId: 'bath/feibit_sos' },
    { id: 'S-BTN1', counterId: 'passport-3', adapter: 'shelly', deviceId: 'shellybutton1-A4CF12F45D3C' },
    { id: 'S-I4-0', counterId: 'welfare-1', adapter: 'shelly', deviceId: 'shellyplusi4-a8032ab12345/0' },
    { id: 'T-49A3BC', counterId: 'welfare-1', adapter: 'tasmota', deviceId: 'tasmota_49A3BC' },
  );
  return doc;
}

// Literal payloads of DEVICES.md §1.2, §2.1, §2.2, §2.3.
const Z2M_SOS = '{"action":"emergency","battery":100,"voltage":3000,"linkquality":132}';
const FEIBIT = '{"sos":true,"tamper":false,"battery_low":false,"battery":100,"linkquality":60}';
const SHELLY_GEN1 = '{"event":"S","event_cnt":2}';
const SHELLY_GEN2 = '{"src":"shellyplusi4-a8032ab12345","dst":"shellyplusi4-a8032ab12345/events","method":"NotifyEvent","params":{"ts":1731931521.19,"events":[{"component":"input:0","id":0,"event":"single_push","ts":1731931521.19}]}}';
const TASMOTA = '{"Button1":{"Action":"SINGLE"}}';

describe('Zigbee2MQTT, Shelly and Tasmota buttons over MQTT (PGlite + aedes)', () => {
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;
  let device: MqttClient;

  beforeAll(async () => {
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes', provisioning: withThirdPartyBells() }));
    device = await connect(t.mqttUrl);
  });
  afterAll(async () => {
    await device?.endAsync();
    await t?.close();
  });

  const publish = (topic: string, payload: string, retain = false) => device.publishAsync(topic, payload, { qos: 1, retain });
  const storedEvents = (bellId: string) => t.system.database.db.select().from(schema.bellEvents).where(eq(schema.bellEvents.bellId, bellId));
  const incidentsOf = async (bellId: string) =>
    ((await (await t.login('legal')).get('/api/v1/incidents?status=all')).body.items as { id: string; bellId: string }[]).filter((i) => i.bellId === bellId);

  it.each([
    ['Z-HALL', 'zigbee2mqtt/hall/sos_btn', Z2M_SOS],
    ['S-BTN1', 'shellies/shellybutton1-A4CF12F45D3C/input_event/0', SHELLY_GEN1],
    ['S-I4-0', 'shellyplusi4-a8032ab12345/events/rpc', SHELLY_GEN2],
    ['T-49A3BC', 'stat/tasmota_49A3BC/RESULT', TASMOTA],
    ['Z-FEIBIT', 'zigbee2mqtt/bath/feibit_sos', FEIBIT],
  ])('%s: the documented payload on %s opens an incident', async (bellId, topic, payload) => {
    await publish(topic, payload);
    const created = await stream.waitFor('incident.created', (i) => i.bellId === bellId);
    expect(created.data).toMatchObject({ status: 'triggered', siteId: 'site-a', source: 'bell', mode: 'live' });
  });

  it('a repeated identical Z2M message inside the window is one press; the state-style flag still true is not a new press', async () => {
    await publish('zigbee2mqtt/desk/sos', Z2M_SOS);
    await publish('zigbee2mqtt/desk/sos', Z2M_SOS.replace('132', '129')); // a repeat: only linkquality differs
    await stream.waitFor('incident.created', (i) => i.bellId === 'Z-DESK');
    await sleep(300);
    expect(await storedEvents('Z-DESK')).toHaveLength(1);
    // Outside the window the same message is a new press (joining the open incident), not a repeat.
    await sleep(1_000);
    await publish('zigbee2mqtt/desk/sos', Z2M_SOS);
    await waitFor(async () => (await storedEvents('Z-DESK')).length === 2 || undefined, 5_000, 'second press stored');
    // A battery report carrying the cached sos:true is not a press.
    const feibit = (await storedEvents('Z-FEIBIT')).length;
    await publish('zigbee2mqtt/bath/feibit_sos', FEIBIT.replace('"battery":100', '"battery":99'));
    await sleep(300);
    expect(await storedEvents('Z-FEIBIT')).toHaveLength(feibit);
    expect(await incidentsOf('Z-DESK')).toHaveLength(1);
  });

  it('availability offline → the bell is offline; online again → online (both formats)', async () => {
    await publish('zigbee2mqtt/hall/sos_btn/availability', '{"state":"offline"}', true);
    await stream.waitFor('bell.status', (b) => b.id === 'Z-HALL' && b.online === false);
    await publish('zigbee2mqtt/hall/sos_btn/availability', 'online', true);
    await stream.waitFor('bell.status', (b) => b.id === 'Z-HALL' && b.online === true);
    await publish('tele/tasmota_49A3BC/LWT', 'Offline', true);
    await stream.waitFor('bell.status', (b) => b.id === 'T-49A3BC' && b.online === false);
  });

  it('bad payloads are rejected and counted; unknown actions and unprovisioned devices never open incidents', async () => {
    const rejected = (transport: string, reason: string) => metric(t.url, 'guardbell_bell_messages_rejected_total', { reason, transport });
    const ignored = (family: string, detail: string) => metric(t.url, 'guardbell_third_party_ignored_total', { family, detail });
    const before = {
      z2mJson: await rejected('zigbee2mqtt', 'malformed_json'),
      shellyField: await rejected('shelly', 'invalid_field'),
      unknownBell: await rejected('tasmota', 'unknown_bell'),
      unknownAction: await ignored('zigbee2mqtt', 'unknown_action'),
    };
    await publish('zigbee2mqtt/hall/sos_btn', '{"action":"emergency"');
    await publish('shellies/shellybutton1-A4CF12F45D3C/input_event/0', '{"event_cnt":3}');
    await publish('stat/tasmota_000000/RESULT', TASMOTA);
    await publish('zigbee2mqtt/bath/feibit_sos', '{"action":"arm_all_zones","action_code":1,"action_zone":0}');
    await publish('zigbee2mqtt/kitchen/lamp', '{"state":"ON","brightness":254,"linkquality":100}');
    await waitFor(async () => (await rejected('zigbee2mqtt', 'malformed_json')) === before.z2mJson + 1 || undefined, 5_000, 'malformed Z2M counted');
    await waitFor(async () => (await rejected('shelly', 'invalid_field')) === before.shellyField + 1 || undefined, 5_000, 'bad Shelly counted');
    await waitFor(async () => (await rejected('tasmota', 'unknown_bell')) === before.unknownBell + 1 || undefined, 5_000, 'unprovisioned Tasmota counted');
    await waitFor(async () => (await ignored('zigbee2mqtt', 'unknown_action')) === before.unknownAction + 1 || undefined, 5_000, 'unknown action counted');
    expect(await incidentsOf('Z-FEIBIT')).toHaveLength(1);
  });

  it('a bell with a confirmation rule: one press → unconfirmed, only guards told; a second press within the window → confirmed, everyone', async () => {
    await publish('zigbee2mqtt/lobby/sos', '{"action":"emergency"}');
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'Z-CONFIRM');
    expect(created.data).toMatchObject({ unconfirmed: true, status: 'triggered' });
    const id = created.data.id;
    type Detail = { unconfirmed: boolean; timeline: { kind: string }[]; notifications: { personId: string | null; stepId: string }[]; escalation: { stepId: string; status: string; reason: string | null }[] };
    const detail = async () => (await guard.get(`/api/v1/incidents/${id}`)).body as Detail;
    // The immediate step fired, for guards only; the counter manager (same step) is not told yet.
    const first = await waitFor(async () => { const d = await detail(); return d.escalation.some((s) => s.stepId === 'alert' && s.status === 'fired') && d; }, 5_000, 'alert step fired');
    expect(first.timeline.map((e) => e.kind)).toContain('awaiting_confirmation');
    expect(new Set(first.notifications.map((n) => n.personId))).toEqual(new Set(['guard-a', 'guard-a2']));
    expect(first.escalation.find((s) => s.stepId === 'alert')).toMatchObject({ reason: 'guards_only_unconfirmed' });

    await sleep(1_200); // past the dedupe window: a person's second press, not a radio repeat
    await publish('zigbee2mqtt/lobby/sos', '{"action":"emergency"}');
    const updated = await stream.waitFor('incident.updated', (i) => i.id === id && i.unconfirmed === false);
    expect(updated.data.status).toBe('triggered');
    const after = await waitFor(async () => { const d = await detail(); return d.notifications.some((n) => n.personId === 'manager-a') && d; }, 5_000, 'counter manager told after confirmation');
    expect(after.unconfirmed).toBe(false);
    expect(after.timeline.map((e) => e.kind)).toContain('confirmed');
    // Guards are not told twice by the re-run step.
    expect(after.notifications.filter((n) => n.personId === 'guard-a' && n.stepId === 'alert')).toHaveLength(1);
    expect(await incidentsOf('Z-CONFIRM')).toHaveLength(1);
  });

  it('a bell without a rule is confirmed from the first press', async () => {
    const detail = (await guard.get(`/api/v1/incidents/${(await incidentsOf('T-49A3BC'))[0]!.id}`)).body as { unconfirmed: boolean };
    expect(detail.unconfirmed).toBe(false);
  });
});
