/** `guardbell case verify FILE.zip`: checks a case export against its manifest (no database needed). */
import { readFile } from 'node:fs/promises';
import { formatExportVerdict, verifyCaseExport } from './export-verify.ts';

export const CASE_USAGE = 'usage: guardbell case verify FILE.zip';

export async function runCaseCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'verify' || argv.length !== 2) {
    console.error(CASE_USAGE);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(argv[1]!);
  } catch (err) {
    console.error(`cannot read ${argv[1]}: ${(err as Error).message}`);
    return 2;
  }
  const verdict = await verifyCaseExport(bytes);
  (verdict.ok ? console.log : console.error)(formatExportVerdict(verdict));
  return verdict.ok ? 0 : 1;
}
