import { MAX_BODY_DEPTH } from '@register/service-kit';
import { seededRandom } from '@register/event-sourcing';
import { InjectRequest, why } from './gateway-app';

/**
 * The hostile-input suite's requests over organisation's, personnel's and evaluation's routes, as a
 * central administrator would send them: the embedded gateway's suite (hostile-input.test.ts) and the
 * distributed one (distributed-training-evaluation.test.ts) send the same ones.
 */
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
export function validBodies(): Array<{ path: string; body: Record<string, unknown> }> {
  return [
    { path: '/units', body: { kind: 'grassroots', name: 'Đoàn xã Hạnh Dịch', parentId: 'qp', ...why() } },
    { path: '/units/xa-1/moves', body: { toParentId: 'qp', ...why() } },
    { path: '/units/xa-1/renames', body: { name: 'Đoàn xã Tiền Phong', ...why() } },
    { path: '/branches', body: { parentUnitId: 'xa-1', name: 'Chi đoàn bản Mới', area: { kind: 'village', name: 'Mới' }, ...why() } },
    { path: '/branches/b-1/moves', body: { toUnitId: 'xa-2', ...why() } },
    { path: '/branches/b-1/renames', body: { name: 'Chi đoàn bản Mường Phú', ...why() } },
    { path: '/branch-mergers', body: { sourceBranchIds: ['b-1'], into: { branchId: 'b-2' }, ...why() } },
    { path: '/branch-splits', body: { sourceBranchId: 'b-3', parts: [{ name: 'A', memberIds: [] }, { name: 'B', memberIds: [] }], ...why() } },
    { path: '/unit-mergers', body: { sourceUnitIds: ['xa-2'], into: { unitId: 'xa-1' }, dryRun: true, ...why() } },
    { path: '/units/xa-2/dissolution', body: why() },
    { path: '/members', body: { id: 'm-1', branchId: 'b-1', fullName: 'Lò Văn Thắng', dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26', consent: { givenOn: '2020-03-20', purposes: ['membership-register'] }, ...why() } },
    { path: '/members/m-1/transfers', body: { toBranchId: 'b-2', duesSettledUpTo: '2025-01-31', ...why() } },
    { path: '/members/m-1/status-changes', body: { status: 'away-work', ...why() } },
    { path: '/branches/b-1/officer-appointments', body: { memberId: 'm-1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why() } },
    { path: '/branches/b-1/officer-departures', body: { memberId: 'm-1', endsOn: '2025-03-01', cause: 'resigned', ...why() } },
    { path: '/ratings', body: { subjectType: 'branch', subjectId: 'b-1', year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', ...why() } },
    { path: '/rating-changes', body: { ratingId: 'branch.2025.b-1', grade: 'excellent', ...why() } },
    { path: '/rating-changes/c1.branch.2025.b-1/approval', body: why() },
    { path: '/commendations', body: { subjectType: 'branch', subjectId: 'b-1', year: 2025, occasion: 'year-end', title: 'Chi đoàn vững mạnh', issuedByUnitId: 'xa-1', ...why() } },
    { path: '/support-visits', body: { memberId: 'm-1', visitedOn: '2025-03-01', byUnitId: 'xa-1', gift: 'Quà Tết', ...why() } },
  ];
}

export function hostileRequests(count: number, auth: Record<string, string>): Array<{ kind: string; req: InjectRequest }> {
  const { pick } = seededRandom(20251125);
  const json = { 'content-type': 'application/json', ...auth };
  const out: Array<{ kind: string; req: InjectRequest }> = [];
  const makers: Array<[string, (i: number) => InjectRequest]> = [
    ['wrong type', () => {
      const v = pick(validBodies());
      const field = pick(Object.keys(v.body));
      // null stands for "absent" in an optional field (effectiveDate, area, parentId…), so it is no wrong type there
      // and a boolean is no wrong type for a boolean field (dryRun: true is a dry run)
      const wrong = WRONG_VALUES.filter((w) => (typeof w !== 'string' || w === '' || w === ' ') && !(w === null && OPTIONAL.has(field)) && typeof w !== typeof v.body[field]);
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
    ['bad id in path', () => ({ method: pick(['GET', 'POST']), url: `${P}/${pick(['units', 'branches', 'rating-changes', 'ratings/branch'])}/${pick(BAD_IDS)}${pick(['', '/moves', '/renames', '/tree', '/lineage', '/dissolution', '/approval', '/rejection'])}`, headers: json, payload: JSON.stringify({ toParentId: 'qp', toUnitId: 'xa-1', ...why() }) })],
    ['injection in an id', () => {
      const v = pick(validBodies());
      const idField = pick(['parentId', 'parentUnitId', 'toParentId', 'toUnitId', 'sourceBranchId', 'id']);
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [idField]: pick(INJECTIONS) }) };
    }],
    ['injection in an enum', () => ({ method: 'POST', url: `${P}/units`, headers: json, payload: JSON.stringify({ kind: pick(INJECTIONS), name: 'Đoàn xã X', parentId: 'qp', ...why() }) })],
    ['injection in a name with control characters', () => ({ method: 'POST', url: `${P}/branches`, headers: json, payload: JSON.stringify({ parentUnitId: 'xa-1', name: `Chi đoàn ${pick(INJECTIONS)}\u0007`, ...why() }) })],
    ['injection in the query', () => ({ method: 'GET', url: `${P}/${pick(['branches', 'audit/events', 'ratings', 'ratings/branch/b-1'])}?${pick(['limit', 'cursor', 'asOf', 'status', 'hasSecretary', 'afterPosition', 'from', 'type', 'parentUnitId'])}=${encodeQuery(pick(INJECTIONS))}`, headers: auth })],
    ['impossible date', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, effectiveDate: pick(BAD_DATES) }) };
    }],
    ['impossible decision date', () => {
      const v = pick(validBodies());
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, decisionRef: { number: '1/QĐ', date: pick(BAD_DATES) } }) };
    }],
    ['impossible asOf', () => ({ method: 'GET', url: `${P}/${pick(['units/qp', 'units/qp/tree', 'branches/b-1', 'branches', 'ratings', 'ratings/member/m-1'])}?asOf=${encodeURIComponent(pick(BAD_DATES.filter((d) => d !== '')))}`, headers: auth })],
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
    ['deep JSON', () => {
      const v = pick(validBodies());
      const depth = pick([MAX_BODY_DEPTH + 1, 1000, 10_000]);
      const [open, close] = pick([['[', ']'], ['{"a":', '}']]);
      const field = pick(['reason', 'area', 'decisionRef', 'name', 'isAdmin']);
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [field]: 0 }).replace(`"${field}":0`, `"${field}":${open.repeat(depth)}1${close.repeat(depth)}`) };
    }],
    ['lone surrogate in a string', () => {
      const v = pick(validBodies());
      const field = pick(['reason', ...Object.keys(v.body).filter((k) => typeof v.body[k] === 'string')]);
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [field]: `${String(v.body[field] ?? 'x')}${pick(['\ud800', '\udfff', '\udc00x'])}` }) };
    }],
    ['NUL in a string', () => {
      const v = pick(validBodies());
      const field = pick(['reason', ...Object.keys(v.body).filter((k) => typeof v.body[k] === 'string')]);
      return { method: 'POST', url: P + v.path, headers: json, payload: JSON.stringify({ ...v.body, [field]: `${String(v.body[field] ?? 'x')}\u0000` }) };
    }],
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
