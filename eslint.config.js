// ESLint flat config. The per-folder import rules are the architecture: protocol imports nothing
// of ours; client, sync-server and blob-store never import one another; e2e only talks to the
// running system. Circular imports are caught by dpdm in `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const others = (allowed) =>
  ['protocol', 'models', 'client', 'sync-server', 'blob-store', 'e2e']
    .filter((folder) => !allowed.includes(folder))
    .flatMap((folder) => [`**/${folder}/**`, `../${folder}/*`, `../../${folder}/*`, `../../../${folder}/*`]);

// protocol/src/server/ is protocol's server-only part (it imports better-sqlite3): not for the browser.
const serverOnly = ['**/protocol/src/server/*', '../protocol/src/server/*', '../../protocol/src/server/*', '../../../protocol/src/server/*', '../../../../protocol/src/server/*'];

const boundary = (folder, allowed, forbidden = []) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: [
      { group: others([folder, ...allowed]), message: `${folder}/ may import only ${[...allowed].join(', ') || 'nothing of ours'}` },
      ...(forbidden.length ? [{ group: forbidden, message: `${folder}/ runs in the browser: protocol/src/server/ is for the servers` }] : []),
    ] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.e2e/**', 'bench/results/**', 'bench/tmp/**', 'models/packs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  boundary('protocol', []),
  boundary('models', ['protocol'], serverOnly),
  boundary('client', ['protocol', 'models'], serverOnly),
  boundary('sync-server', ['protocol']),
  boundary('blob-store', ['protocol', 'models']),
  // e2e talks to the system over HTTP, WebSocket and the browser; only protocol's test kits are shared.
  {
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        regex: '(^|/)(?!protocol/src/testing/)(protocol|models|client|sync-server|blob-store)/',
        message: 'e2e/ may import only protocol/src/testing/ (test kits) of ours',
      }] }],
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
