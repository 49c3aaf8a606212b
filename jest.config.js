/** Two projects: `unit` needs nothing running; `integration` talks to the real servers
 *  that deploy/dev/servers.sh starts (PostgreSQL, Kafka, the MongoDB-compatible server). */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^@register/(.*)$': '<rootDir>/libs/$1/src' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // @fastify/static (behind the OpenAPI UI) requires content-disposition 3, and libs/auth requires
    // jose 6: both ESM only. Node 20.19+ loads them natively (require(esm)), jest's module system
    // does not, so jest compiles those two packages to CommonJS.
    'node_modules/(content-disposition|jose)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|jose)/)'],
  setupFiles: ['<rootDir>/test/support/worker-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/suite-cpu.ts'],
};
module.exports = {
  // Integration tests wait on real servers; a project-level testTimeout is ignored by jest.
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testSequencer: '<rootDir>/test/support/heavy-first-sequencer.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
