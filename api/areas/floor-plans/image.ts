/** What kind of image an upload is, decided from its first bytes (never from the name or the Content-Type header). */

export type PlanImageType = 'image/png' | 'image/jpeg' | 'image/webp';

/** 5 MiB: a floor plan is a drawing, and every console at the site loads it when an alarm rings. */
export const MAX_PLAN_BYTES = 5 * 1024 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0) =>
  bytes.length >= offset + prefix.length && prefix.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The image type by its magic bytes, or null for anything else (GIF, SVG, PDF, text…). */
export function sniffImageType(bytes: Uint8Array): PlanImageType | null {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

export type UploadCheck = { ok: true; contentType: PlanImageType } | { ok: false; code: 'empty_upload' | 'plan_too_large' | 'unsupported_image'; message: string };

export function checkPlanUpload(bytes: Uint8Array, limit = MAX_PLAN_BYTES): UploadCheck {
  if (bytes.length === 0) return { ok: false, code: 'empty_upload', message: 'the upload is empty: send the image bytes as the body' };
  if (bytes.length > limit) {
    return { ok: false, code: 'plan_too_large', message: `the image is ${bytes.length} bytes; a floor plan may be at most ${limit} bytes (${limit / (1024 * 1024)} MiB)` };
  }
  const contentType = sniffImageType(bytes);
  if (!contentType) return { ok: false, code: 'unsupported_image', message: 'the file is not a PNG, JPEG or WebP image (checked by its content, not its name)' };
  return { ok: true, contentType };
}
