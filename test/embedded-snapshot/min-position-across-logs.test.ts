import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRegister, openEmbedded } from '../scale/embedded-register';

jest.setTimeout(120_000);

const why = (reason: string, effectiveDate = '2025-01-01') => ({ reason, effectiveDate });

/**
 * api.md: a command answers its `position`, and `GET …?minPosition=N` waits until the read has
 * caught up with it. A branch merger is organisation's command, and its members move in personnel,
 * which hears of it through the relay a moment later: a read of the successor's members with the
 * merger's position must show them, not the list as it stood before (docs/openapi.md).
 */
describe('minPosition of another service\'s log (the embedded start, relays on)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-min-position-'));
  let register: EmbeddedRegister;
  let admin: Record<string, string>;
  const post = async (path: string, body: object, key: string) => {
    const answer = await register.send('POST', path, body, { ...admin, 'idempotency-key': key });
    if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${answer.raw}`);
    return answer.body as { position: number };
  };
  const members = async (query: string) => {
    const answer = await register.send('GET', `/members?${query}`, undefined, admin);
    expect(answer.status).toBe(200);
    return (answer.body as { items: Array<{ id: string; branchId: string }> }).items.map((m) => `${m.id}@${m.branchId}`).sort();
  };

  beforeAll(async () => {
    register = await openEmbedded(dataDir, 'min-position');
    admin = { authorization: await register.bearer('min-position-admin') };
    await post('/units', { id: 'tw', kind: 'central', name: 'Trung ương Đoàn', ...why('khởi tạo') }, 'u-tw');
    await post('/units', { id: 'p', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw', ...why('khởi tạo') }, 'u-p');
    await post('/units', { id: 'c', kind: 'grassroots', name: 'Đoàn xã Tri Lễ', parentId: 'p', ...why('khởi tạo') }, 'u-c');
    for (let i = 1; i <= 6; i += 1) await post('/branches', { id: `b-${i}`, parentUnitId: 'c', name: `Chi đoàn bản Piềng ${i}`, area: { kind: 'village', name: `Piềng ${i}` }, ...why('thành lập') }, `b-${i}`);
    await register.settled();
    for (let i = 1; i <= 6; i += 1) {
      const member = { id: `m-${i}`, branchId: `b-${i}`, fullName: `Lô Thị Hương ${i}`, dateOfBirth: '2003-05-0' + i, gender: 'female', admittedOn: '2024-03-26', ...why('kết nạp', '2024-03-26') };
      await post('/members', member, `m-${i}`);
    }
    await register.settled();
  });

  afterAll(async () => {
    await register.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the members a merger moved, read at once with the merger\'s position', async () => {
    for (const source of ['b-2', 'b-4', 'b-6']) {
      const target = `b-${Number(source.slice(2)) - 1}`;
      const merger = await post('/branch-mergers', { sourceBranchIds: [source], into: { branchId: target }, ...why('sáp nhập thôn bản', '2025-07-01') }, `merge-${source}`);
      expect(await members(`branchId=${target}&minPosition=${merger.position}`)).toEqual([`m-${source.slice(2)}@${target}`, `m-${target.slice(2)}@${target}`].sort());
      expect(await members(`branchId=${source}&minPosition=${merger.position}`)).toEqual([]);
    }
  });

  it('counts in the summary, read at once with a merger\'s position, the members moved into a branch the merger made', async () => {
    const merger = await post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-3'], into: { name: 'Chi đoàn bản Piềng Mới', area: { kind: 'village', name: 'Piềng Mới' } }, ...why('sáp nhập thôn bản', '2025-09-01') }, 'merge-new');
    const answer = await register.send('GET', `/reports/units/c/summary?year=2025&minPosition=${merger.position}`, undefined, admin);
    expect(answer.status).toBe(200);
    const { branches, members: counted } = answer.body as { branches: { total: number; withoutMembers: number }; members: { total: number } };
    expect([branches.total, branches.withoutMembers, counted.total]).toEqual([2, 0, 6]);
  });

  it('still reads its own log\'s position as before: an admission, then the member', async () => {
    const admitted = await post('/members', { id: 'm-new', branchId: 'b-5', fullName: 'Vi Văn Tùng', dateOfBirth: '2004-01-09', gender: 'male', admittedOn: '2025-03-26', ...why('kết nạp', '2025-03-26') }, 'm-new');
    expect(await members(`branchId=b-5&minPosition=${admitted.position}`)).toContain('m-new@b-5');
  });
});
