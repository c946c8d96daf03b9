// Lint enforces the process boundaries (see STYLE.md, "Layout shows the architecture"):
// a wrong import across runtimes fails CI, not just review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
        paths: noNodePaths,
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
    // The core runs under plain Node (CLI, host mode, tests): only the thin shell touches electron.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [noElectron, { group: ['**/src-renderer/**'], message: 'Main never imports the renderer.' }],
      }],
    },
  },
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
