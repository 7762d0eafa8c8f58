/**
 * The AES variant of DC-09 (DEVICES.md §3.4): AES-CBC, all-zero IV, no PKCS padding; the content after `[`
 * is `<pad>|<data>]<xdata…><_timestamp>` padded to whole blocks and sent as upper-case hex.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** The key as configured: panels and receivers disagree whether the text is the key's ASCII bytes or hex. */
export interface Dc09Key {
  bytes: Buffer;
}

export type KeyFormat = 'ascii' | 'hex';

export function dc09Key(text: string, format: KeyFormat): Dc09Key {
  const bytes = format === 'hex' ? Buffer.from(text, 'hex') : Buffer.from(text, 'latin1');
  if (format === 'hex' && !/^[0-9A-Fa-f]*$/.test(text)) throw new Error('a hex DC-09 key must be hex digits only');
  if (![16, 24, 32].includes(bytes.length)) {
    throw new Error(`a DC-09 key must be 16, 24 or 32 bytes (${format === 'hex' ? '32, 48 or 64 hex digits' : '16, 24 or 32 characters'}), got ${bytes.length}`);
  }
  return { bytes };
}

const algorithm = (key: Dc09Key) => `aes-${key.bytes.length * 8}-cbc`;
const ZERO_IV = Buffer.alloc(16);

/** Decrypts the hex after `[`; returns the clear content with the pad and its `|` removed. */
export function decryptContent(hex: string, key: Dc09Key): string {
  const decipher = createDecipheriv(algorithm(key), key.bytes, ZERO_IV);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('latin1');
  // The pad holds no `|`, `[` or `]`: the clear content starts at the first `|`, or at `]` when data is empty.
  const bar = plain.indexOf('|');
  const close = plain.indexOf(']');
  if (bar >= 0 && (close < 0 || bar < close)) return plain.slice(bar + 1);
  return close >= 0 ? plain.slice(close) : plain;
}

/** Pads with `0` (as pysiaalarm does; a full block when already aligned) and encrypts to upper-case hex. */
export function encryptContent(content: string, key: Dc09Key): string {
  const pad = 16 - (Buffer.byteLength(content, 'latin1') % 16);
  const cipher = createCipheriv(algorithm(key), key.bytes, ZERO_IV);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.from('0'.repeat(pad) + content, 'latin1')), cipher.final()]).toString('hex').toUpperCase();
}
