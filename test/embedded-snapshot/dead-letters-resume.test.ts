import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent } from '@register/event-sourcing';
import { eventsTopic, InProcessBus, toMessage } from '@register/messaging';
import { EMBEDDED_GROUP, EmbeddedSnapshots } from '@register/service-kit';
import { BranchReplica } from '../../services/personnel/src/application/branch-replica';
import { openEmbedded } from '../scale/embedded-register';

jest.setTimeout(120_000);

/** A branch organisation established whose delivery to the embedded consumers failed every attempt. */
const established: RecordedEvent = {
  eventId: 'dead-letter-resume-1',
  type: 'BranchEstablished',
  schemaVersion: 1,
  data: { branchId: 'b-dl', parentUnitId: 'u-dl', name: 'Chi đoàn thư chết', area: null, predecessorIds: [] },
  metadata: { actor: 'test', reason: 'dead letter kept in the snapshot', effectiveDate: '2024-01-01', correlationId: 'dead-letter-resume' },
  streamId: 'organisation-branch-b-dl',
  revision: 0,
  position: 1,
  recordedAt: '2024-01-01T00:00:00.000Z',
};

/**
 * A start that resumes from the snapshot no longer replays the logs, so the bus sends its restored
 * dead letters back itself (InProcessBus.restoreState, open). The snapshot is restored in the app's
 * init: the bus must open after it, or the letters stay dead and the replica they were for lacks
 * what a start that replayed the logs would have given it.
 */
describe('dead letters across an embedded resume', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-dead-letters-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a dead letter kept in the snapshot goes back to its consumer when the next start resumes from it', async () => {
    const a = await openEmbedded(dataDir, 'dead-letters');
    a.app.get(InProcessBus).deadLetters.push({ topic: eventsTopic('organisation'), group: EMBEDDED_GROUP, message: toMessage(established), error: 'failed in the test', attempts: 3, failedAt: '2024-01-01T00:00:00.000Z' });
    await a.close(); // the shutdown snapshot keeps the letter

    const b = await openEmbedded(dataDir, 'dead-letters');
    try {
      expect(b.app.get(EmbeddedSnapshots).restored).toBe(true);
      const bus = b.app.get(InProcessBus);
      const replica = b.app.get(BranchReplica);
      // Turns of the loop, not time: the letter's delivery is a few of them once sent back.
      for (let turn = 0; turn < 1000 && replica.statusOf('b-dl') === 'unknown'; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect({ letters: bus.deadLetters.length, branch: replica.statusOf('b-dl') }).toEqual({ letters: 0, branch: 'active' });
    } finally {
      await b.close();
    }
  });
});
