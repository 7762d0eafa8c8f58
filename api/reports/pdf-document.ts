/**
 * PDF reports (drill reports, case summaries) with a font that has Hangul: PDFKit's built-in fonts
 * have none, and a report must show Korean names and words. Gothic A1 (OFL) comes from npm, so a fresh
 * `npm install` is enough.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const fonts = {
  regular: require.resolve('@expo-google-fonts/gothic-a1/400Regular/GothicA1_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/gothic-a1/700Bold/GothicA1_700Bold.ttf'),
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
