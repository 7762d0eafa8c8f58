/**
 * PDF reports (drill reports, case summaries) with a font that has Hangul: PDFKit's built-in fonts
 * have none, and a report must show Korean names and words. The two weights of Gothic A1 used are kept in
 * fonts/ (SIL Open Font License, fonts/OFL.txt), not a 21 MB package of nine weights.
 */
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';

const fonts = {
  regular: fileURLToPath(new URL('./fonts/GothicA1_400Regular.ttf', import.meta.url)),
  bold: fileURLToPath(new URL('./fonts/GothicA1_700Bold.ttf', import.meta.url)),
};

export type Pdf = PDFKit.PDFDocument;

/** A new A4 document with the fonts `regular` (selected) and `bold` registered. */
export function newPdf(info: { title: string; subject?: string }): Pdf {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: info.title, Subject: info.subject ?? '', Creator: 'Guardbell' } });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.font('regular');
  return doc;
}

/** Ends the document and resolves with its bytes. */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
