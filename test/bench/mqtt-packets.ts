/**
 * The two MQTT 3.1.1 packets a bell sends when it comes back (CONNECT with its will, then its retained online
 * status at QoS 1), encoded by hand for the reconnect storm's plain-socket clients (OASIS MQTT 3.1.1 §3.1, §3.3).
 */

function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

const str = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};

export interface ConnectOptions {
  clientId: string;
  keepaliveSeconds: number;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean };
}

export function connectPacket(o: ConnectOptions): Buffer {
  let flags = 0x02; // clean session
  if (o.will) flags |= 0x04 | (o.will.qos << 3) | (o.will.retain ? 0x20 : 0);
  if (o.password !== undefined) flags |= 0x40;
  if (o.username !== undefined) flags |= 0x80;
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(o.keepaliveSeconds);
  const body = Buffer.concat([
    str('MQTT'), Buffer.from([4, flags]), keepalive,
    str(o.clientId),
    ...(o.will ? [str(o.will.topic), str(o.will.payload)] : []),
    ...(o.username !== undefined ? [str(o.username)] : []),
    ...(o.password !== undefined ? [str(o.password)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

export function publishQos1Packet(topic: string, payload: string, packetId: number, retain: boolean): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId);
  const body = Buffer.concat([str(topic), id, Buffer.from(payload, 'utf8')]);
  return Buffer.concat([Buffer.from([0x32 | (retain ? 1 : 0)]), remainingLength(body.length), body]);
}
