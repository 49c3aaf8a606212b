import { Gateway, InjectRequest, isProblem, seedTree, startGateway, why } from './gateway-app';

const P = '/api/v1';
const INJECTIONS = [
  "' OR '1'='1",
  "1; DROP TABLE events;--",
  '{"$gt":""}',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '${7*7}',
  '%00',
  '\u0000',
  '__proto__',
  'a'.repeat(5000),
  '\ud800',
  '😀'.repeat(300),
  'Robert\'); DROP TABLE students;--',
  '\r\nX-Injected: 1',
];
const WRONG_VALUES: unknown[] = [42, -1, 1e308, true, null, [], {}, [1, 2], { $ne: null }, '', ' ', 'x'.repeat(300_000).slice(0, 3000)];
const OPTIONAL = new Set(['effectiveDate', 'area', 'decisionRef', 'parentId', 'id', 'dryRun']);
const BAD_DATES = ['2025-02-30', '2025-13-01', '2025-00-10', '0000-01-01', '99999-01-01', '2025-1-1', '01/02/2025', '2025-02-29', 'yesterday', '2025-06-31T00:00:00Z', '1899-12-31', ''];
const BAD_IDS = ["'%20OR%201=1", '..%2F..%2Fetc', '%00', 'a'.repeat(150), '%F0%9F%98%80', '%C3%28', '-leading', 'has%20space', '%E2%80%AE', '%27%3B--'];

/** encodeURIComponent refuses lone surrogates; send their (invalid) UTF-8 bytes instead. */
const encodeQuery = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

