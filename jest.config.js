/** Two projects: `unit` needs nothing running; `integration` talks to the real servers
 *  that deploy/dev/servers.sh starts (PostgreSQL, Kafka, the MongoDB-compatible server). */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^@register/(.*)$': '<rootDir>/libs/$1/src' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'], testTimeout: 120000 },
  ],
};
