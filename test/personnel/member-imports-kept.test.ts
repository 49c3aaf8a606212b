import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_PREFIX } from '@register/service-kit';
import { Gateway, Reply, startGateway, startSeeded } from '../gateway/gateway-app';
import { applicant, csvOf, multipartBody } from '../support/member-import-files';

jest.setTimeout(300_000);

/**
 * An import's progress outlives the process that ran it (embedded, PGlite, the same data folder
 * started again): a finished import still answers, without its rows' names; an import cut short by a
 * stop answers failed, interrupted at the row it had reached, and the same file again goes on from it.
 */
describe('member imports kept beside the log (embedded, started again on its data folder)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-imports-kept-'));
  let gw: Gateway;
  let officer: Record<string, string>;

  const start = async () => {
    gw = await startGateway({ dataDir });
    await gw.syncPersonnel();
    officer = await gw.bearer({ sub: 'qp-officer', roles: ['unit-officer'], scopeUnitId: 'qp' });
  };
  const upload = (file: Buffer) => {
    const { payload, contentType } = multipartBody(file, 'doan-vien.csv', { reason: 'kết nạp đợt 26/3' });
    return gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=qp`, headers: { ...officer, 'content-type': contentType }, payload });
  };
  const progress = (id: string) => gw.inject({ method: 'GET', url: `/${API_PREFIX}/member-imports/${encodeURIComponent(id)}`, headers: officer });
  const until = async (id: string, done: (r: Reply) => boolean): Promise<Reply> => {
    for (;;) {
      const r = await progress(id);
      expect(r.status).toBe(200);
      if (done(r)) return r;
      // Each look renders every row so far: looking often slows the import it waits for.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const admitted = async () => (await gw.personnelStore.readAll(0, 100_000)).filter((e) => e.type === 'MemberAdmitted').length;
  const file = (from: number, count: number) => csvOf(Array.from({ length: count }, (_, i) => applicant(from + i, ['b-1', 'b-2', 'b-3'][i % 3])));

  beforeAll(async () => {
    ({ gw } = await startSeeded({ dataDir }));
    await gw.close();
    await start();
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a finished import answers the same after a restart, its rows by number, verdict and member id, without names', async () => {
    // Row 7 (the sixth applicant) has its name typed in the branch column too: refused, its message quoting the cell.
    const misplaced = applicant(5, 'b-1');
    const sheet = Array.from({ length: 120 }, (_, i) => applicant(i, ['b-1', 'b-2', 'b-3'][i % 3]));
    sheet[5] = { ...misplaced, branch: misplaced.fullName };
    const started = await upload(csvOf(sheet));
    expect(started.status).toBe(202);
    const before = await until(started.body.id, (r) => r.body.status === 'finished');
    expect(before.body.counts).toMatchObject({ admitted: 119, refused: 1 });
    expect(before.body.rows.find((r: { row: number }) => r.row === 7).message).toContain(`“${misplaced.fullName}”`);
    expect(before.body.rows[0].fullName).toBe(applicant(0, 'b-1').fullName);

    await gw.close();
    await start();
    const after = await progress(started.body.id);
    expect(after.status).toBe(200);
    const { rows, ...rest } = after.body;
    const { rows: rowsBefore, ...restBefore } = before.body;
    expect(rest).toEqual(restBefore);
    const quoted = (m: string) => m.replace(/“[^”]*”/g, '“…”');
    type Row = { message?: string; errors?: Array<{ message: string }> };
    const kept = (r: Row) => ({ ...r, fullName: null, ...(r.message ? { message: quoted(r.message) } : {}), ...(r.errors ? { errors: r.errors.map((e) => ({ ...e, message: quoted(e.message) })) } : {}) });
    expect(rows).toEqual(rowsBefore.map(kept));
    expect(JSON.stringify(after.body)).not.toContain(applicant(0, 'b-1').fullName);
    expect(JSON.stringify(after.body)).not.toContain(misplaced.fullName);
    expect((await progress('qp:0000000000000000')).status).toBe(404);
  });

  it('an import cut short by a stop answers failed, interrupted at the row it reached; the same file again admits the rest and nobody twice', async () => {
    const before = await admitted();
    const big = file(1000, 1500);
    const started = await upload(big);
    expect(started.status).toBe(202);
    await until(started.body.id, (r) => r.body.processed >= 500);
    await gw.close(); // the import still running

    await start();
    const cut = await progress(started.body.id);
    expect(cut.body).toMatchObject({ status: 'failed', total: 1500 });
    expect(cut.body.failure).toMatch(/^interrupted: the personnel service stopped while the import ran \(\d+ of 1500 rows done\)/);
    expect(cut.body.processed).toBeGreaterThanOrEqual(500);
    expect(cut.body.processed).toBeLessThan(1500);
    const admittedBeforeStop = (await admitted()) - before;
    expect(admittedBeforeStop).toBeGreaterThanOrEqual(cut.body.counts.admitted);

    const again = await upload(big);
    const done = await until(again.body.id, (r) => r.body.status !== 'running');
    expect(done.body).toMatchObject({ status: 'finished', counts: { admitted: 1500 - admittedBeforeStop, alreadyAdmitted: admittedBeforeStop, refused: 0 } });
    expect((await admitted()) - before).toBe(1500);
  });
});
