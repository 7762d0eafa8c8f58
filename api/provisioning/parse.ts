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
  if (source.trim() === '') return { ok: false, problems: [{ path: FILE, code: 'unreadable_file', message: 'the file is empty' }] };
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
  const problems = [...result.error.issues.flatMap((issue) => issueProblems(issue, value)), ...checkRawReferences(value, context)];
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
    // V8's message sometimes quotes the source (passwords and keys included) and sometimes omits the
    // position: keep only its reason, and find the position ourselves.
    const reason = (error instanceof Error ? error.message : String(error))
      .replace(/, ".*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/ (?:in|after) JSON at position \d+.*$/s, '');
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? ` at ${lineColumn(text, offset)}` : '';
    return { ok: false, problems: [{ path: FILE, code: 'unreadable_file', message: `JSON syntax error${where}: ${reason}` }] };
  }
  // JSON.parse keeps the last of two equal keys without a word; in a safety configuration the first one
  // was probably meant. JSON is YAML 1.2, so the YAML parser finds them, with their line and column.
  const duplicates = YAML.parseDocument(text, { uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0) {
    return { ok: false, problems: duplicates.map((e) => ({ path: FILE, code: 'unreadable_file', message: `JSON error: ${firstLine(e.message)}` })) };
  }
  return { ok: true, value };
}

function decodeYaml(text: string): Decoded {
  // YAML 1.2 core schema (the default): `no`, `on` and dates stay text; duplicate keys are errors.
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((e) => ({
        path: FILE,
        code: 'unreadable_file',
        // The library's own wording for this one names its API, which means nothing to the file's author.
        message: e.code === 'MULTIPLE_DOCS'
          ? `the file holds more than one YAML document (a second "---" at ${lineColumn(text, e.pos[0])}): put everything in one`
          : `YAML syntax error: ${firstLine(e.message)}`,
      })),
    };
  }
  try {
    // maxAliasCount stops a "billion laughs" file from expanding aliases without bound.
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return { ok: false, problems: [{ path: FILE, code: 'unreadable_file', message: `YAML error: ${error instanceof Error ? error.message : String(error)}` }] };
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

/** Offset of the first JSON syntax error, by a strict recursive-descent scan; -1 if none is found. */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => { throw i; };
  const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const literal = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = () => {
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') { i++; return; }
      if (c < ' ') fail();
      if (c === '\\') {
        i++;
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(); i += 4; } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
    }
    fail();
  };
  const list = (close: string, item: () => void) => {
    i++; space();
    if (text[i] === close) { i++; return; }
    for (;;) {
      item(); space();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === close) { i++; return; }
      fail();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return list('}', () => { space(); if (text[i] !== '"') fail(); string(); space(); if (text[i] !== ':') fail(); i++; value(); });
    if (c === '[') return list(']', value);
    if (c === '"') return string();
    literal.lastIndex = i;
    const match = literal.exec(text);
    if (!match) fail();
    i += match![0].length;
  };
  try {
    value(); space();
    return i < text.length ? i : -1;
  } catch (thrown) {
    return typeof thrown === 'number' ? Math.min(thrown, text.length) : -1; // a stack overflow on absurd nesting: no position
  }
}
