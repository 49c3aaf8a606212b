/**
 * A view's snapshot saved and read back on PostgreSQL at the size of 1 to N provinces: the store
 * (SqlSnapshotStore: JSON in parts) beside the form it replaced (the whole state as one jsonb value),
 * in the same run. The state is shaped as personnel's directory encodes it (members, posts, the
 * namesakes' keyed hashes, the members placed in each branch), about 213,000 members a province.
 *
 * Run: npm run bench:snapshot   (env SNAPSHOT_PROVINCES, default "1,4,10"; REGISTER_PG_URL, default
 * postgres://register:register@127.0.0.1:55432/register_test; node's heap needs about 1.5 GB a province at 10)
 */
import { performance } from 'node:perf_hooks';
import { postgresClient, SqlClient, SqlSnapshotStore } from '@register/event-store';
import { printTable, round, writeResults } from './bench-util';

const PG_URL = process.env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register_test';
const PROVINCES = (process.env.SNAPSHOT_PROVINCES ?? '1,4,10').split(',').map(Number);
const MEMBERS_A_PROVINCE = 213_000;
const BRANCHES_A_PROVINCE = 3_000;

const hash = (i: number, salt: string) => `${salt}${(i * 2654435761 >>> 0).toString(36)}${(i * 40503 >>> 0).toString(36)}`.padEnd(43, 'x');

/** The directory's encoded state for `provinces` provinces. */
function directoryState(provinces: number) {
  const n = provinces * MEMBERS_A_PROVINCE;
  const members = Array.from({ length: n }, (_, i) => ({ id: `0b9f${i.toString(16).padStart(8, '0')}-4c1e-8a77-member`, branchId: `branch-${i % (provinces * BRANCHES_A_PROVINCE)}`, status: i % 17 ? 'active' : 'away' }));
  const placed = new Map<string, string[]>();
  for (const m of members) placed.set(m.branchId, [...(placed.get(m.branchId) ?? []), m.id]);
  return {
    members,
    posts: Array.from({ length: provinces * BRANCHES_A_PROVINCE }, (_, b) => [`branch-${b}`, [{ branchId: `branch-${b}`, memberId: members[b].id, role: 'secretary' }]]),
    namesakes: { keyCheck: hash(0, 'k'), persons: members.map((m, i) => [m.id, hash(i, 'p')]), nationalIds: members.map((m, i) => [m.id, hash(i, 'n')]) },
    placed: [...placed],
    erased: [],
  };
}

interface Figure {
  provinces: number;
  megabytes: number;
  saveMs?: number;
  loadMs?: number;
  failed?: string;
}

async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await body();
  return [result, performance.now() - t0];
}

/** The form replaced: one jsonb value per view, as SqlSnapshotStore kept it until 7 December 2026. */
async function oneValue(sql: SqlClient, schema: string, state: unknown, megabytes: number, provinces: number): Promise<Figure> {
  try {
    const [, saveMs] = await timed(() => sql.query(`insert into ${schema}.whole (name, state) values ('d', $1::jsonb) on conflict (name) do update set state = excluded.state`, [JSON.stringify(state)]));
    const [, loadMs] = await timed(() => sql.query(`select state from ${schema}.whole where name = 'd'`));
    return { provinces, megabytes, saveMs, loadMs };
  } catch (error) {
    return { provinces, megabytes, failed: (error as Error).message };
  }
}

async function inParts(store: SqlSnapshotStore, state: unknown, megabytes: number, provinces: number): Promise<Figure> {
  try {
    const [, saveMs] = await timed(() => store.save('d', { position: provinces, state }));
    const [loaded, loadMs] = await timed(() => store.load('d'));
    if ((loaded?.state as { members: unknown[] }).members.length !== provinces * MEMBERS_A_PROVINCE) throw new Error('read back incomplete');
    return { provinces, megabytes, saveMs, loadMs };
  } catch (error) {
    return { provinces, megabytes, failed: (error as Error).message };
  }
}

async function main() {
  const schema = `snapbench_${Date.now()}`;
  const sql = postgresClient({ connectionString: PG_URL, max: 2 });
  const rows: Array<{ whole: Figure; parts: Figure }> = [];
  try {
    const store = await SqlSnapshotStore.open(sql, schema);
    await sql.exec(`create table ${schema}.whole (name text primary key, state jsonb not null)`);
    for (const provinces of PROVINCES) {
      const state = directoryState(provinces);
      let megabytes = 0;
      try {
        megabytes = JSON.stringify(state).length / 1e6;
      } catch {
        megabytes = Number.NaN; // longer than one string can be
      }
      const whole = await oneValue(sql, schema, state, megabytes, provinces);
      const parts = await inParts(store, state, megabytes, provinces);
      rows.push({ whole, parts });
      console.log(`${provinces} province(s) done`);
    }
  } finally {
    await sql.exec(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await sql.close();
  }
  const cell = (f: Figure, key: 'saveMs' | 'loadMs') => (f.failed ? `failed: ${f.failed.slice(0, 70)}` : String(round(f[key]! / 1000, 2)));
  printTable(
    ['provinces', 'JSON MB', 'one jsonb: save s', 'load s', 'in parts: save s', 'load s', 'save+load ratio (parts / one value)'],
    rows.map(({ whole, parts }) => [
      whole.provinces, round(whole.megabytes, 1), cell(whole, 'saveMs'), cell(whole, 'loadMs'), cell(parts, 'saveMs'), cell(parts, 'loadMs'),
      whole.failed || parts.failed ? '—' : round((parts.saveMs! + parts.loadMs!) / (whole.saveMs! + whole.loadMs!), 2),
    ]),
    'A directory-shaped snapshot on PostgreSQL (seconds)',
  );
  console.log(`results: ${writeResults('snapshot', rows)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
