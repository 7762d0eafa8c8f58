// Lint only what the type checker cannot see: promises nobody awaits, switches that miss a case, and imports that
// cross a part's boundary (README "Architecture"). Deliberately not the recommended sets: every rule here fails CI.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * Where each part may not reach, as the top-level folder an import lands in. `no-restricted-imports` matches the
 * import's text, not the resolved file, so each depth of folder gets the exact number of `../` that climbs to the
 * repository root: `../drills/` from api/http/ is api/drills, not drills/.
 */
const BOUNDARIES = [
  { from: 'api', to: ['drills', 'system'], why: 'api/ never imports an area or the composition root: system/ hands api/ its areas.' },
  { from: 'drills', to: ['system'], why: 'An area never imports the composition root that lists it.' },
  { from: 'firmware-bridge', to: ['gateway'], why: 'firmware-bridge/ is the device side and never imports gateway/.' },
  {
    from: 'console-ui/src', to: ['(?!api/contract/)'],
    why: 'The console imports from the server only api/contract/: anything else would pull server code into the bundle.',
  },
];
/** Product code (everything but the tests) never imports test/. */
const PRODUCT = ['api', 'bin', 'system', 'drills', 'firmware-bridge', 'gateway', 'console-ui/src'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
const SOURCES = '*.{ts,tsx,js}';
/** Folders nested deeper than this inside a part are not checked (the deepest today is 2). */
const MAX_DEPTH = 6;

/** Files allowed across a boundary, each with its reason. */
const EXCEPTIONS = [
  { file: 'api/reports/local-text.test.ts', from: 'api', to: 'drills', why: 'tests the Hangul text of the drill report PDF' },
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patterns(folder, depth, { test, allow = [] }) {
  const up = `^(?:\\.\\./){${depth + folder.split('/').length}}`;
  const out = BOUNDARIES.filter((b) => b.from === folder).flatMap((b) =>
    b.to.filter((to) => !allow.includes(to)).map((to) => ({ regex: `${up}${to.startsWith('(') ? to : `${escape(to)}/`}`, caseSensitive: true, message: b.why })));
  if (!test && PRODUCT.includes(folder)) out.push({ regex: `${up}test/`, caseSensitive: true, message: 'Product code never imports test/.' });
  return out;
}

function boundaryConfigs() {
  const configs = [];
  for (const folder of PRODUCT) {
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const files = `${folder}/${'*/'.repeat(depth)}`;
      for (const test of [false, true]) {
        configs.push({
          files: test ? TESTS.map((t) => files + t.slice(3)) : [files + SOURCES],
          ...(test ? {} : { ignores: TESTS }),
          rules: { 'no-restricted-imports': ['error', { patterns: patterns(folder, depth, { test }) }] },
        });
      }
    }
  }
  for (const e of EXCEPTIONS) {
    const depth = e.file.split('/').length - 1 - e.from.split('/').length;
    configs.push({
      files: [e.file],
      rules: { 'no-restricted-imports': ['error', { patterns: patterns(e.from, depth, { test: e.file.includes('.test.'), allow: [e.to] }) }] },
    });
  }
  return configs;
}

export default defineConfig(
  { ignores: ['**/node_modules/', '**/dist/', '.bench/', 'data/', '.guardbell-bell-state/', 'coverage/'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A switch over a union names every member or has a `default:` saying where the rest go; one with neither fails,
      // and so does a switch over an open string without a `default:`.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: true }],
    },
  },
  // Comments that disable rules of the recommended sets (run by hand) are not this config's to judge.
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  ...boundaryConfigs(),
);
