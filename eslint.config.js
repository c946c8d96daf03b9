// Lint enforces the process boundaries (see STYLE.md, "Layout shows the architecture") and
// the layers inside src-main: a wrong import fails CI, not just review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readdirSync } from 'node:fs';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'process',
  'querystring', 'readline', 'stream', 'string_decoder', 'timers', 'tls', 'tty', 'url', 'util',
  'v8', 'vm', 'worker_threads', 'zlib',
];

// Exact module names (not patterns: a pattern "events" would also match "./events").
const noNodePaths = NODE_BUILTINS.map((name) => ({ name, message: 'This runtime has no Node.js: keep Node code in src-main.' }));
const noNode = [{ group: ['node:*'], message: 'This runtime has no Node.js: keep Node code in src-main.' }];
const noElectron = { group: ['electron', 'electron/*'], message: 'Only src-main/electron may import electron.' };
const noRenderer = { group: ['**/src-renderer/**'], message: 'Main never imports the renderer.' };

// Inside src-main, capability folders stand on floors (STYLE.md, "Inside a runtime: layers"):
// a folder imports only folders on lower floors — never a higher one, nor a sibling on its
// own floor. base is the ground and imports nothing of src-main; app is the composition
// root; the shells (host, electron, cli) stand on it.
const SRC_MAIN_LAYERS = [
  ['base'],
  ['config', 'secrets', 'cache', 'settings'],
  ['logging', 'postgres'],
  ['tenant-schema', 'limits'],
  ['platform'],
  ['operations', 'audit', 'operators', 'api-keys'],
  ['tenants', 'jobs', 'search'],
  ['plans', 'usage', 'backup'],
  ['offline', 'billing'],
  ['signups', 'tenant-api'],
  ['app'],
  ['host', 'electron'],
  ['cli'],
];
const floorOf = new Map(SRC_MAIN_LAYERS.flatMap((folders, floor) => folders.map((folder) => [folder, floor])));
const unplaced = readdirSync(new URL('./src-main', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !floorOf.has(entry.name))
  .map((entry) => entry.name);
if (unplaced.length > 0) throw new Error(`src-main/${unplaced.join(', src-main/')}: give it a floor in SRC_MAIN_LAYERS (eslint.config.js).`);

/** The imports src-main/<folder> may not make: every folder on its own floor or above. */
function layerPatterns(folder) {
  const floor = floorOf.get(folder);
  return [...floorOf]
    .filter(([other, otherFloor]) => other !== folder && otherFloor >= floor)
    .map(([other, otherFloor]) => ({
      // A relative import that climbs to src-main and enters the other folder.
      regex: `^(\\.\\./)+${other}(/|$)`,
      message:
        otherFloor === floor
          ? `src-main/${folder} may not import src-main/${other}: they stand on one floor (SRC_MAIN_LAYERS in eslint.config.js).`
          : `src-main/${folder} may not import src-main/${other}, which stands above it (SRC_MAIN_LAYERS in eslint.config.js).`,
    }));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-results/', 'playwright-report/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: noNodePaths,
        patterns: [
          noElectron,
          ...noNode,
          { group: ['**/src-main/**', '**/src-renderer/**', 'react', 'react-dom'], message: 'src-shared is pure: it imports only src-shared and zod.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...noNodePaths,
          // Escape closes only the topmost layer: dialogs are counted (components/Modal.tsx).
          { name: '@mantine/core', importNames: ['Modal'], message: 'Use the Modal of src-renderer/components/Modal.tsx: a drawer below leaves Escape to it.' },
        ],
        patterns: [
          noElectron,
          ...noNode,
          { group: ['**/src-main/**', '**/src-main'], message: 'The renderer knows the contract (src-shared) and nothing of main.' },
        ],
      }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src-renderer/components/Modal.tsx'],
    rules: { 'no-restricted-imports': ['error', { paths: noNodePaths, patterns: [noElectron, ...noNode] }] },
  },
  // The ERP kit is installed by ERP teams apart from the console: it may import pg, the
  // frameworks it adapts and itself — nothing of the console. The sample ERP uses the kit only.
  {
    files: ['erp-kit/**/*.ts', 'examples/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          noElectron,
          { group: ['**/src-main', '**/src-main/**', '**/src-shared', '**/src-shared/**', '**/src-renderer', '**/src-renderer/**', '**/test/**'], message: 'The ERP kit and the sample ERP stand apart from the console: they talk to it over HTTP only.' },
        ],
      }],
    },
  },
  // The core runs under plain Node (CLI, host mode, tests): only the thin shell touches electron.
  {
    files: ['src-main/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noRenderer] }] },
  },
  ...[...floorOf.keys()].map((folder) => ({
    files: [`src-main/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...(folder === 'electron' ? [] : [noElectron]), noRenderer, ...layerPatterns(folder)],
      }],
    },
  })),
  {
    // shell.openExternal only through the one http(s)-only function.
    files: ['**/*.{ts,tsx}'],
    ignores: ['src-main/electron/open-external.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[property.name='openExternal']",
        message: 'Open external links only through openExternalSafely (src-main/electron/open-external.ts).',
      }],
    },
  },
);
