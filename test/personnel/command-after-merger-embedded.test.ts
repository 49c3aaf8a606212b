import { EmbeddedStart, startEmbedded } from '../openapi/embedded-start';

jest.setTimeout(180_000);

/**
 * The embedded start as a user runs it: a command sent the moment a branch merger is answered is
 * decided on the merger's consequences. A black-box probe appointed a source branch's member as the
 * successor's interim secretary right after the merger's 201: 3 of 5 were refused 422
 * `member-not-in-branch`, personnel's reaction (moving the members) not yet recorded. An embedded
 * command now answers once its events have been handled by every consumer of the in-process bus.
 */
describe('a command right after a branch merger is answered (the embedded start)', () => {
  let register: EmbeddedStart;
  let post: (path: string, body: Record<string, unknown>) => Promise<{ status: number; body: { id: string } & Record<string, unknown> }>;

  beforeAll(async () => {
    register = await startEmbedded();
    const bearer = `Bearer ${register.token()}`;
    post = async (path, body) => {
      const r = await fetch(`${register.url}/api/v1${path}`, { method: 'POST', headers: { authorization: bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { id: string } & Record<string, unknown> };
    };
  });
  afterAll(() => register?.stop());

  const ok = async (path: string, body: Record<string, unknown>) => {
    const r = await post(path, body);
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  it('appoints a member of a merged branch in its successor at once, every time', async () => {
    const root = await ok('/units', { kind: 'central', name: 'Trung ương Đoàn', parentId: null, reason: 'khởi tạo', effectiveDate: '2019-01-01' });
    const commune = await ok('/units', { kind: 'grassroots', name: 'Đoàn xã Lũng Cú', parentId: root.id, reason: 'thành lập', effectiveDate: '2020-01-01' });
    const answers: number[] = [];
    for (const round of 'ABCDEF') {
      const branches: string[] = [];
      for (const hamlet of ['Lô Lô Chải', 'Thèn Ván']) branches.push((await ok('/branches', { parentUnitId: commune.id, name: `Chi đoàn thôn ${hamlet} ${round}`, area: { kind: 'hamlet', name: `${hamlet} ${round}` }, reason: 'thành lập', effectiveDate: '2020-06-01' })).id);
      const member = await ok('/members', { branchId: branches[0], fullName: `Sùng Thị Mai ${round}`, dateOfBirth: '2000-05-01', gender: 'female', admittedOn: '2021-03-26', reason: 'kết nạp' });
      const merged = await ok('/branch-mergers', { sourceBranchIds: branches, into: { name: `Chi đoàn thôn Lô Lô Chải - Thèn Ván ${round}`, area: { kind: 'hamlet', name: `Lô Lô Chải - Thèn Ván ${round}` } }, reason: 'sáp nhập thôn', effectiveDate: '2024-01-15' });
      const appointed = await post(`/branches/${merged.id}/officer-appointments`, { memberId: member.id, role: 'secretary', method: 'interim', source: 'militia', startsOn: '2024-01-20', congressDeadline: '2024-07-15', reason: 'chỉ định bí thư lâm thời' });
      answers.push(appointed.status);
    }
    expect(answers).toEqual([201, 201, 201, 201, 201, 201]);
  });
});
