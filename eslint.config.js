// Lint: typescript-eslint with type information, for the mistakes the type check lets through:
// a promise nobody awaits or handles, an async function passed where the caller ignores the
// promise it returns, awaiting a non-promise. Kept to rules the whole tree passes today, so
// parallel branches are not forced into a mass rewrite; add rules as the code is brought in line.
// Formatting is Prettier's (`npm run format:check`, see the README).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'data/**',
      'migrations/**',
      'docs/**',
      'views/**',
      'public/**',
      'scripts/**',
      'bin/**',
      '*.js',
      '*.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // tap awaits the top-level `t.test(...)` calls itself; the other rules still apply to tests.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
