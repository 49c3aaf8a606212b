/**
 * Runs the longest suites first. A long suite that starts last keeps one worker busy while the
 * others wait: jest orders by the durations it cached, and a fresh checkout (CI) has
 * none, so it would order by file size. The list holds the suites that took longest in a
 * fresh-clone run; the rest keep jest's own order after them. Keep it to the slowest few.
 */
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Before those, the suites that open many PGlite databases of their own: each costs several times
 * its CPU in a worker that has already run many suites (why is not found: docs/testing.md), and
 * they are short, so they go first, while the workers are new.
 */
const FIRST = [
  'libs/event-store/src/sql-event-store.spec.ts',
  'libs/event-store/src/pglite-template.spec.ts',
  'test/contract/pglite.test.ts',
  'libs/messaging/src/log-relay.spec.ts',
  'libs/event-store/src/log-statistics.spec.ts',
  'libs/personal-data/src/sql-key-vault.spec.ts',
  'test/contract/pglite-thread.test.ts',
  'libs/event-store/src/sql-snapshots.spec.ts',
  'services/personnel/src/personal-data/read-log.spec.ts',
  'libs/event-store/src/pglite-yield.spec.ts',
  'libs/event-store/src/entry-text.spec.ts',
];

const HEAVY = [
  'test/openapi/schemathesis.test.ts',
  'test/faults/faults.test.ts',
  'test/messaging/kafka-backbone.test.ts',
  'test/personnel/member-imports-kept.test.ts',
  'test/contract/hash-chain.test.ts',
  'test/reports/rollups-distributed.test.ts',
  'test/training/consumer-sigkill.test.ts',
  'test/personnel/member-imports.test.ts',
  'test/read-models/kill.test.ts',
  'test/reports/distributed.test.ts',
  'test/reports/summary.test.ts',
  'test/scale/statements-per-command.test.ts',
  'test/evaluation/consumer-kill.test.ts',
  'test/read-models/idempotency.test.ts',
  'test/gateway/distributed-security.test.ts',
  'test/reports/rollups.test.ts',
  'test/gateway/authorisation-matrix.test.ts',
  'test/evaluation/distributed.test.ts',
  'test/training/distributed.test.ts',
  'test/training/que-phong-year.test.ts',
  'test/training/facts-snapshot.test.ts',
];

class HeavyFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const ORDER = [...FIRST, ...HEAVY];
    const rank = (test) => {
      const i = ORDER.findIndex((path) => test.path.endsWith(path));
      return i < 0 ? ORDER.length : i;
    };
    // Array.prototype.sort is stable: jest's own order is kept within the rest.
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = HeavyFirstSequencer;
