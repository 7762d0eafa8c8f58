import { describe, expect, it } from 'vitest';
import { newPdf, pdfBytes } from './pdf-document.ts';

describe('newPdf', () => {
  it('writes Korean and English text into a PDF', async () => {
    const doc = newPdf({ title: '훈련 보고서' });
    doc.font('bold').fontSize(16).text('훈련 보고서 — Drill report');
    doc.font('regular').fontSize(11).text('민원인 폭행 대응 훈련, 경찰 인계');
    const bytes = await pdfBytes(doc);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-6).toString('latin1')).toContain('%%EOF');
    // The embedded font is a subset named after Gothic A1, so Hangul glyphs are in the file.
    expect(bytes.toString('latin1')).toMatch(/GothicA1/);
  });
});
