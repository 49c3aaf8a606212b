import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbedded, Register } from './embedded-register';
import { loadProvince } from './load-province';
import { StatementCount } from './statement-count';

const PLAN = { seed: 3, factor: 0.02, progress: false } as const;

/**
 * What an admission costs the embedded start's one database thread, counted in statements (not
 * timed): the idempotency look-up, the member's stream, the head the write-side view waits for,
 * the append, the member's key; and one read of the log's tail for the relay, the read models,
 * the write-side view and the gateway's reports together. Idle logs are not read at all.
 */
describe('the work of one admission in the embedded start', () => {
  let dataDir: string;
  let register: Register;
  const count = new StatementCount();
  beforeAll(async () => {
    process.env.REGISTER_LOG_SAFETY_POLL_MS = '600000'; // so that every read counted is one an append caused
    process.env.REGISTER_PGLITE_THREAD = 'off'; // the count wraps PGlite's query on this thread; the statements are the same on a worker thread
    count.install();
    dataDir = mkdtempSync(join(tmpdir(), 'scale-statements-'));
    register = await openEmbedded(dataDir);
  });
  afterAll(async () => {
    await register.close();
    count.uninstall();
    delete process.env.REGISTER_LOG_SAFETY_POLL_MS;
    delete process.env.REGISTER_PGLITE_THREAD;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('admits 1,650 members at six statements each (and a few per hundred for the log checkpoints), the key and the tail read once, no reads of the idle logs', async () => {
    const checkpointFile = join(dataDir, 'checkpoint.json');
    await loadProvince(register, { ...PLAN, until: 0.001, checkpointFile }); // the structure: province, commune, branches
    count.reset();
    const window = await loadProvince(register, { ...PLAN, until: 0.004, checkpointFile });
    const admissions = window.eventsAfter - window.eventsBefore;
    const per = (n: number) => Math.round((n / admissions) * 100) / 100;
    console.log(`${admissions} admissions, ${per(count.total())} statements each`, count.snapshot());
    expect({ admissions, refused: window.refused }).toEqual({ admissions: 1650, refused: 0 });
    expect({ key: per(count.of('key', 'personnel')), tail: per(count.of('readAll', 'personnel')) }).toEqual({ key: 1, tail: expect.any(Number) });
    expect(per(count.of('readAll', 'personnel'))).toBeLessThanOrEqual(1);
    expect(per(count.total())).toBeLessThanOrEqual(6.25);
    expect(count.of('readAll', 'training') + count.of('readAll', 'evaluation')).toBeLessThanOrEqual(10);
  });
});
