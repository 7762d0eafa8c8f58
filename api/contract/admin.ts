/**
 * What the admin screens read (GET /api/v1/admin/directory, api/areas/admin/store.ts). Never a bell key, an MQTT
 * password hash or a password hash: only whether one is set.
 */

export interface AdminCounter { id: string; name: string; floor: string | null; managerIds: string[] }
export interface AdminShift { personId: string; startsAt: string; endsAt: string }
export interface AdminSite {
  id: string; name: string; address: string; timezone: string;
  police: { channel: string; to: string } | null;
  drillLiaison: string[];
  situationRoom: { channel: string; to: string } | null;
  serialPorts: string[];
  escalation: unknown;
  aftercareAllowanceKrw: number | null;
  counters: AdminCounter[];
  roster: AdminShift[];
}
export interface AdminBell {
  id: string; siteId: string; counterId: string; adapter: string; deviceId: string | null;
  heartbeatSeconds: number; confirm: { within: number } | null;
  hasKey: boolean; hasMqttPassword: boolean; createdAt: string;
  /** false: taken out of service (kept with its history; its presses are refused as an unknown bell). */
  inService: boolean; retiredAt: string | null; retiredReason: string | null;
}
export interface AdminPerson {
  id: string; name: string; roles: string[]; siteIds: string[]; phone: string | null; email: string | null;
  language: string; username: string | null; hasPassword: boolean; active: boolean;
}
export interface AdminDirectory { sites: AdminSite[]; bells: AdminBell[]; people: AdminPerson[] }
