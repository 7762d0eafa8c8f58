import { remoteOf, type BellDirectory, type BellRecord } from '../../gateway/index.ts';
import type { CounterRow, DirectoryStore, SiteRow } from '../store/index.ts';

/** Sites, counters and bells held in memory: the alarm path must not ask the database who a bell is. */
export class Places implements BellDirectory {
  private siteById = new Map<string, SiteRow>();
  private counterByKey = new Map<string, CounterRow>();
  private bellById = new Map<string, BellRecord>();
  /** `adapter|deviceId` → bell id, for adapters whose devices carry their own address. */
  private bellByDevice = new Map<string, string>();

  /** Raised at each reload: a copy kept elsewhere (the PGlite thread's, step-claim.ts) is read again when it moves. */
  version = 0;

  constructor(private readonly store: DirectoryStore) {}

  async reload(): Promise<void> {
    const [sites, counters, bells] = await Promise.all([this.store.sites(), this.store.counters(), this.store.bells()]);
    this.version++;
    this.siteById = new Map(sites.map((s) => [s.id, s]));
    this.counterByKey = new Map(counters.map((c) => [`${c.siteId}/${c.id}`, c]));
    this.bellById = new Map(
      bells.map((b) => [b.id, { id: b.id, siteId: b.siteId, counterId: b.counterId, adapter: b.adapter, keyHex: b.keyHex, deviceId: b.deviceId, confirm: b.confirm ?? null, ownCredential: b.mqttPasswordHash !== null }]),
    );
    this.bellByDevice = new Map(bells.filter((b) => b.deviceId !== null).map((b) => [`${b.adapter}|${b.deviceId}`, b.id]));
  }

  /** The bell provisioned with this adapter and (normalised) device id. */
  bellByDeviceId(adapter: string, deviceId: string): string | undefined {
    return this.bellByDevice.get(`${adapter}|${deviceId}`);
  }

  /**
   * The bell of a Zigbee2MQTT, Shelly or Tasmota device (the third-party MQTT source's resolver), by the
   * device id as the device spells it; stored ids are normalised the same way (normaliseDeviceId).
   */
  thirdPartyBell(adapter: 'zigbee2mqtt' | 'shelly' | 'tasmota', deviceId: string): string | undefined {
    return this.bellByDeviceId(adapter, adapter === 'shelly' ? deviceId.toLowerCase() : deviceId);
  }

  /**
   * An RFLink device's bell, by its normalised `NAME/ID/SWITCH` (device-id.ts): the bell of that button first,
   * then the bell of the whole remote (`NAME/ID`).
   */
  rflinkBell(deviceId: string): string | undefined {
    const remote = remoteOf(deviceId);
    return this.bellByDeviceId('rflink', deviceId) ?? (remote !== undefined ? this.bellByDeviceId('rflink', remote) : undefined);
  }

  /** A SIA DC-09 panel event's bell: the bell of that zone first, then the bell of the whole account. */
  siaBell(account: string, zone: string | undefined): string | undefined {
    const acct = account.toUpperCase();
    const zoneKey = zone !== undefined && /^\d+$/.test(zone) ? String(Number(zone)) : zone?.toUpperCase();
    return (zoneKey !== undefined ? this.bellByDeviceId('sia-dc09', `${acct}/${zoneKey}`) : undefined) ?? this.bellByDeviceId('sia-dc09', acct);
  }

  /** Every bell of a SIA DC-09 account, whole-account and per-zone: a panel's link test keeps them all online. */
  siaBellsOfAccount(account: string): string[] {
    const acct = account.toUpperCase();
    const out: string[] = [];
    for (const [key, id] of this.bellByDevice) {
      const deviceId = key.slice('sia-dc09|'.length);
      if (key.startsWith('sia-dc09|') && (deviceId === acct || deviceId.startsWith(`${acct}/`))) out.push(id);
    }
    return out;
  }

  lookup(bellId: string): BellRecord | undefined {
    return this.bellById.get(bellId);
  }

  site(id: string): SiteRow | undefined {
    return this.siteById.get(id);
  }

  counter(siteId: string, counterId: string): CounterRow | undefined {
    return this.counterByKey.get(`${siteId}/${counterId}`);
  }

  allSites(): SiteRow[] {
    return [...this.siteById.values()];
  }

  countersOf(siteId: string): CounterRow[] {
    return [...this.counterByKey.values()].filter((c) => c.siteId === siteId);
  }
}
