import { describe, expect, it } from 'vitest';
import { checkPlanUpload, sniffImageType } from './image.ts';

const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const webp = new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ');

describe('floor plan images', () => {
  it('knows PNG, JPEG and WebP by their bytes', () => {
    expect(sniffImageType(png)).toBe('image/png');
    expect(sniffImageType(jpeg)).toBe('image/jpeg');
    expect(sniffImageType(webp)).toBe('image/webp');
  });
  it('refuses other content whatever it is called', () => {
    expect(sniffImageType(new TextEncoder().encode('GIF89a…'))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WAVEfmt '))).toBeNull();
    expect(sniffImageType(png.slice(0, 4))).toBeNull();
    const r = checkPlanUpload(new TextEncoder().encode('%PDF-1.7'));
    expect(r).toMatchObject({ ok: false, code: 'unsupported_image' });
  });
  it('refuses empty and oversized uploads with a clear message', () => {
    expect(checkPlanUpload(new Uint8Array())).toMatchObject({ ok: false, code: 'empty_upload' });
    const big = new Uint8Array(2048);
    big.set(png);
    const r = checkPlanUpload(big, 1024);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('plan_too_large');
      expect(r.message).toContain('2048');
    }
    expect(checkPlanUpload(big, 4096)).toEqual({ ok: true, contentType: 'image/png' });
  });
});
