// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const providerRoots = ['@cdktf/provider-aws', '@cdktf/provider-helm', '@cdktf/provider-kubernetes'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdktf.out/**',
      'dist/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp/**',
      '.venv/**',
      '.venv-checkov/**',
      '.tools/**',
      'event-logs/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // The provider package roots load every resource binding (about 5 s and 500 MB per process).
      'no-restricted-imports': [
        'error',
        {
          paths: providerRoots.map((name) => ({
            name,
            message: `Import by deep path (${name}/lib/<resource>): the package root costs ~5 s and ~500 MB.`,
          })),
          // `<provider>/lib` and `<provider>/lib/index` are the same barrel under another name.
          patterns: [
            {
              regex: '^@cdktf/provider-(aws|helm|kubernetes)/lib(/index(\\.js)?)?$',
              message: 'This is the package root under another name; import <provider>/lib/<resource>.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
