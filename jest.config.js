/** Two projects: `unit` needs nothing running; `integration` talks to the real servers
 *  that deploy/dev/servers.sh starts (PostgreSQL, Kafka, the MongoDB-compatible server). */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^@register/(.*)$': '<rootDir>/libs/$1/src' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // @fastify/static (behind the OpenAPI UI) requires content-disposition 3, which is ESM only;
    // Node 20 loads it natively, jest's module system does not, so jest compiles that one package.
    'node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
};
module.exports = {
  // Integration tests wait on real servers; a project-level testTimeout is ignored by jest.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
