import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import mongoose from 'mongoose';
import { Client } from 'pg';
import { EventStore } from '@register/event-sourcing';
import { ReadModelQueries, RebuildReport, rebuildShadowDiff } from '@register/read-models';
import { branchOfficersStream } from '@register/contracts';
import { createHttpApp, loadConfig, rootModuleOf } from '@register/service-kit';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { personnelProjections } from '../../services/personnel/src/projections';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { servers, uniqueName } from '../support/servers';

/**
 * The personnel service over HTTP on the real PostgreSQL event store (schema `personnel` of the test
 * database, shared between runs: every id here is unique to the run). Organisation's events are fed
 * to the service's replica through its reaction handler, as the Kafka consumer will. Its read models
 * live in a database of this run on the MongoDB-compatible server (FerretDB), built from the whole
 * shared log at start; reads of today pass `minPosition` (the log's head after the writes).
 */
describe('personnel over HTTP on PostgreSQL', () => {
  let app: NestFastifyApplication;
  let base: string;
  let store: EventStore;
  let reactions: OrganisationReactions;
  const run = uniqueName('p');
  const readModelDb = `${run}_personnel`;

  const post = async (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ reason: 'kiểm thử', ...body }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const res = await fetch(`${base}/api/v1${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items: Array<Record<string, unknown>> } };
  };
  /** A read of today, after every write so far: the read models are waited for up to the log's head. */
  const fresh = async (path: string) => get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${await store.headPosition()}`);
  /** A report list of today, every page of it: the shared log holds earlier runs' members too. */
  const freshList = async (path: string) => {
    const first = await fresh(`${path}${path.includes('?') ? '&' : '?'}limit=500`);
    const items = [...first.body.items];
    for (let cursor = first.body.nextCursor; cursor; ) {
      const next = await get(`${path}${path.includes('?') ? '&' : '?'}limit=500&cursor=${encodeURIComponent(String(cursor))}`);
      items.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    return { status: first.status, body: { ...first.body, items } };
  };
  const orgEvent = (type: string, data: unknown, effectiveDate = '2025-01-01') =>
    reactions.handle({ eventId: randomUUID(), type, data, metadata: { actor: 'user:can-bo-huyen', effectiveDate, reason: 'test', correlationId: randomUUID() } });
  /** Established before the members' admission (2020-03-26) and their posts: no post starts before its branch. */
  const establish = (branchId: string) => orgEvent('BranchEstablished', { branchId, parentUnitId: `${run}-u`, name: `Chi đoàn ${branchId}`, area: null, predecessorIds: [] }, '2020-01-01');
  const admit = async (memberId: string, branchId: string, fullName = `Lò Văn ${memberId}`) => {
    const r = await post('/members', { id: memberId, branchId, fullName, dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26', decisionRef: { number: '12-QĐ/ĐTN' }, consent: { givenOn: '2020-03-20', purposes: ['membership-register'] } });
    expect(r.status).toBe(201);
    return r.body;
  };
  const appoint = (branchId: string, memberId: string, role = 'secretary') =>
    post(`/branches/${branchId}/officer-appointments`, { memberId, role, method: 'appointed', source: 'teacher', startsOn: '2024-01-15' });

  beforeAll(async () => {
    const config = loadConfig({ REGISTER_MODE: 'distributed', EVENT_STORE: 'postgres', REGISTER_PG_URL: servers.postgresUrl, REGISTER_MONGO_URL: `${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${run}`, PORT: '0' });
    app = await createHttpApp(rootModuleOf(config, [PersonnelModule]), { title: 'personnel test', logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    store = app.get(PERSONNEL_STORE);
    reactions = app.get(OrganisationReactions);
  });

  afterAll(async () => {
    await app?.close();
    const mongo = await mongoose.createConnection(`${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${run}`, { dbName: readModelDb }).asPromise();
    await mongo.dropDatabase();
    await mongo.close();
  });

  it('50 concurrent appointments of different members as secretary of one branch: one 201, 49 × 409, one OfficerAppointed', async () => {
    const branchId = `${run}-race`;
    await establish(branchId);
    const members = Array.from({ length: 50 }, (_, i) => `${run}-race-m${i}`);
    await Promise.all(members.map((m) => admit(m, branchId)));
    const answers = await Promise.all(members.map((m) => appoint(branchId, m)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.rule))).toEqual(new Set(['secretary-post-taken']));
    const log = await store.readStream(branchOfficersStream(branchId));
    expect(log.map((e) => e.type)).toEqual(['OfficerAppointed']);
    const winner = answers.find((a) => a.status === 201)!.body.id;
    const officers = await fresh(`/branches/${branchId}/officers`);
    expect(officers.body.items.map((o) => [o.memberId, o.role])).toEqual([[winner, 'secretary']]);
    expect(officers.body).toMatchObject({ hasSecretary: true, version: 0 });
  });

  it('an appointment sent together with the member going away, or with their transfer: one of the two stands, never both', async () => {
    const other = `${run}-pair-other`;
    await establish(other);
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const branchId = `${run}-pair${round}`;
      const memberId = `${run}-pair-m${round}`;
      await establish(branchId);
      await admit(memberId, branchId);
      const leaving = round % 2 === 0 ? post(`/members/${memberId}/status-changes`, { status: 'away-work', effectiveDate: '2024-01-10' }) : post(`/members/${memberId}/transfers`, { toBranchId: other, effectiveDate: '2024-01-10' });
      const [appointed, left] = await Promise.all([appoint(branchId, memberId, 'deputy-secretary'), leaving]);
      outcomes.push(`${appointed.status}/${left.status}`);
      expect([appointed.status, left.status].sort()).toEqual([201, 422]);
      expect(appointed.status === 201 ? left.body.rule : appointed.body.rule).toBe(appointed.status === 201 ? 'member-holds-post' : round % 2 === 0 ? 'member-away' : 'member-not-in-branch');
    }
    console.log(`appointment / leaving, six rounds: ${outcomes.join(', ')}`);
  });

  it('an applicant is introduced by a member of the union: an unknown introducer is 422 introducer-unknown, one who had left 422 introducer-not-a-member', async () => {
    const branchId = `${run}-intro`;
    await establish(branchId);
    await admit(`${run}-intro-a`, branchId);
    await admit(`${run}-intro-gone`, branchId);
    expect((await post(`/members/${run}-intro-gone/status-changes`, { status: 'left', effectiveDate: '2021-01-01' })).status).toBe(201);
    const applicant = (id: string, introducerId: string) => post('/members', { id, branchId, fullName: `Vi Thị ${id}`, dateOfBirth: '2004-05-10', gender: 'female', admittedOn: '2022-03-26', introducerId });
    const answers = await Promise.all([applicant(`${run}-intro-1`, `${run}-intro-a`), applicant(`${run}-intro-2`, `${run}-nobody`), applicant(`${run}-intro-3`, `${run}-intro-gone`)]);
    expect(answers.map((a) => `${a.status} ${String(a.body.rule ?? '')}`)).toEqual(['201 ', '422 introducer-unknown', '422 introducer-not-a-member']);
  });

  it('a member marked away cannot be appointed: 422 naming the rule member-away', async () => {
    const branchId = `${run}-away`;
    await establish(branchId);
    await admit(`${run}-away-m1`, branchId);
    const away = await post(`/members/${run}-away-m1/status-changes`, { status: 'away-work', effectiveDate: '2024-01-01' });
    expect(away.status).toBe(201);
    const refused = await appoint(branchId, `${run}-away-m1`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ status: 422, rule: 'member-away', type: '/api/v1/problems/rule/member-away' });
    expect(String(refused.body.detail)).toContain('away');
    const vacant = await freshList('/personnel-reports/vacancies');
    expect(vacant.body.items.find((v) => v.branchId === branchId)).toMatchObject({ vacantSince: '2020-01-01', everHadSecretary: false });
    const awayReport = await freshList('/personnel-reports/members-away');
    expect(awayReport.body.items.map((m) => m.id)).toContain(`${run}-away-m1`);
  });

  it('refuses an admission outside 16–30 (422 admission-age) and an unknown branch (422 branch-unknown)', async () => {
    const branchId = `${run}-adm`;
    await establish(branchId);
    const old = await post('/members', { branchId, fullName: 'Hà Văn Già', dateOfBirth: '1990-01-01', gender: 'male', admittedOn: '2025-01-01' });
    expect(old).toMatchObject({ status: 422, body: { rule: 'admission-age' } });
    const nowhere = await post('/members', { branchId: `${run}-nowhere`, fullName: 'Hà Văn Trẻ', dateOfBirth: '2005-01-01', gender: 'male', admittedOn: '2025-01-01' });
    expect(nowhere).toMatchObject({ status: 422, body: { rule: 'branch-unknown' } });
  });

  it('finds members with or without diacritics, by branch, with paging', async () => {
    const branchId = `${run}-dir`;
    await establish(branchId);
    await admit(`${run}-dir-1`, branchId, 'Lò Thị Hương');
    await admit(`${run}-dir-2`, branchId, 'Vi Văn Đức');
    const last = await admit(`${run}-dir-3`, branchId, 'Lương Thị Hường');
    const folded = await get(`/members?branchId=${branchId}&q=thi%20huong&minPosition=${last.position}`);
    expect(folded.body.items.map((m) => m.fullName)).toEqual(['Lò Thị Hương', 'Lương Thị Hường']);
    const exact = await get(`/members?branchId=${branchId}&q=${encodeURIComponent('thị hường')}`);
    expect(exact.body.items.map((m) => m.fullName)).toEqual(['Lương Thị Hường']);
    const accented = await get(`/members?branchId=${branchId}&q=${encodeURIComponent('Đức')}`);
    expect(accented.body.items.map((m) => m.id)).toEqual([`${run}-dir-2`]);
    const page1 = await get(`/members?branchId=${branchId}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    // The cursor names no one (it would travel in URLs, into access logs): sealed, it shows no sort name.
    expect(Buffer.from(String(page1.body.nextCursor), 'base64url').toString('latin1')).not.toMatch(/huong|duc|lo thi/);
    expect((await get(`/members?branchId=${branchId}&limit=2&cursor=${Buffer.from('lo thi huong\u0000x').toString('base64url')}`)).status).toBe(400);
    const page2 = await get(`/members?branchId=${branchId}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('a merger end to end: three branches with secretaries merge into an existing one; one secretary stays, the others end on the effective date, all members move with history', async () => {
    const target = `${run}-mg-t`;
    const sources = [1, 2, 3].map((i) => `${run}-mg-s${i}`);
    for (const b of [target, ...sources]) await establish(b);
    const membersOf: Record<string, string[]> = {};
    for (const b of [target, ...sources]) {
      membersOf[b] = [`${b}-a`, `${b}-b`];
      for (const m of membersOf[b]) await admit(m, b);
      expect((await appoint(b, membersOf[b][0])).status).toBe(201);
    }
    await orgEvent('BranchesMerged', { mergerId: `${run}-mg`, sourceBranchIds: sources, intoBranchId: target, intoNewBranch: false }, '2025-07-01');

    const now = await fresh(`/branches/${target}/officers`);
    expect(now.body.items.filter((o) => o.role === 'secretary').map((o) => o.memberId)).toEqual([membersOf[target][0]]);
    for (const s of sources) {
      expect((await fresh(`/branches/${s}/officers`)).body.items).toEqual([]);
      const before = await get(`/branches/${s}/officers?asOf=2025-06-30`);
      expect(before.body.items.map((o) => o.memberId)).toEqual([membersOf[s][0]]);
      const log = await store.readStream(branchOfficersStream(s));
      expect(log[log.length - 1]).toMatchObject({ type: 'OfficerDeparted', data: { endsOn: '2025-07-01', cause: 'merger' } });
    }
    const career = await fresh(`/members/${membersOf[sources[0]][0]}/career`);
    expect(career.body.posts).toEqual([expect.objectContaining({ branchId: sources[0], role: 'secretary', source: 'teacher', startsOn: '2024-01-15', endsOn: '2025-07-01', cause: 'merger' })]);
    const vacant = await freshList('/personnel-reports/vacancies');
    expect(vacant.body.items.map((v) => v.branchId)).not.toContain(target);
    expect(vacant.body.items.filter((v) => sources.includes(String(v.branchId)))).toEqual([]); // closed by the merger
    const bySource = await fresh('/personnel-reports/secretaries-by-source');
    expect((bySource.body.counts as Record<string, number>).teacher).toBeGreaterThanOrEqual(2);
    for (const m of sources.flatMap((s) => membersOf[s])) {
      const member = await get(`/members/${m}`);
      expect(member.body.branchId).toBe(target);
      expect(member.body.branches).toEqual([
        { branchId: m.replace(/-[ab]$/, ''), since: '2020-03-26', cause: 'admission' },
        { branchId: target, since: '2025-07-01', cause: 'merger' },
      ]);
      const history = await get(`/members/${m}/history`);
      expect(history.body.items.map((e) => e.type)).toEqual(['MemberAdmitted', 'MemberTransferred']);
      expect(history.body.items[1]).toMatchObject({ actor: 'personnel.org-reactions', onBehalfOf: 'user:can-bo-huyen', effectiveDate: '2025-07-01' });
    }
    // The dissolution of a branch nobody belongs to changes nothing.
    const head = await store.headPosition();
    await reactions.handle({
      eventId: 'unused',
      type: 'BranchDissolved',
      data: { branchId: `${run}-never-established` },
      metadata: { effectiveDate: '2025-07-02' },
    });
    expect(await store.headPosition()).toBe(head);
  });

  it('erases one member\'s personal data on request: sealed at rest, unreadable after, history kept, others untouched', async () => {
    const branchId = `${run}-er`;
    await establish(branchId);
    await admit(`${run}-er-1`, branchId, 'Lò Thị Xóa');
    await admit(`${run}-er-2`, branchId, 'Lò Thị Giữ');
    const sql = new Client({ connectionString: servers.postgresUrl });
    await sql.connect();
    try {
      const atRest = await sql.query(`select data from personnel.events where stream_id = $1`, [`member-${run}-er-1`]);
      expect(JSON.stringify(atRest.rows[0].data)).not.toContain('Xóa');
      expect(atRest.rows[0].data.personal).toMatchObject({ sealed: 'aes-256-gcm/v1', keyId: `${run}-er-1` });
    } finally {
      await sql.end();
    }
    expect((await get(`/members/${run}-er-1`)).body.fullName).toBe('Lò Thị Xóa');
    const erased = await post(`/members/${run}-er-1/personal-data-erasure`, { reason: 'yêu cầu xóa dữ liệu cá nhân' });
    expect(erased.status).toBe(201);
    const after = await get(`/members/${run}-er-1`);
    expect(after.body).toMatchObject({ fullName: null, dateOfBirth: null, personalDataErased: true, branchId, status: 'active' });
    const history = await get(`/members/${run}-er-1/history`);
    expect(history.body.items.map((e) => e.type)).toEqual(['MemberAdmitted', 'MemberPersonalDataErased']);
    expect((history.body.items[0].data as { personal: unknown }).personal).toBeNull();
    expect((await get(`/members/${run}-er-2`)).body.fullName).toBe('Lò Thị Giữ');
    const found = await get(`/members?branchId=${branchId}&q=lo%20thi&minPosition=${erased.body.position}`);
    expect(found.body.items.map((m) => m.id)).toEqual([`${run}-er-2`]);
  });

  it('logs every read of personal data with actor, endpoint and purpose', async () => {
    const branchId = `${run}-rl`;
    await establish(branchId);
    await admit(`${run}-rl-m`, branchId, 'Quang Thị Đọc');
    await fetch(`${base}/api/v1/members/${run}-rl-m`, { headers: { 'x-purpose': 'party-admission-review' } });
    const reads = await get(`/members/${run}-rl-m/personal-data-reads`);
    expect(reads.body.items[0]).toMatchObject({ actor: 'anonymous', endpoint: 'GET /members/{id}', purpose: 'party-admission-review', memberIds: [`${run}-rl-m`] });
  });

  it("pages a member's read log as api.md's lists, newest first, naming no other member read with them; CSV too", async () => {
    const branchId = `${run}-rlp`;
    await establish(branchId);
    await admit(`${run}-rlp-a`, branchId, 'Hà Văn Một');
    const admitted = await admit(`${run}-rlp-b`, branchId, 'Hà Thị Hai');
    for (const purpose of ['p1', 'p2', 'p3']) await fetch(`${base}/api/v1/members?branchId=${branchId}&minPosition=${admitted.position}`, { headers: { 'x-purpose': purpose } });
    const first = await get(`/members/${run}-rlp-a/personal-data-reads?limit=2`);
    expect(first.body.items.map((r) => [r.purpose, r.memberIds, r.othersRead])).toEqual([['p3', [`${run}-rlp-a`], 1], ['p2', [`${run}-rlp-a`], 1]]);
    const second = await get(`/members/${run}-rlp-a/personal-data-reads?limit=2&cursor=${first.body.nextCursor}`);
    expect([second.body.items.map((r) => r.purpose), second.body.nextCursor]).toEqual([['p1'], null]);
    expect((await get(`/members/${run}-rlp-a/personal-data-reads?limit=501`)).status).toBe(400);
    const csv = await fetch(`${base}/api/v1/members/${run}-rlp-a/personal-data-reads`, { headers: { accept: 'text/csv' } });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([csv.headers.get('content-type'), bytes.subarray(0, 3).toString('hex'), bytes.toString('utf8', 3).split('\r\n')[0]]).toEqual(['text/csv; charset=utf-8', 'efbbbf', 'readAt,actor,purpose,endpoint,othersRead']);
    const vacancies = await get('/personnel-reports/vacancies?limit=1');
    expect(Object.keys(vacancies.body).sort()).toEqual(['items', 'nextCursor']);
  });

  it('refuses a second member with a national ID number already in the register, in any branch, namesake or not (409, the holder unnamed)', async () => {
    const [one, two] = [`${run}-nid-1`, `${run}-nid-2`];
    await establish(one);
    await establish(two);
    // The log outlives a run: numbers of this run's own.
    const [taken, free] = [1, 2].map((k) => `${(Date.now() * 10 + k) % 1e12}`.padStart(12, '0'));
    const person = { fullName: 'Đặng Thị Đào', dateOfBirth: '2001-04-12', gender: 'female', admittedOn: '2020-03-26', nationalId: taken };
    expect((await post('/members', { id: `${run}-nid-a`, branchId: one, ...person })).status).toBe(201);
    const again = await post('/members', { branchId: two, ...person, fullName: 'Đặng Thị Đào Hoa', namesake: true });
    expect(again).toMatchObject({ status: 409, body: { rule: 'national-id-taken' } });
    expect(JSON.stringify(again.body)).not.toContain(`${run}-nid-a`);
    const items = [{ branchId: two, ...person, dateOfBirth: '2001-04-13' }, { branchId: two, ...person, fullName: 'Đặng Văn Khác', nationalId: free }, { branchId: one, ...person, fullName: 'Đặng Văn Nữa', nationalId: free }];
    const batch = await post('/admission-batches', { members: items });
    expect((batch.body.items as Array<{ status: number; rule?: string }>).map((i) => [i.status, i.rule])).toEqual([[409, 'national-id-taken'], [201, undefined], [409, 'national-id-taken']]);
    // Each refusal told the caller the number is a member's: the holder's read log says who asked and through what (found by a black-box probe).
    const reads = (await get(`/members/${run}-nid-a/personal-data-reads`)).body.items as Array<{ endpoint: string; purpose: string }>;
    expect(reads.filter((r) => r.purpose === 'national ID number matched (national-id-taken)').map((r) => r.endpoint).sort()).toEqual(['POST /admission-batches', 'POST /members']);
    // An admission naming the member's id tells the caller it is a member's too: logged the same way (found by a black-box probe).
    const sameId = { branchId: two, fullName: 'Đặng Văn Trùng', dateOfBirth: '2001-04-14', gender: 'male', admittedOn: '2020-03-26' };
    expect(await post('/members', { id: `${run}-nid-a`, ...sameId })).toMatchObject({ status: 409, body: { rule: 'member-id-taken' } });
    expect(((await post('/admission-batches', { members: [{ id: `${run}-nid-a`, ...sameId }] })).body.items as Array<{ rule?: string }>).map((i) => i.rule)).toEqual(['member-id-taken']);
    const idReads = (await get(`/members/${run}-nid-a/personal-data-reads`)).body.items as Array<{ endpoint: string; purpose: string }>;
    expect(idReads.filter((r) => r.purpose === 'member id matched (member-id-taken)').map((r) => r.endpoint).sort()).toEqual(['POST /admission-batches', 'POST /members']);
  });

  it('two admissions of one national ID number into two branches at the same moment: one is admitted, the other 409 (found by a black-box probe)', async () => {
    const [one, two] = [`${run}-nidr-1`, `${run}-nidr-2`];
    await establish(one);
    await establish(two);
    const number = `${(Date.now() * 10 + 7) % 1e12}`.padStart(12, '0');
    for (let round = 0; round < 3; round++) {
      const nationalId = `${(Number(number) + round) % 1e12}`.padStart(12, '0');
      const person = (branchId: string, fullName: string) => ({ branchId, fullName, dateOfBirth: '2002-02-02', gender: 'male', admittedOn: '2021-03-26', nationalId });
      const answers = await Promise.all([post('/members', person(one, `Hà Văn Đua ${round}`)), post('/members', person(two, `Hà Văn Chạy ${round}`))]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    }
  });

  it('an admission retried with the same Idempotency-Key answers the first result and appends once', async () => {
    const branchId = `${run}-idem`;
    await establish(branchId);
    const body = { branchId, fullName: 'Mùa A Sử', dateOfBirth: '2003-02-01', gender: 'male', admittedOn: '2024-03-26' };
    const first = await post('/members', body, { 'idempotency-key': `${run}-k1` });
    const again = await post('/members', body, { 'idempotency-key': `${run}-k1` });
    expect(first.status).toBe(201);
    // ../shared/api.md: a command answers the new id, `revision` and `position`
    expect(first.body).toMatchObject({ id: expect.any(String), revision: 0, version: 0, position: expect.any(Number) });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, version: 0, revision: 0, duplicate: true });
    expect(await store.readStream(`member-${first.body.id}`)).toHaveLength(1);
    // the same request with its fields in another order (a client serialising it anew) is the same request
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect(await post('/members', reordered, { 'idempotency-key': `${run}-k1` })).toMatchObject({ status: 201, body: { id: first.body.id, duplicate: true } });
    const other = await post('/members', { ...body, fullName: 'Mùa A Páo' }, { 'idempotency-key': `${run}-k1` });
    expect(other).toMatchObject({ status: 422, body: { rule: 'idempotency-key-reused' } });
  });

  it('If-Match: a write against a stale ETag is refused with 409', async () => {
    const branchId = `${run}-etag`;
    await establish(branchId);
    await admit(`${run}-etag-m`, branchId);
    const res = await fetch(`${base}/api/v1/members/${run}-etag-m`);
    expect(res.headers.get('etag')).toBe('"0"');
    expect((await post(`/members/${run}-etag-m/status-changes`, { status: 'away-study', effectiveDate: '2024-09-01' }, { 'if-match': '"0"' })).status).toBe(201);
    const stale = await post(`/members/${run}-etag-m/status-changes`, { status: 'active', effectiveDate: '2025-06-01' }, { 'if-match': '"0"' });
    expect(stale).toMatchObject({ status: 409, body: { rule: 'expected-revision' } });
  });

  it('a redelivered organisation event appends nothing (command id per event and member)', async () => {
    const from = `${run}-rd-s`;
    const to = `${run}-rd-t`;
    await establish(from);
    await establish(to);
    await admit(`${run}-rd-m`, from);
    const merged = { eventId: randomUUID(), type: 'BranchesMerged', data: { mergerId: 'x', sourceBranchIds: [from], intoBranchId: to, intoNewBranch: false }, metadata: { effectiveDate: '2025-07-01' } };
    const first = await reactions.handle(merged);
    expect(first.map((r) => r.duplicate)).toEqual([false]);
    const again = await reactions.handle(merged);
    expect(again.every((r) => r.duplicate || r.events.length === 0)).toBe(true);
    const member = await get(`/members/${run}-rd-m`);
    expect(member.body.version).toBe(1);
  });

  it('reports of today from the read models: an interim secretary past the congress deadline, sources, a dissolved branch\'s members unassigned', async () => {
    const branchId = `${run}-rep`;
    await establish(branchId);
    await admit(`${run}-rep-1`, branchId, 'Sầm Văn Lâm');
    await admit(`${run}-rep-2`, branchId, 'Sầm Thị Thời');
    const interim = await post(`/branches/${branchId}/officer-appointments`, { memberId: `${run}-rep-1`, role: 'secretary', method: 'interim', source: 'commune-police', startsOn: '2024-01-15', congressDeadline: '2024-07-15' });
    expect(interim.status).toBe(201);
    const before = (await get(`/personnel-reports/secretaries-by-source?minPosition=${interim.body.position}`)).body.counts as Record<string, number>;
    const overdue = await get(`/personnel-reports/overdue-interim-officers?asOf=2024-08-01&minPosition=${interim.body.position}`);
    expect(overdue.body.items.filter((o) => o.branchId === branchId)).toEqual([expect.objectContaining({ memberId: `${run}-rep-1`, method: 'interim', congressDeadline: '2024-07-15', source: 'commune-police' })]);
    expect((await get(`/personnel-reports/overdue-interim-officers?asOf=2024-07-01&minPosition=${interim.body.position}`)).body.items.filter((o) => o.branchId === branchId)).toEqual([]);
    await orgEvent('BranchDissolved', { branchId }, '2025-09-01');
    const unassigned = await freshList('/personnel-reports/unassigned-members');
    expect(unassigned.body.items.filter((m) => m.lastBranchId === branchId).map((m) => m.fullName).sort()).toEqual(['Sầm Thị Thời', 'Sầm Văn Lâm']);
    expect((await get(`/members/${run}-rep-2/personal-data-reads`)).body.items.map((r) => r.endpoint)).toContain('GET /personnel-reports/unassigned-members');
    const after = (await fresh('/personnel-reports/secretaries-by-source')).body.counts as Record<string, number>;
    expect(after['commune-police']).toBe(before['commune-police'] - 1);
    // Read of 1 August 2024, the post was held then, past its deadline: it stays in that day's report, with how it ended since (a probe found it dropped).
    expect((await freshList('/personnel-reports/overdue-interim-officers?asOf=2024-08-01')).body.items.filter((o) => o.branchId === branchId)).toEqual([
      expect.objectContaining({ memberId: `${run}-rep-1`, congressDeadline: '2024-07-15', endsOn: '2025-09-01', cause: 'dissolution' }),
    ]);
    expect((await freshList('/personnel-reports/overdue-interim-officers')).body.items.filter((o) => o.branchId === branchId)).toEqual([]);
    expect((await fresh(`/members/${run}-rep-1/career`)).body.posts).toEqual([expect.objectContaining({ branchId, method: 'interim', endsOn: '2025-09-01', cause: 'dissolution' })]);
  });

  it("answers a minPosition beyond the log head (another log's position) with what the log holds, and 404 for a branch nobody knows", async () => {
    const beyond = await get(`/members?minPosition=${(await store.headPosition()) + 1000}`);
    expect(beyond.status).toBe(200);
    expect((await fresh(`/branches/${run}-unknown/officers`)).status).toBe(404);
  }, 20_000);

  it("rebuilds every personnel read model in a shadow copy from the whole log: 0 differences from the live one (erased members' names dropped in both)", async () => {
    const readModels = app.get(ReadModelQueries);
    expect(await readModels.waitFor(await store.headPosition(), 10_000)).toBe(true);
    // Side by side: each waits for its live writer to step aside at its next lease renewal.
    const reports: RebuildReport[] = await Promise.all(personnelProjections.map((projection) => rebuildShadowDiff(store, readModels.store, projection)));
    console.log(`shadow diff (personnel, ${readModels.store.kind}): ${reports.map((r) => `${r.projection}: ${r.events} events to position ${r.position}, ${JSON.stringify(r.documents)}, ${r.diff?.differences} differences`).join('; ')}`);
    expect(reports.map((r) => [r.projection, r.diff?.differences])).toEqual(personnelProjections.map((p) => [p.name, 0]));
    const erased = await readModels.of(personnelProjections[0]).collection('members').get(`${run}-er-1`);
    expect(erased).toMatchObject({ fullName: null, dateOfBirth: null, search: '', erased: true });
    // The live copies still follow the log afterwards.
    const branchId = `${run}-after`;
    await establish(branchId);
    const last = await admit(`${run}-after-1`, branchId, 'Lò Văn Sau');
    expect((await get(`/members?q=lo%20van%20sau&branchId=${branchId}&minPosition=${last.position}`)).body.items.map((m) => m.id)).toEqual([`${run}-after-1`]);
  }, 60_000);
});