/** Valid bodies of each write (by a central administrator); the hostile ones are broken copies. */
function validBodies(): Array<{ path: string; body: Record<string, unknown> }> {
  return [
    { path: '/units', body: { kind: 'grassroots', name: 'Đoàn xã Hạnh Dịch', parentId: 'qp', ...why() } },
    { path: '/units/xa-1/moves', body: { toParentId: 'qp', ...why() } },
    { path: '/units/xa-1/renames', body: { name: 'Đoàn xã Tiền Phong', ...why() } },
    { path: '/branches', body: { parentUnitId: 'xa-1', name: 'Chi đoàn bản Mới', area: { kind: 'village', name: 'Mới' }, ...why() } },
    { path: '/branches/b-1/moves', body: { toUnitId: 'xa-2', ...why() } },
    { path: '/branches/b-1/renames', body: { name: 'Chi đoàn bản Mường Phú', ...why() } },
    { path: '/branch-mergers', body: { sourceBranchIds: ['b-1'], into: { branchId: 'b-2' }, ...why() } },
    { path: '/branch-splits', body: { sourceBranchId: 'b-3', parts: [{ name: 'A', memberIds: [] }, { name: 'B', memberIds: [] }], ...why() } },
    { path: '/units/xa-2/dissolution', body: why() },
    { path: '/members', body: { id: 'm-1', branchId: 'b-1', fullName: 'Lò Văn Thắng', dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26', consent: { givenOn: '2020-03-20', purposes: ['membership-register'] }, ...why() } },
    { path: '/members/m-1/transfers', body: { toBranchId: 'b-2', duesSettledUpTo: '2025-01-31', ...why() } },
    { path: '/members/m-1/status-changes', body: { status: 'away-work', ...why() } },
    { path: '/branches/b-1/officer-appointments', body: { memberId: 'm-1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why() } },
    { path: '/branches/b-1/officer-departures', body: { memberId: 'm-1', endsOn: '2025-03-01', cause: 'resigned', ...why() } },
  ];
}

/** Deterministic pseudo-random choice, so that a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

function hostileRequests(count: number, auth: Record<string, string>): Array<{ kind: string; req: InjectRequest }> {
  const random = rng(20251125);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const json = { 'content-type': 'application/json', ...auth };
  const out: Array<{ kind: string; req: InjectRequest }> = [];
  const makers: Array<[string, (i: number) => InjectRequest]> = [
    ['wrong type', () => {
      const v = pick(validBodies());
      const field = pick(Object.keys(v.body));
      // null stands for "absent" in an optional field (effectiveDate, area, parentId…), so it is no wrong type there
      const wrong = WRONG_VALUES.filter((w) => (typeof w !== 'string' || w === '' || w === ' ') && !(w === null && OPTIONAL.has(field)));
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [field]: pick(wrong) }) };
    }],
    ['unknown field', (i) => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [pick(['isAdmin', 'actor', 'constructor', 'role', `x${i}`, 'position'])]: pick([true, 'central-admin', 1]) }) };
    }],
    ['prototype pollution', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify(v.body).replace(/^\{/, '{"__proto__":{"isAdmin":true},') };
    }],
    ['huge body', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, reason: 'x'.repeat(pick([2001, 300_000])) }) };
    }],
    ['huge array', () => ({ method: 'POST', url: `${P}/branch-mergers`, headers: json, payload: JSON.stringify({ sourceBranchIds: Array.from({ length: 5000 }, (_, k) => `b-${k}`), into: { branchId: 'b-2' }, ...why() }) })],
    ['bad id in path', () => ({ method: pick(['GET', 'POST']), url: `${P}/${pick(['units', 'branches'])}/${pick(BAD_IDS)}${pick(['', '/moves', '/renames', '/tree', '/lineage', '/dissolution'])}`, headers: json, payload: JSON.stringify({ toParentId: 'qp', toUnitId: 'xa-1', ...why() }) })],
    ['injection in an id', () => {
      const v = pick(validBodies());
      const idField = pick(['parentId', 'parentUnitId', 'toParentId', 'toUnitId', 'sourceBranchId', 'id']);
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [idField]: pick(INJECTIONS) }) };
    }],
    ['injection in an enum', () => ({ method: 'POST', url: `${P}/units`, headers: json, payload: JSON.stringify({ kind: pick(INJECTIONS), name: 'Đoàn xã X', parentId: 'qp', ...why() }) })],
    ['injection in a name with control characters', () => ({ method: 'POST', url: `${P}/branches`, headers: json, payload: JSON.stringify({ parentUnitId: 'xa-1', name: `Chi đoàn ${pick(INJECTIONS)}\u0007`, ...why() }) })],
    ['injection in the query', () => ({ method: 'GET', url: `${P}/${pick(['branches', 'audit/events'])}?${pick(['limit', 'cursor', 'asOf', 'status', 'hasSecretary', 'afterPosition', 'from', 'type', 'parentUnitId'])}=${encodeQuery(pick(INJECTIONS))}`, headers: auth })],
    ['impossible date', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, effectiveDate: pick(BAD_DATES) }) };
    }],
    ['impossible decision date', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, decisionRef: { number: '1/QĐ', date: pick(BAD_DATES) } }) };
    }],
    ['impossible asOf', () => ({ method: 'GET', url: `${P}/${pick(['units/qp', 'units/qp/tree', 'branches/b-1', 'branches'])}?asOf=${encodeURIComponent(pick(BAD_DATES.filter((d) => d !== '')))}`, headers: auth })],
    ['broken UTF-8', () => {
      const v = pick(validBodies());
      const text = JSON.stringify({ ...v.body, name: 'Chi đoàn @@', reason: 'lý do @@' });
      const [a, b] = text.split('@@');
      const bad = pick([Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])]);
      return { method: 'POST', url: P + pick(['/units', '/branches', '/branches/b-1/renames', '/units/xa-1/renames']), headers: json, payload: Buffer.concat([Buffer.from(a), bad, Buffer.from(b.split('@@')[0] ?? '')]) };
    }],
    ['malformed JSON', () => ({ method: 'POST', url: P + pick(validBodies()).path, headers: json, payload: pick(['{', '{"reason":}', '[', 'null', '"text"', '12', '[]', '{"a":1,}', "{'a':1}", '{"reason":"x"}}', '\u0000', '['.repeat(5000), 'NaN', '{"reason": 1e999999}']) })],
    ['wrong content type', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: { ...auth, 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png']) }, payload: pick([JSON.stringify(v.body), '<unit/>', 'a=b&c=d']) };
    }],
    ['no body', () => ({ method: 'POST', url: P + pick(validBodies()).path, headers: auth })],
    ['bad headers', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: { ...json, ...pick([{ 'if-match': pick(['abc', '"x"', 'W/"-1"', '*', '"99999999999999999999999"x']) }, { 'idempotency-key': pick(['has space', 'x'.repeat(201), 'ключ']) }]) }, payload: JSON.stringify({ ...v.body, reason: '' }) };
    }],
    ['bad credentials', () => {
      const v = pick(validBodies());
      return { method: pick(['GET', 'POST']), url: P + v.path, headers: { 'content-type': 'application/json', ...pick([{}, { authorization: `Bearer ${pick(INJECTIONS.filter((s) => !s.includes('\r') && !s.includes('\n') && !s.includes('\u0000')))}` }, { 'x-api-key': "urk_' OR 1=1" }, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }]) }, payload: JSON.stringify(v.body) };
    }],
    ['unknown route', () => ({ method: pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), url: `${P}/${pick(['admin', 'units/qp/secret', 'events', '..%2f..%2f', 'members/../../units'])}`, headers: json, payload: '{}' })],
    ['wrong method', () => ({ method: pick(['PUT', 'DELETE', 'PATCH']), url: `${P}/${pick(['units/qp', 'branches/b-1', 'units'])}`, headers: json, payload: JSON.stringify(why()) })],
    ['blank reason', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, reason: pick(['', '   ', '\t\n']) }) };
    }],
  ];
  for (let i = 0; out.length < count; i++) {
    const [kind, make] = makers[i % makers.length];
    out.push({ kind, req: make(i) });
  }
  return out;
}

describe('gateway: 2 000 malformed or hostile requests', () => {
  let gw: Gateway;
  let auth: Record<string, string>;

  beforeAll(async () => {
    gw = await startGateway();
    auth = await gw.bearer({ sub: 'admin', roles: ['central-admin'] });
    await seedTree(gw.api(auth));
  });
  afterAll(async () => gw?.close());

  it('answers every one with a problem+json 4xx and appends nothing', async () => {
    const requests = hostileRequests(2000, auth);
    const before = await gw.head();
    const byStatus = new Map<number, number>();
    const failures: string[] = [];
    for (const { kind, req } of requests) {
      const r = await gw.inject(req);
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      if (r.status >= 500 || r.status < 400 || !isProblem(r)) {
        failures.push(`${kind}: ${req.method} ${req.url.slice(0, 120)} [${req.headers?.['content-type']}] ${String(req.payload ?? '').slice(0, 160)} → ${r.status} ${r.headers['content-type']} ${r.raw.slice(0, 200)}`);
      }
    }
    console.log(`hostile requests by status: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(requests).toHaveLength(2000);
    expect(await gw.head()).toBe(before);
  });

  it('appends once when the same POST is sent twice with one Idempotency-Key', async () => {
    const api = gw.api(auth);
    const body = { parentUnitId: 'xa-1', name: 'Chi đoàn bản Huổi Ngà', area: { kind: 'village', name: 'Huổi Ngà' }, ...why('thành lập') };
    const before = await gw.head();
    const first = await api.post('/branches', body, { 'idempotency-key': 'create-huoi-nga' });
    const afterFirst = await gw.head();
    const second = await api.post('/branches', body, { 'idempotency-key': 'create-huoi-nga' });
    expect(first.status).toBe(201);
    expect([200, 201]).toContain(second.status);
    expect(second.body.id).toBe(first.body.id);
    expect(afterFirst).toBeGreaterThan(before);
    expect(await gw.head()).toBe(afterFirst);
    const events = await gw.store.readAll(before, 100);
    expect(events.filter((e) => e.type === 'BranchEstablished')).toHaveLength(1);
    const other = await api.post('/branches', { ...body, name: 'Chi đoàn bản Khác' }, { 'idempotency-key': 'create-huoi-nga' });
    expect(other.status).toBe(422);
    expect(await gw.head()).toBe(afterFirst);
  });

  // @ValidateNested() alone lets an array through where an object belongs: each single nested
  // object also carries @IsObject().
  it('refuses an array where an object belongs, and appends nothing', async () => {
    const before = await gw.head();
    const r = await gw.api(auth).post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn mảng', area: [], ...why() });
    const d = await gw.api(auth).post('/units/xa-1/renames', { name: 'Đoàn xã Tiền Phong Mới', decisionRef: [], ...why() });
    expect([r.status, d.status, await gw.head()]).toEqual([400, 400, before]);
  });

  // Date.parse alone rolls 2025-06-31 over to 1 July: parseAsOf checks the day itself.
  it('refuses an asOf instant on a day that does not exist', async () => {
    const r = await gw.api(auth).get('/branches?asOf=2025-06-31T00%3A00%3A00Z');
    expect([r.status, isProblem(r)]).toEqual([400, true]);
  });

  // The organisation's structure is a LiveAggregate: it compares fingerprints as CommandHandler does.
  it('answers 422 when an Idempotency-Key is reused with another body', async () => {
    const api = gw.api(auth);
    const body = { parentUnitId: 'xa-2', name: 'Chi đoàn bản Piềng Cu', ...why('thành lập') };
    expect((await api.post('/branches', body, { 'idempotency-key': 'create-pieng-cu' })).status).toBe(201);
    const before = await gw.head();
    const other = await api.post('/branches', { ...body, name: 'Chi đoàn bản Khác' }, { 'idempotency-key': 'create-pieng-cu' });
    expect([other.status, isProblem(other)]).toEqual([422, true]);
    expect(await gw.head()).toBe(before);
  });
});
