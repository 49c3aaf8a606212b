/**
 * The embedded start as it runs (`node dist/services/embedded/src/main.js`, one process, one
 * context) SIGKILLed: no shutdown snapshot, PGlite's log cut off mid-flight. The next start resumes
 * from the last snapshot and replays what the dead process wrote after it: its answers include
 * those writes, and the replicas fed over the bus are whole (personnel still admits to the
 * branches organisation told it of; the reporting summary counts the new members).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSigningSecret, mintToken } from '@register/auth';
import { readSnapshotFile } from '@register/service-kit';
import { buildFixtures } from '../messaging/processes';
import { Answer, Register } from '../scale/embedded-register';
import { loadProvince } from '../scale/load-province';
import { freePort } from '../support/free-port';
import { inParallel } from '../support/in-parallel';
import { ServiceChild } from '../support/service-child';
import { admitWhenKnown } from './admit';
import { settledPaths } from './settled-reads';

/** The embedded start's address, on a port found free in beforeAll. */
let base = '';
const READS = ['/units/p/tree', '/branches/b-0-1', '/reports/units/p/summary', '/members?branchId=b-0-1&limit=200', '/members?unitId=p&limit=200'];

/** The embedded start on `port`; no periodic snapshot: the only ones are those written at a clean stop. */
function embeddedProcess(dataDir: string, port: number): ServiceChild {
  return new ServiceChild('embedded', { DATA_DIR: dataDir, REGISTER_SNAPSHOT_EVERY_SECONDS: '0', REGISTER_RATE_PER_SEC: '1000000', REGISTER_RATE_BURST: '1000000' }, port);
}

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function overHttp(dataDir: string): Register & { get(path: string): Promise<string> } {
  const bearer = async (sub: string) => `Bearer ${await mintToken(localSigningSecret(dataDir, {}), { sub, roles: ['central-admin'] })}`;
  return {
    async send(method, path, body, headers): Promise<Answer> {
      const res = await fetch(`${base}/api/v1${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      const raw = await res.text();
      return { status: res.status, body: raw ? JSON.parse(raw) : undefined, raw };
    },
    bearer,
    events: async () => 0,
    settled: async () => undefined,
    close: async () => undefined,
    async get(path) {
      const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: await bearer('sigkill-reader'), 'x-purpose': 'snapshot test' } });
      return `${res.status} ${await res.text()}`;
    },
  };
}

const admit = (register: Register, ids: string[], branchId?: string) => admitWhenKnown(register, 'sigkill', ids, branchId);

describe('the embedded start SIGKILLed after its snapshot', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-sigkill-'));
  const work = mkdtempSync(join(tmpdir(), 'embedded-sigkill-work-'));
  const register = overHttp(dataDir);
  let embedded: ServiceChild;

  beforeAll(async () => {
    buildFixtures();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    embedded = embeddedProcess(dataDir, port);
  }, 300_000);
  afterAll(async () => {
    await embedded?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('resumes from the snapshot and replays the writes the dead process made after it', async () => {
    await embedded.start('ready');
    // The plan's first groups only (up to 0.1% of its commands: the country, the province, commune c-0 and its 30 branches),
    // then sixty members over ten branches, eight at a time. The plan's own first year admits 1,650, which cost most of
    // this suite's CPU (and every replay's) and add nothing to what it checks.
    const loaded = await loadProvince(register, { seed: 3, factor: 0.02, until: 0.001, progress: false, checkpointFile: join(work, 'plan.json') });
    expect(loaded.refused).toBe(0);
    await inParallel(Array.from({ length: 60 }, (_, i) => `m-${i}`), 8, (id, i) => admit(register, [id], `b-0-${i % 10}`));
    await embedded.stop('SIGINT');
    const saved = readSnapshotFile(join(dataDir, 'snapshots', 'embedded.v8')).header;

    await embedded.start('ready');
    expect(embedded.output).toContain(`resumed from the snapshot of ${saved.takenAt}`);
    await admit(register, ['kill-1', 'kill-2', 'kill-3']);
    await until(async () => (await register.get('/members?branchId=b-0-1&limit=200')).includes('kill-3'), 'the admissions in the member list');
    const paths = await settledPaths(register, READS);
    await until(async () => (await register.get(paths[READS.indexOf('/reports/units/p/summary')])).startsWith('200 '), 'the summary at the logs\' heads');
    const before: Record<string, string> = {};
    for (const [i, path] of READS.entries()) before[path] = await register.get(paths[i]);
    await embedded.stop('SIGKILL');
    // the snapshot is still the one of the clean stop: the admissions are after it
    expect(readSnapshotFile(join(dataDir, 'snapshots', 'embedded.v8')).header.takenAt).toBe(saved.takenAt);

    await embedded.start('ready');
    expect(embedded.output).toContain(`resumed from the snapshot of ${saved.takenAt}`);
    const after: Record<string, string> = {};
    await until(async () => {
      for (const [i, path] of READS.entries()) after[path] = await register.get(paths[i]);
      return JSON.stringify(after) === JSON.stringify(before);
    }, 'the answers of before the kill');
    expect(after).toEqual(before);
    expect(after['/members?branchId=b-0-1&limit=200']).toContain('kill-3');
    await admit(register, ['kill-4']); // the branch replica came back whole
    await embedded.stop('SIGINT');
    expect(readFileSync(join(dataDir, 'snapshots', 'embedded.v8')).length).toBeGreaterThan(0);
  }, 600_000); // three starts of the compiled process, each slower while another suite loads the machine
});
