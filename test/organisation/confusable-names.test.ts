import { Gateway, refusedUnchanged, Reply, startSeeded, why } from '../gateway/gateway-app';

/**
 * Issue 14, hole 9: names that pass for a sibling's through invisible characters, bidi controls
 * or look-alike letters, against the embedded start. Each is refused and nothing is appended.
 */
const ORIGINAL = 'Chi đoàn thôn Đồng Văn';

/** Refused by validation: 400 naming the field and the rule. */
const INVISIBLE_OR_EMPTY: Array<[string, string]> = [
  ['a zero-width space inside', 'Chi đoàn thôn Đồng\u200b Văn'],
  ['a zero-width joiner inside', 'Chi đoàn thôn Đồ\u200dng Văn'],
  ['bidi isolates', '\u2066Chi đoàn thôn Đồng Văn\u2069'],
  ['an RTL override', 'Chi đoàn thôn \u202eĐồng Văn'],
  ['only a zero-width space', '\u200b'],
  ['only combining marks', '\u0301\u0300\u0323'],
];

describe('names that hide or imitate a sibling (embedded start)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    const r = await admin.post('/branches', { id: 'dv', parentUnitId: 'xa-1', name: ORIGINAL, ...why() });
    expect(r.status).toBe(201);
  }, 60_000);
  afterAll(async () => gw?.close());

  const refused = (status: number, send: () => Promise<Reply>) => refusedUnchanged(gw, status, send);

  const nameRule = (r: Reply, field: string) => expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule: 'name-characters' })]));

  it.each(INVISIBLE_OR_EMPTY)('refuses a new sibling with %s (400 name-characters, nothing appended)', async (_, name) => {
    nameRule(await refused(400, () => admin.post('/branches', { parentUnitId: 'xa-1', name, ...why() })), 'name');
  });

  it.each(INVISIBLE_OR_EMPTY)('refuses a rename to a name with %s', async (_, name) => {
    nameRule(await refused(400, () => admin.post('/branches/b-2/renames', { name, ...why() })), 'name');
    nameRule(await refused(400, () => admin.post('/units/xa-2/renames', { name, ...why() })), 'name');
  });

  it('refuses the same characters in a unit, an area and a merger successor', async () => {
    const hidden = 'Đoàn xã\u200b Mới';
    nameRule(await refused(400, () => admin.post('/units', { kind: 'grassroots', name: hidden, parentId: 'qp', ...why() })), 'name');
    nameRule(await refused(400, () => admin.post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn bản Mới', area: { kind: 'village', name: '\u202eMới' }, ...why() })), 'area.name');
    nameRule(await refused(400, () => admin.post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: '\u200b' }, ...why() })), 'into.name');
  });

  it("refuses a member's fullName with an invisible character, a bidi control or no letter", async () => {
    const member = { branchId: 'b-1', dateOfBirth: '2000-05-10', gender: 'female', admittedOn: '2020-03-26', ...why() };
    for (const fullName of ['Lò Thị\u200b Hương', '\u202eLò Thị Hương', '\u0301\u0301', '12345']) {
      nameRule(await refused(400, () => admin.post('/members', { ...member, fullName })), 'fullName');
    }
  });

  it('refuses a new sibling with a Cyrillic С for the Latin C (409 branch-name-taken)', async () => {
    const r = await refused(409, () => admin.post('/branches', { parentUnitId: 'xa-1', name: '\u0421hi đoàn thôn Đồng Văn', ...why() }));
    expect(r.body).toMatchObject({ rule: 'branch-name-taken', branchId: 'dv' });
  });

  it('refuses a rename of a sibling to a look-alike of the name', async () => {
    await refused(409, () => admin.post('/branches/b-2/renames', { name: 'Chi đ\u043eàn thôn Đồng Văn', ...why() }));
  });

  it('accepts the name with other Vietnamese diacritics as another branch, stored in NFC', async () => {
    const r = await admin.post('/branches', { id: 'dv2', parentUnitId: 'xa-1', name: 'Chi đoa\u0300n tho\u0302n \u0110o\u0302ng Va\u0306n', ...why() });
    expect(r.status).toBe(201);
    const read = await admin.get('/branches/dv2');
    expect(read.body.name).toBe('Chi đoàn thôn Đông Văn');
    expect(read.body.name).toBe(read.body.name.normalize('NFC'));
  });
});
