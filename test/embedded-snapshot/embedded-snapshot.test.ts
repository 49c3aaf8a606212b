import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { readSnapshotFile, writeSnapshotFile } from '@register/service-kit';
import { loadProvince } from '../scale/load-province';
import { inParallel } from '../support/in-parallel';
import { openSnapshotted, SnapshottedRegister } from './embedded-app';
import { admitWhenKnown } from './admit';
import { settledPaths } from './settled-reads';

// Each case starts the embedded register two or three times, slower while another suite loads the machine.
jest.setTimeout(300_000);

/** Reads that cross every service: the read models, the reporting model, and the replicas behind the member and branch answers. */
const READS = [
  '/units/p/tree',
  '/units/c-0',
  '/branches/b-0-0',
  '/branches/b-0-1',
  '/reports/units/p/summary',
  '/reports/units/c-0/summary',
  '/members?unitId=p&limit=200',
  '/members?branchId=b-0-0&limit=200',
  '/members?branchId=b-0-1&limit=200',
  '/training-courses',
];

const admit = (register: SnapshottedRegister, ids: string[], branchId?: string) => admitWhenKnown(register, 'snapshot', ids, branchId);

/**
 * Sixty members over commune c-0's first ten branches, eight admissions at a time as offices would send them. The plan's
 * own first year admits 1,650 at once, and every start that replays reads all of them again: that many cost most of this
 * suite's CPU and add nothing to what it checks (the same answers from a snapshot as from a replay).
 */
async function admitMembers(register: SnapshottedRegister): Promise<void> {
  const ids = Array.from({ length: 60 }, (_, i) => `m-${i}`);
  await inParallel(ids, 8, (id, i) => admit(register, [id], `b-0-${i % 10}`));
}

async function answers(register: SnapshottedRegister): Promise<Record<string, string>> {
  await register.caughtUp();
  const headers = { authorization: await register.bearer('snapshot-reader'), 'x-purpose': 'snapshot test' };
  const out: Record<string, string> = {};
  const paths = await settledPaths(register, READS);
  for (const [i, path] of READS.entries()) {
    const answer = await register.send('GET', paths[i], undefined, headers);
    out[path] = `${answer.status} ${answer.raw}`;
  }
  return out;
}

/**
 * The embedded start on one DATA_DIR, opened again and again: a clean close writes the snapshot and
 * the next start resumes from it (nothing replayed); a crash after a periodic snapshot resumes from
 * it and replays the tail; a part of another version, a missing part, or the logs replaced by an
 * older copy make the start replay everything. The answers over HTTP are the same every time.
 */
describe('the embedded snapshot', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-snapshot-'));
  const work = mkdtempSync(join(tmpdir(), 'embedded-snapshot-work-'));
  const checkpointFile = join(work, 'plan-checkpoint.json');
  const olderCopy = join(work, 'older');
  // The plan's first groups only (up to 0.1% of its commands): the country, the province, commune c-0 and its 30 branches.
  const structure = { seed: 3, factor: 0.02, until: 0.001, progress: false, checkpointFile };
  const file = join(dataDir, 'snapshots', 'embedded.v8');
  let first: Record<string, string>;
  let later: Record<string, string>;

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('a start after a clean close resumes from the snapshot: the same answers, nothing before the saved positions read again', async () => {
    const a = await openSnapshotted(dataDir);
    expect(a.snapshots.restored).toBe(false);
    const loaded = await loadProvince(a, structure);
    expect(loaded.refused).toBe(0);
    await admitMembers(a);
    first = await answers(a);
    expect(Object.values(first).every((answer) => answer.startsWith('200 '))).toBe(true);
    expect(first['/members?branchId=b-0-0&limit=200']).toContain('"fullName"');
    await a.close();
    cpSync(dataDir, olderCopy, { recursive: true });

    const b = await openSnapshotted(dataDir);
    try {
      expect(b.snapshots.restored).toBe(true);
      expect(await answers(b)).toEqual(first);
      expect({ published: b.snapshots.publishedSinceStart, applied: b.runnerEvents() }).toEqual({ published: 0, applied: 0 });
    } finally {
      await b.close();
    }
  });

  it('after a crash, the start resumes from the last periodic snapshot and replays the writes after it', async () => {
    const b = await openSnapshotted(dataDir);
    const before = await b.events();
    await admit(b, ['snap-1', 'snap-2', 'snap-3']);
    await b.caughtUp();
    expect(await b.snapshots.snapshot('periodic')).toBe(true);
    const atSnapshot = await b.events();
    await admit(b, ['snap-4', 'snap-5'], 'b-0-0');
    const after = await b.events();
    later = await answers(b);
    expect(atSnapshot).toBeGreaterThan(before);
    expect(after).toBeGreaterThan(atSnapshot);
    b.snapshots.abandon(); // the process dies: no shutdown snapshot
    await b.close();

    const c = await openSnapshotted(dataDir);
    try {
      expect(c.snapshots.restored).toBe(true);
      expect(await answers(c)).toEqual(later);
      // the tail only: the writes after the periodic snapshot, not the whole log again
      expect(c.snapshots.publishedSinceStart).toBeGreaterThan(0);
      expect(c.snapshots.publishedSinceStart).toBeLessThanOrEqual(after - atSnapshot);
      // the replicas came back: personnel still knows the branches organisation told it of
      await admit(c, ['snap-6']);
      later = await answers(c);
      expect(later['/members?branchId=b-0-1&limit=200']).toContain('snap-6');
    } finally {
      await c.close();
    }
  });

  it('a snapshot with a part of another version, or without a part, is not used: every log replayed, the same answers', async () => {
    for (const tamper of [(versions: Record<string, number>) => (versions['read-store'] = 99), (versions: Record<string, number>) => delete versions['read-store']]) {
      const saved = readSnapshotFile(file);
      tamper(saved.header.versions);
      await writeSnapshotFile(file, saved.header, serialize(saved.states()));
      const d = await openSnapshotted(dataDir);
      try {
        expect(d.snapshots.restored).toBe(false);
        expect(d.snapshots.notRestoredBecause).toMatch(/read-store/);
        expect(await answers(d)).toEqual(later);
        expect(d.runnerEvents()).toBeGreaterThan(0);
      } finally {
        await d.close();
      }
    }
  });

  it('with the logs replaced by an older copy, the snapshot is not used: the answers are the older copy’s', async () => {
    rmSync(join(dataDir, 'event-log'), { recursive: true, force: true });
    cpSync(join(olderCopy, 'event-log'), join(dataDir, 'event-log'), { recursive: true });
    const e = await openSnapshotted(dataDir);
    try {
      expect(e.snapshots.restored).toBe(false);
      expect(e.snapshots.notRestoredBecause).toMatch(/older copy/);
      expect(await answers(e)).toEqual(first);
    } finally {
      await e.close();
    }
  });
});
