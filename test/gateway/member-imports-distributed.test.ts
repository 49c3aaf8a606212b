import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { applicant, ImportRow, xlsxOf } from '../support/member-import-files';
import { Distributed, startDistributed } from './distributed-app';

jest.setTimeout(240_000);

/** What POST and GET /member-imports answer, as far as these tests read it. */
interface ImportAnswer {
  id: string;
  status: string;
  failure: string | null;
  counts: Record<string, number>;
  rows: Array<{ row: number; verdict: string; rule?: string }>;
  rowsPerSecond: number;
}

/**
 * Issue 19, points 3 and 5, distributed: an .xlsx uploaded through the gateway (multipart, passed
 * on to personnel as it came), imported in the background on PostgreSQL with the member directory
 * on FerretDB; the same file again admits nobody twice; the member list streamed back as CSV
 * through the gateway keeps the Vietnamese names intact.
 */
describe('member imports and CSV, distributed (PostgreSQL, FerretDB; through the gateway over HTTP)', () => {
  let d: Distributed;
  let base: string;
  let officer: Record<string, string>;

  const upload = async (file: Buffer, name: string, fields: Record<string, string>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([file]), name);
    const r = await fetch(`${base}/member-imports?unitId=qp`, { method: 'POST', headers: officer, body: form });
    return { status: r.status, body: (await r.json()) as ImportAnswer };
  };
  const finished = async (id: string) => {
    for (;;) {
      const r = await fetch(`${base}/member-imports/${encodeURIComponent(id)}`, { headers: officer });
      expect(r.status).toBe(200);
      const body = (await r.json()) as ImportAnswer;
      if (body.status !== 'running') return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const admitted = async () => (await d.personnelStore.readAll(0, 100_000)).filter((e) => e.type === 'MemberAdmitted').length;

  beforeAll(async () => {
    d = await startDistributed(randomBytes(24).toString('hex'));
    base = `${(await d.gateway.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
    officer = await d.token({ sub: 'qp-officer', roles: ['unit-officer'], scopeUnitId: 'qp' });
  });
  afterAll(() => d?.close());

  it('imports an .xlsx, refuses and names its bad rows, admits nobody twice, and lists the members back as CSV', async () => {
    const rows: ImportRow[] = Array.from({ length: 200 }, (_, n) => applicant(n, n % 2 ? 'Chi đoàn bản Mường Phú' : 'b-2'));
    rows[7] = { ...rows[7], branch: 'b-9' };
    rows[8] = { ...rows[8], dateOfBirth: '1960-01-01' };
    const file = await xlsxOf(rows);

    const started = await upload(file, 'doan-vien.xlsx', { reason: 'kết nạp đợt 26/3' });
    expect(started.status).toBe(202);
    const done = await finished(started.body.id);
    expect(done.counts).toEqual({ valid: 0, admitted: 198, alreadyAdmitted: 0, refused: 2 });
    expect(done.rows.filter((r) => r.verdict === 'refused').map((r) => `${r.row}:${r.rule}`)).toEqual(['9:unknown-branch', '10:admission-age']);
    console.log(`member import (distributed): ${done.rowsPerSecond} rows/s`);
    expect(await admitted()).toBe(198);

    const again = await finished((await upload(file, 'doan-vien.xlsx', { reason: 'gửi lại' })).body.id);
    expect([again.status, again.failure, again.counts]).toMatchObject(['finished', null, { admitted: 0, alreadyAdmitted: 198 }]);
    expect(await admitted()).toBe(198);

    const list = await fetch(`${base}/members?branchId=b-1&minPosition=${await d.personnelStore.headPosition()}`, { headers: { ...officer, accept: 'text/csv' } });
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = Buffer.from(await list.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\ufeffid,fullName,')).toBe(true);
    const names = (parse(text, { bom: true, columns: true }) as Array<{ fullName: string }>).map((r) => r.fullName).sort();
    expect(names).toEqual(rows.filter((r, n) => n % 2 === 1 && n !== 7).map((r) => r.fullName).sort());
  });

  it('a file that is no spreadsheet or is too large is refused through the gateway, and nothing is admitted', async () => {
    const before = await d.heads();
    const png = await upload(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'anh.png', { reason: 'nhầm tệp' });
    expect(png.status).toBe(415);
    const huge = await upload(Buffer.alloc(6 * 1024 * 1024, 0x41), 'lon.csv', { reason: 'quá lớn' });
    expect(huge.status).toBe(413);
    expect(await d.heads()).toBe(before);
  });
});
