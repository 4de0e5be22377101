// Lint rules, including the dependency rule: src/domain imports nothing outside src/domain.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node built-ins the domain must not reach for (I/O, time, randomness live behind ports). */
const nodeBuiltins = [
  'fs',
  'path',
  'http',
  'https',
  'net',
  'crypto',
  'os',
  'child_process',
  'process',
  'timers',
];

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'coverage/', '.terraform/', 'reports/', '.stryker-tmp/', 'tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // CommonJS on purpose: Stryker's Jest runner loads the test environment with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The client package has no runtime dependencies; React is an optional peer that only its bindings use.
    files: ['src/client/**/*.ts'],
    ignores: ['src/client/react/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.)',
              message:
                'The client has no runtime dependencies: relative imports only (React in src/client/react).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/client/react/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.|react$)',
              message: 'The React bindings import react (a peer dependency) and the client, nothing else.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The domain does no I/O: use a port.' })),
          patterns: [
            {
              regex: '^(?!\\.)',
              message:
                'src/domain imports only its own modules: no AWS SDK, Middy, Powertools, inversify or Node built-ins.',
            },
            {
              regex: '(^|/)(adapters|handlers|local)(/|$)',
              message: 'src/domain must not depend on outer layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Configuration is passed in by the composition root.' },
        { name: 'Buffer', message: 'Node-specific; the domain stays portable.' },
        { name: 'setTimeout', message: 'Time is a port (ClockPort).' },
        { name: 'setInterval', message: 'Time is a port (ClockPort).' },
        { name: 'fetch', message: 'The domain does no I/O: use a port.' },
        { name: 'crypto', message: 'Randomness is a port (IdGeneratorPort).' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use ClockPort.now().' },
        { object: 'Math', property: 'random', message: 'Use IdGeneratorPort.' },
        {
          object: 'process',
          property: 'env',
          message: 'Configuration is passed in by the composition root.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() reads the wall clock: use ClockPort.now().',
        },
        {
          selector: "CallExpression[callee.name='Date'][arguments.length=0]",
          message: 'Date() reads the wall clock: use ClockPort.now().',
        },
        {
          selector: 'ImportExpression',
          message: 'No dynamic imports in the domain.',
        },
      ],
    },
  },
);
