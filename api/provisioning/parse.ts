/**
 * From the text of a provisioning file to a validated document, or to the complete list of its problems.
 * PROTOCOL.md §5: an invalid file changes nothing and names every problem by its path in the file, so
 * everything here reports all it finds rather than stopping at the first problem.
 */
import YAML from 'yaml';
import { issueProblems, provisioningDocumentSchema, type Problem, type ProvisioningDocument } from './document.ts';
import { checkRawReferences, checkReferences, type ProvisioningContext } from './references.ts';

export type ProvisioningResult = { ok: true; document: ProvisioningDocument } | { ok: false; problems: Problem[] };
type Decoded = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

const FILE = '(file)';

/** Parse by file name: `.json` as JSON, `.yaml`/`.yml` as YAML, anything else JSON first, then YAML. */
export function parseProvisioningText(text: string, fileName: string, context?: ProvisioningContext): ProvisioningResult {
  const source = text.replace(/^\uFEFF/, ''); // editors on Windows like to add a byte-order mark
  if (source.trim() === '') return { ok: false, problems: [{ path: FILE, message: 'the file is empty' }] };
  const extension = /\.[^./\\]*$/.exec(fileName)?.[0].toLowerCase();
  let decoded: Decoded;
  if (extension === '.json') decoded = decodeJson(source);
  else if (extension === '.yaml' || extension === '.yml') decoded = decodeYaml(source);
  else {
    decoded = decodeJson(source);
    // Not JSON: YAML's errors say more about a file that was meant as YAML (and JSON is nearly YAML anyway).
    if (!decoded.ok) decoded = decodeYaml(source);
  }
  return decoded.ok ? validateProvisioning(decoded.value, context) : decoded;
}

/** Validate an already decoded value (or a document built in code, such as the demo). */
export function validateProvisioning(value: unknown, context?: ProvisioningContext): ProvisioningResult {
  const result = provisioningDocumentSchema.safeParse(value, { reportInput: true });
  if (result.success) {
    const problems = checkReferences(result.data, context);
    return problems.length === 0 ? { ok: true, document: result.data } : { ok: false, problems };
  }
  // Reference checks run on what can be read of the invalid input, so one round names every problem.
  const problems = [...result.error.issues.flatMap(issueProblems), ...checkRawReferences(value, context)];
  return { ok: false, problems };
}

/** One line per problem: `sites[0].bells[1].counterId: counter "passport-9" is not a counter of site "nowon-hq"`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}

function decodeJson(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const where = position ? ` (${lineColumn(text, Number(position[1]))})` : '';
    return { ok: false, problems: [{ path: FILE, message: `JSON syntax error: ${message}${where}` }] };
  }
  // JSON.parse keeps the last of two equal keys without a word; in a safety configuration the first one
  // was probably meant. JSON is YAML 1.2, so the YAML parser finds them, with their line and column.
  const duplicates = YAML.parseDocument(text, { uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0) {
    return { ok: false, problems: duplicates.map((e) => ({ path: FILE, message: `JSON error: ${firstLine(e.message)}` })) };
  }
  return { ok: true, value };
}

function decodeYaml(text: string): Decoded {
  // YAML 1.2 core schema (the default): `no`, `on` and dates stay text; duplicate keys are errors.
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, problems: document.errors.map((e) => ({ path: FILE, message: `YAML syntax error: ${firstLine(e.message)}` })) };
  }
  try {
    // maxAliasCount stops a "billion laughs" file from expanding aliases without bound.
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return { ok: false, problems: [{ path: FILE, message: `YAML error: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

/** The yaml package's pretty message is "… at line 4, column 3:" followed by a snippet; keep the first line. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '');
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
