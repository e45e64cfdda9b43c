import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './eslint-rules/layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'release-test/', 'node_modules/', 'test-results/', 'docs/', 'tmp/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // No globals beyond the language's own: each layer below names what its runtime has,
    // as its tsconfig.json does for the compiler.
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: {} },
    plugins: { contactpoint: { rules: { layers } } },
    rules: {
      'contactpoint/layers': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['main/**', 'service/**', 'scripts/**', 'test/**', 'eslint-rules/**', '*.{js,ts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The domain runs in every process: only the globals they all have (see
    // domain/runtime-globals.d.ts).
    files: ['domain/**'],
    languageOptions: { globals: { performance: 'readonly', setTimeout: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['preload/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-globals': ['error', 'localStorage', 'sessionStorage', 'indexedDB'] },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    rules: { 'no-console': 'off' },
  },
);
