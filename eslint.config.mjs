// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scripts/*.js', 'jest.config.js', 'deploy/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The domain must stay pure: no framework, broker or database in a decider.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['services/*/src/**/domain/**/*.ts', 'libs/event-sourcing/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', 'kafkajs', 'mongoose', 'pg', '@electric-sql/*', '@eventstore/*'], message: 'the domain is pure: no framework, broker or database imports' }] },
      ],
    },
  },
);
