import { EventStore, SnapshotStore } from '@register/event-sourcing';
import { FINGERPRINT_SECRET } from '@register/service-kit';
import { PersonnelDirectory } from '../../services/personnel/src/application/personnel-directory';
import { PERSONNEL_SNAPSHOTS } from '../../services/personnel/src/application/tokens';
import { Distributed, startDistributed } from '../gateway/distributed-app';

/**
 * The possible-duplicate check of an admission is the write side's (PersonnelDirectory's namesake
 * index), not the member directory's read model on FerretDB: admissions at once into one branch do
 * not wait in line for a projection, the same person sent twice at once is admitted once, and the
 * index (keyed hashes) resumes from the directory's snapshot, which holds no name.
 */
describe('admissions checked for namesakes on the write side (distributed, FerretDB read models)', () => {
  let d: Distributed;
  /** The one of the two admitted at once that was admitted. */
  let twin = '';
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  const admit = (id: string, fullName: string, extra: Record<string, unknown> = {}) =>
    d.gw.post('/members', { id, branchId: 'b-3', fullName, dateOfBirth: '2003-04-05', gender: 'female', admittedOn: '2025-02-01', reason: 'kết nạp', ...extra }, d.admin);
  const statuses = (answers: Array<{ status: number }>) => answers.map((a) => a.status).sort();

  // Not timed: how fast is bench:gateway's to say, not an assertion's (a loaded CI machine would fail it).
  it('20 admissions of different people into one branch at once: all 201', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => admit(`m-many-${i}`, `Lường Thị Số ${i}`)));
    expect(statuses(answers)).toEqual(Array(20).fill(201));
  });

  it('the same person twice at once: one 201, one 409 possible-duplicate naming the member admitted', async () => {
    const answers = await Promise.all([admit('m-twin-a', 'Quàng Thị Đôi'), admit('m-twin-b', 'quàng  thị ĐÔI')]);
    expect(statuses(answers)).toEqual([201, 409]);
    const admitted = answers.find((a) => a.status === 201)!.body.id;
    twin = admitted;
    const refused = answers.find((a) => a.status === 409)!.body;
    expect([refused.rule, refused.existingMemberId]).toEqual(['possible-duplicate', admitted]);
    expect((await admit('m-twin-c', 'Quàng Thị Đôi', { namesake: true })).status).toBe(201);
  });

  it('the same name typed with the other tone placement (Hoà and Hòa, Thuý and Thúy) is the same name: 409, and a search with diacritics finds both ways', async () => {
    expect((await admit('m-tone-a', 'Lò Thuý Hoà')).status).toBe(201);
    const again = await admit('m-tone-b', 'Lò Thúy Hòa');
    expect([again.status, again.body.rule, again.body.existingMemberId]).toEqual([409, 'possible-duplicate', 'm-tone-a']);
    for (const q of ['Thúy Hòa', 'Thuý Hoà']) {
      const found = await d.gw.get(`/members?branchId=b-3&q=${encodeURIComponent(q)}&minPosition=${await d.personnelStore.headPosition()}`, { ...d.admin, 'x-purpose': 'namesake check' });
      expect(found.body.items.map((m: { id: string }) => m.id)).toEqual(['m-tone-a']);
    }
  });

  it('the same name with a Cyrillic letter or a typographic apostrophe is the same name: 409 (a black-box probe admitted both); a full-width letter is refused', async () => {
    expect((await admit('m-look-a', 'Nguyễn Văn An')).status).toBe(201);
    const cyrillic = await admit('m-look-b', 'Nguyễn Văn \u0410n');
    expect([cyrillic.status, cyrillic.body.rule, cyrillic.body.existingMemberId]).toEqual([409, 'possible-duplicate', 'm-look-a']);
    expect((await admit('m-look-c', "Ksor H'Bơ Khăp")).status).toBe(201);
    const curly = await admit('m-look-d', 'Ksor H’Bơ Khăp');
    expect([curly.status, curly.body.rule, curly.body.existingMemberId]).toEqual([409, 'possible-duplicate', 'm-look-c']);
    const wide = await admit('m-look-e', 'Ｎguyễn Văn Bảy');
    expect([wide.status, JSON.stringify(wide.body)]).toEqual([400, expect.stringContaining('full-width')]);
  });

  it('a name typed without any mark is the marked one, either way round (a black-box probe admitted both): 409; two names with different marks stay two', async () => {
    expect((await admit('m-bare-a', 'Trịnh Thị Ngọc Ánh')).status).toBe(201);
    const bare = await admit('m-bare-b', 'Trinh Thi Ngoc Anh');
    expect([bare.status, bare.body.rule, bare.body.existingMemberId]).toEqual([409, 'possible-duplicate', 'm-bare-a']);
    expect((await admit('m-bare-c', 'Hoang Van Dat')).status).toBe(201);
    const marked = await admit('m-bare-d', 'Hoàng Văn Đạt');
    expect([marked.status, marked.body.rule, marked.body.existingMemberId]).toEqual([409, 'possible-duplicate', 'm-bare-c']);
    expect((await admit('m-bare-e', 'Trịnh Thị Ngọc Anh')).status).toBe(201);
  });

  it('after the erasure of a member, their name and date of birth admit again without 409', async () => {
    expect((await admit('m-erased', 'Cầm Thị Xoá')).status).toBe(201);
    expect((await admit('m-erased-2', 'Cầm Thị Xoá')).body.rule).toBe('possible-duplicate');
    expect((await d.gw.post('/members/m-erased/personal-data-erasure', { reason: 'yêu cầu của đoàn viên' }, d.admin)).status).toBe(201);
    expect((await admit('m-erased-2', 'Cầm Thị Xoá')).status).toBe(201);
  });

  it('a restart resumes from the directory snapshot with the index, and the snapshot holds no name', async () => {
    const snapshots = d.personnel.get<SnapshotStore>(PERSONNEL_SNAPSHOTS);
    const secret = d.personnel.get<string>(FINGERPRINT_SECRET);
    const before = new PersonnelDirectory(d.personnelStore, snapshots, secret);
    await before.onModuleInit();
    await before.caughtUp();
    await before.onModuleDestroy();
    const saved = await snapshots.load('personnel.directory@10');
    const json = JSON.stringify(saved);
    for (const name of ['Quàng', 'quàng', 'Đôi', 'Xoá', 'Lường', 'hoang van dat', 'Hoang', '2003-04-05']) expect(json).not.toContain(name);

    const from: number[] = [];
    const subscribe: EventStore['subscribe'] = (at, ...rest) => (from.push(at), d.personnelStore.subscribe(at, ...rest));
    const watched = Object.create(d.personnelStore, { subscribe: { value: subscribe } }) as EventStore;
    const after = new PersonnelDirectory(watched, snapshots, secret);
    await after.onModuleInit();
    expect(from).toEqual([saved!.position]);
    expect(after.namesakes.membersNamed('b-3', 'Quàng Thị Đôi', '2003-04-05').sort()).toEqual([twin, 'm-twin-c'].sort());
    expect(after.namesakes.membersNamed('b-3', 'Cầm Thị Xoá', '2003-04-05')).toEqual(['m-erased-2']);
    expect(after.namesakes.membersNamed('b-3', 'Hoàng Văn Đạt', '2003-04-05')).toEqual(['m-bare-c']);
    await after.onModuleDestroy();
  });
});
