// Flat ESLint config. Deliberately not type-aware (no parserOptions.project): lint stays fast and
// `npm run typecheck` already runs the compiler. Formatting is prettier's job (eslint-config-prettier last).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Globals for the plain-JS config files that run under Node (CommonJS and ESM). */
const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  globalIgnores([
    '**/dist/',
    'bundle/',
    '**/node_modules/',
    '**/coverage/',
    '**/.data/',
    '.ci/',
    '.tools/',
    'migrations/.snapshot*.json',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'oracxpred/typescript',
    files: ['**/*.ts'],
    rules: {
      // `_`-prefixed names are intentionally unused (interface-mandated args, destructuring rest, catch)
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Nest: `constructor(private readonly service: X) {}` is dependency injection, not dead code
      'no-useless-constructor': 'off',
      '@typescript-eslint/no-useless-constructor': 'off',
      // no-ops (lifecycle hooks, stub callbacks, placeholder setup) are fine too
      '@typescript-eslint/no-empty-function': 'off',
      // Nest: `@Module({...}) export class AppModule {}` and static-only helper classes are fine
      '@typescript-eslint/no-extraneous-class': 'off',
      // declaration merging / `declare module` augmentation (e.g. Fastify request typing) is legitimate
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
    },
  },

  {
    name: 'oracxpred/no-console-in-src',
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      // use the Nest/pino logger; the CLI (src/cli) and benchmarks (bench/) may print
      'no-console': 'error',
    },
  },

  {
    name: 'oracxpred/node-js-files',
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },

  {
    name: 'oracxpred/commonjs-files',
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },

  prettier,
);
