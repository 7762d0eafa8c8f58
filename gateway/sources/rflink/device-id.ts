/**
 * The one spelling of an RFLink device's identity, shared by the line decoder and provisioning so that a
 * provisioned `deviceId` and a received line meet (DEVICES.md §5.1: "hex case varies and `SWITCH=01` vs
 * `SWITCH=1` can differ between firmware versions. Normalise both").
 *
 * Form: `NAME/ID/SWITCH`, or `NAME/ID` for a line without SWITCH (and for a bell that stands for every
 * button of a remote). NAME is RFLink's protocol name in upper case (`EV1527`, `NEWKAKU`); ID is hex in upper
 * case without leading zeros (`0f7499` → `F7499`); SWITCH is upper case without leading zeros (`04` → `4`,
 * `0a` → `A`, `A16` stays `A16`). So `20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;` is `EV1527/F7499/4`.
 * Pure: no I/O (provisioning imports this file on its own, without the serial port library).
 */

/** RFLink protocol names: letters, digits, spaces and a few marks (`EV1527`, `Alecto V1`, `X10Secure`); never `/`. */
const NAME_PART = '[A-Za-z0-9][A-Za-z0-9 _.+-]{0,31}';
/** `ID=` is hexadecimal (RFLink Protocol Reference); rolling codes take up to 8 digits, some ids more. */
const ID_PART = '[0-9A-Fa-f]{1,16}';
/** `SWITCH=` is a button number (`1`, `04`), a letter (`a`) or a house/unit code (`A16`). */
const SWITCH_PART = '[0-9A-Za-z]{1,8}';
const NAME = new RegExp(`^${NAME_PART}$`);
const ID = new RegExp(`^${ID_PART}$`);
const SWITCH = new RegExp(`^${SWITCH_PART}$`);

/** A provisioned RFLink `deviceId`, in any case and with or without leading zeros: `NAME/ID` or `NAME/ID/SWITCH`. */
export const RFLINK_DEVICE_ID_PATTERN = new RegExp(`^${NAME_PART}/${ID_PART}(?:/${SWITCH_PART})?$`);

export const RFLINK_DEVICE_ID_HINT =
  'is not an RFLink device id: write NAME/ID/SWITCH as the receiver prints them (such as "EV1527/0f7499/04" for `20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;`), or NAME/ID for every button of a remote';

const withoutLeadingZeros = (s: string) => s.replace(/^0+(?=.)/, '').toUpperCase();

/** The normalised id of the parts of a line, or undefined when a part is not what RFLink prints. */
export function rflinkDeviceId(name: string, id: string, button: string | undefined): string | undefined {
  const n = name.trim();
  if (!NAME.test(n) || !ID.test(id) || (button !== undefined && !SWITCH.test(button))) return undefined;
  const base = `${n.toUpperCase()}/${withoutLeadingZeros(id)}`;
  return button === undefined ? base : `${base}/${withoutLeadingZeros(button)}`;
}

/** A provisioned `NAME/ID[/SWITCH]` in its stored spelling, or undefined when it is not one. */
export function normaliseRflinkDeviceId(text: string): string | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [name = '', id = '', button] = parts;
  return rflinkDeviceId(name, id, button);
}

/** The id of the whole remote (`NAME/ID`) of a per-button id, or undefined when it has no button. */
export function remoteOf(deviceId: string): string | undefined {
  const parts = deviceId.split('/');
  return parts.length === 3 ? `${parts[0]}/${parts[1]}` : undefined;
}
