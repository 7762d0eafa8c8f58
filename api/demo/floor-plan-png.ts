/** A real PNG drawn in code (a plain floor plan: walls, rooms, a corridor): the demo site's plans, and the floor-plan tests' images. */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** An RGB PNG of a floor: grey walls around rooms along a corridor. */
export function floorPlanPng(width = 800, height = 500): Buffer {
  const wall = (x: number, y: number) => {
    const t = 4;
    if (x < t || y < t || x >= width - t || y >= height - t) return true;
    const corridorTop = Math.round(height * 0.45);
    const corridorBottom = Math.round(height * 0.55);
    if (Math.abs(y - corridorTop) < t / 2 || Math.abs(y - corridorBottom) < t / 2) {
      // doors every room
      return (x % Math.round(width / 5)) > 40;
    }
    if ((y < corridorTop || y > corridorBottom) && x % Math.round(width / 5) < t) return true;
    return false;
  };
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const v = wall(x, y) ? 70 : 248;
      raw.fill(v, row + 1 + x * 3, row + 4 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The smallest JPEG header a sniffer recognises (not a decodable picture). */
export const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
