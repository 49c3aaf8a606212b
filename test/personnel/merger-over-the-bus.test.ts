import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import mongoose from 'mongoose';
import { EventStore } from '@register/event-sourcing';
import { connectConsumers, ConsumerGroupSpec, createHttpApp, loadConfig, RegisterConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PEOPLE_SYNC } from '../../services/organisation/src/people/people-sync.consumer';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { Answer, httpClient } from '../support/http';
import { distributedConfig as sharedDistributedConfig } from '../support/distributed-config';
import { uniqueName } from '../support/servers';

/**
 * Issue 7 item 3, end to end over HTTP: organisation and personnel learn of each other only from
 * published events. Distributed: two Nest apps (in this one jest process) on a fresh PostgreSQL
 * database, each with its relay and its Kafka consumer group (suffixed per run, since the events
 * topics are shared by every run); read models on a fresh FerretDB database. Embedded: one app with
 * both modules on PGlite and the in-process bus, wired as the embedded start wires them.
 */
type Setup = 'distributed' | 'embedded';
type Api = Awaited<ReturnType<typeof httpClient>>;

const run = uniqueName('mb');
const perRun = (spec: ConsumerGroupSpec): ConsumerGroupSpec => ({ ...spec, group: `${spec.group}.${run}` });

const distributedConfig = () => sharedDistributedConfig('merger_bus');

/** One service (or, embedded, every one) as its process would start it: consumers first, then HTTP. */
async function startApp(config: RegisterConfig, modules: Array<typeof OrganisationModule | typeof PersonnelModule>, consumers?: ConsumerGroupSpec) {
  const app = await createHttpApp(rootModuleOf(config, modules), { title: 'merger over the bus', logger: false });
  connectConsumers(app, config, consumers);
  await startConsumers(app, config);
  return { app, api: await httpClient(app) };
}

/** Every page of a list (the topics and stores are shared with earlier runs: a list may pass one page). */
async function allPages(api: Api, path: string): Promise<Answer> {
  const items: unknown[] = [];
  for (let cursor: string | null = null; ; ) {
    const answer: Answer = await api.get(`${path}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    if (answer.status !== 200) return answer;
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    if (!cursor) return { ...answer, body: { items, nextCursor: null } };
  }
}

/** Polls until `done` holds for the answer: the other service learns by events, a moment later. */
async function eventually(ask: () => Promise<Answer>, done: (a: Answer) => boolean, what: string, timeoutMs = 60_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ask();
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last answer ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each<Setup>(['distributed', 'embedded'])('a merger reaches personnel over the bus (%s)', (setup) => {
  const apps: NestFastifyApplication[] = [];
  let org: Api;
  let per: Api;
  let config: RegisterConfig;
  let dataDir: string | undefined;

  const id = (name: string) => `${run}-${setup[0]}-${name}`;
  const why = (effectiveDate: string) => ({ reason: 'Sáp nhập thôn', effectiveDate, decisionRef: { number: '45-QĐ/ĐTN', issuedBy: 'Ban Thường vụ Đoàn xã' } });
  const target = id('t');
  const sources = [1, 2, 3].map((i) => id(`s${i}`));
  const branches = [target, ...sources];
  const membersOf = Object.fromEntries(branches.map((b) => [b, [`${b}-a`, `${b}-b`]]));
  const secretaryOf = (b: string) => membersOf[b][0];
  const commune = id('xa');
  /** Organisation's log position of the last branch established: the directory (a read model) is read at or after it. */
  let orgPosition = 0;

  beforeAll(async () => {
    if (setup === 'embedded') {
      dataDir = mkdtempSync(join(tmpdir(), 'merger-bus-'));
      config = loadConfig({ REGISTER_MODE: 'embedded', DATA_DIR: dataDir });
      const one = await startApp(config, [OrganisationModule, PersonnelModule]);
      apps.push(one.app);
      org = per = one.api;
      return;
    }
    config = await distributedConfig();
    const organisation = await startApp(config, [OrganisationModule], perRun(PEOPLE_SYNC));
    const personnel = await startApp(config, [PersonnelModule], perRun(BRANCH_SYNC));
    apps.push(organisation.app, personnel.app);
    org = organisation.api;
    per = personnel.api;
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (setup === 'distributed') {
      const mongo = await mongoose.createConnection(config.mongoUrl, { dbName: `${/^mongodb:\/\/[^/]+\/([^?]*)/.exec(config.mongoUrl)![1]}_organisation` }).asPromise();
      await mongo.dropDatabase();
      await mongo.close();
    }
  });

  it('organisation establishes the branches; personnel learns them from its events', async () => {
    expect((await org.post('/units', { id: id('tw'), kind: 'central', name: 'Trung ương Đoàn', ...why('2019-01-01') })).status).toBe(201);
    expect((await org.post('/units', { id: id('na'), kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: id('tw'), ...why('2019-01-01') })).status).toBe(201);
    expect((await org.post('/units', { id: commune, kind: 'grassroots', name: 'Đoàn xã Châu Kim', parentId: id('na'), ...why('2019-01-01') })).status).toBe(201);
    for (const [i, branchId] of branches.entries()) {
      const answer = await org.post('/branches', { id: branchId, parentUnitId: commune, name: `Chi đoàn bản Na Lịn ${i + 1}`, area: { kind: 'village', name: `Na Lịn ${i + 1}` }, ...why('2019-01-01') });
      expect(answer.status).toBe(201);
      orgPosition = answer.body.position;
    }
    // Personnel's vacancies report lists the active branches of its replica: a branch is known once it shows there.
    const known = await eventually(
      () => allPages(per, '/personnel-reports/vacancies'),
      (a) => branches.every((b) => a.body.items.some((v: { branchId: string }) => v.branchId === b)),
      'personnel to learn the branches',
    );
    expect(known.body.items.find((v: { branchId: string }) => v.branchId === target)).toMatchObject({ parentUnitId: commune, everHadSecretary: false });
  });

  it('personnel admits two members to each branch and appoints a secretary in each', async () => {
    for (const b of branches) {
      for (const m of membersOf[b]) {
        const admitted = await per.post('/members', { id: m, branchId: b, fullName: `Lương Văn ${m.slice(-4)}`, dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26', reason: 'kết nạp' });
        expect([admitted.status, admitted.body.rule]).toEqual([201, undefined]);
      }
      const appointed = await per.post(`/branches/${b}/officer-appointments`, { memberId: secretaryOf(b), role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2024-01-15', reason: 'chỉ định' });
      expect(appointed.status).toBe(201);
    }
  });

  it("organisation's dry run and directory see personnel's members and secretaries", async () => {
    const merger = { sourceBranchIds: sources, into: { branchId: target }, ...why('2025-07-01') };
    const plan = await eventually(
      () => org.post('/branch-mergers', { ...merger, dryRun: true }),
      (a) => a.status === 200 && a.body.membersMoving.every((m: { count: number }) => m.count === 2) && a.body.officerConflicts[0]?.holders.length === 4,
      "organisation's replica to count personnel's members and secretaries",
    );
    expect(plan.body.membersMoving).toEqual(sources.map((s) => ({ fromBranchId: s, toBranchId: target, count: 2 })));
    expect(plan.body.officerConflicts).toEqual([{ branchId: target, role: 'secretary', holders: branches.map((b) => ({ memberId: secretaryOf(b), fromBranchId: b })) }]);
    // The absorbed branches' posts end with the merger; the target's stays (the dry run said nothing of it: found by a black-box probe).
    expect(plan.body.postsEnding).toEqual(sources.map((b) => ({ branchId: b, memberId: secretaryOf(b), role: 'secretary' })));
    const withSecretary = await org.get(`/branches?parentUnitId=${commune}&hasSecretary=true&minPosition=${orgPosition}`);
    expect(withSecretary.body.items.map((b: { id: string }) => b.id).sort()).toEqual([...branches].sort());
    expect((await org.get(`/branches?parentUnitId=${commune}&hasMembers=false&minPosition=${orgPosition}`)).body.items).toEqual([]);
  });

  it('merges the three branches into the fourth; personnel moves the members and ends the absorbed posts on the effective date', async () => {
    const merged = await org.post('/branch-mergers', { sourceBranchIds: sources, into: { branchId: target }, ...why('2025-07-01') });
    expect(merged.status).toBe(201);
    const moved = sources.flatMap((s) => membersOf[s]);
    for (const m of moved) await eventually(() => per.get(`/members/${m}`), (a) => a.body.branchId === target, `${m} to move to the successor`);
    // The departures follow the moves of the same event; wait for the last source's post to end.
    await eventually(() => per.get(`/branches/${sources[2]}/officers`), (a) => a.body.items.length === 0, 'the absorbed posts to end');

    // Each read model follows the log on its own: read them at the log's head, not just after one of them.
    const at = `minPosition=${await apps[apps.length - 1].get<EventStore>(PERSONNEL_STORE).headPosition()}`;
    const officers = await per.get(`/branches/${target}/officers?${at}`);
    expect(officers.body.items.filter((o: { role: string }) => o.role === 'secretary').map((o: { memberId: string }) => o.memberId)).toEqual([secretaryOf(target)]);
    for (const s of sources) {
      expect((await per.get(`/branches/${s}/officers?${at}`)).body).toMatchObject({ hasSecretary: false, items: [] });
      expect((await per.get(`/branches/${s}/officers?asOf=2025-06-30`)).body.items.map((o: { memberId: string }) => o.memberId)).toEqual([secretaryOf(s)]);
      const career = await per.get(`/members/${secretaryOf(s)}/career?${at}`);
      expect(career.body.posts).toEqual([expect.objectContaining({ branchId: s, role: 'secretary', startsOn: '2024-01-15', endsOn: '2025-07-01', cause: 'merger' })]);
    }
    for (const m of moved) {
      const member = await per.get(`/members/${m}`);
      expect(member.body.branches).toEqual([
        { branchId: m.replace(/-[ab]$/, ''), since: '2020-03-26', cause: 'admission' },
        { branchId: target, since: '2025-07-01', cause: 'merger' },
      ]);
      const history = await per.get(`/members/${m}/history`);
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['MemberAdmitted', 'MemberTransferred']);
      expect(history.body.items[1]).toMatchObject({ actor: 'personnel.org-reactions', effectiveDate: '2025-07-01' });
    }
    for (const m of membersOf[target]) expect((await per.get(`/members/${m}/history`)).body.items.map((e: { type: string }) => e.type)).toEqual(['MemberAdmitted']);
    const all = await per.get(`/members?branchId=${target}&limit=50&${at}`);
    expect(all.body.items.map((m: { id: string }) => m.id).sort()).toEqual(branches.flatMap((b) => membersOf[b]).sort());
  });

  it("organisation then sees all eight members and the one secretary in the successor, from personnel's events", async () => {
    const newcomer = id('n');
    const established = await org.post('/branches', { id: newcomer, parentUnitId: commune, name: 'Chi đoàn bản Na Lịn mới', area: { kind: 'village', name: 'Na Lịn mới' }, ...why('2025-08-01') });
    expect(established.status).toBe(201);
    const seen = `minPosition=${established.body.position}`; // the directory is a read model: read our own write
    const plan = await eventually(
      () => org.post('/branch-mergers', { sourceBranchIds: [target], into: { branchId: newcomer }, dryRun: true, ...why('2025-09-01') }),
      (a) => a.status === 200 && a.body.membersMoving[0]?.count === 8,
      "organisation's replica to see the moves",
    );
    expect(plan.body.officerConflicts).toEqual([]);
    const withSecretary = await eventually(
      () => org.get(`/branches?parentUnitId=${commune}&hasSecretary=true&${seen}`),
      (a) => a.body.items.length === 1,
      'the absorbed secretaries to leave the directory',
    );
    expect(withSecretary.body.items.map((b: { id: string }) => b.id)).toEqual([target]);
    expect((await org.get(`/branches?parentUnitId=${commune}&hasMembers=false&${seen}`)).body.items.map((b: { id: string }) => b.id)).toEqual([newcomer]);
  });

  it('as of a past day, hasSecretary and hasMembers answer with the people of that day', async () => {
    const ids = async (query: string) => (await org.get(`/branches?parentUnitId=${commune}&${query}`)).body.items.map((b: { id: string }) => b.id).sort();
    // The day before the merger: four branches, each with its two members and its secretary.
    expect(await ids('hasSecretary=true&asOf=2025-06-30')).toEqual([...branches].sort());
    expect(await ids('hasMembers=false&asOf=2025-06-30')).toEqual([]);
    // Before the posts began (15 January 2024), and before the admissions (26 March 2020).
    expect(await ids('hasSecretary=true&asOf=2024-01-14')).toEqual([]);
    expect(await ids('hasMembers=true&asOf=2024-01-14')).toEqual([...branches].sort());
    expect(await ids('hasMembers=false&asOf=2020-03-25')).toEqual([...branches].sort());
    // The merger's day: the successor alone is active, with all eight members and its own secretary.
    expect(await ids('hasSecretary=true&hasMembers=true&asOf=2025-07-01')).toEqual([target]);
  });

  it('personnel restarted rebuilds its replica from the events and appends nothing twice', async () => {
    const headBefore = await apps[apps.length - 1].get<EventStore>(PERSONNEL_STORE).headPosition();
    // Distributed: a new personnel process in the same group. Embedded: the whole process, same data folder.
    const closing = apps.pop()!;
    await closing.close();
    const again = setup === 'embedded' ? await startApp(config, [OrganisationModule, PersonnelModule]) : await startApp(config, [PersonnelModule], perRun(BRANCH_SYNC));
    apps.push(again.app);
    per = again.api;
    if (setup === 'embedded') org = again.api;
    // The newcomer was established after the merger: once known, the merger has been replayed too.
    await eventually(() => allPages(per, '/personnel-reports/vacancies'), (a) => a.body.items?.some((v: { branchId: string }) => v.branchId === id('n')), 'the replica to be rebuilt');
    expect(await again.app.get<EventStore>(PERSONNEL_STORE).headPosition()).toBe(headBefore);
    const late = { fullName: 'Lò Thị Muộn', dateOfBirth: '2005-05-10', gender: 'female', admittedOn: '2025-09-02', reason: 'kết nạp' };
    expect((await per.post('/members', { id: id('late'), branchId: target, ...late })).status).toBe(201);
    expect((await per.post('/members', { id: id('late2'), branchId: sources[0], ...late })).body.rule).toBe('branch-not-active');
  });

  it('communes merge: organisation counts their people from personnel\'s events, and personnel lists them under the new commune from organisation\'s', async () => {
    const other = id('xb');
    const successor = id('xc');
    expect((await org.post('/units', { id: other, kind: 'grassroots', name: 'Đoàn xã Châu Bính', parentId: id('na'), ...why('2019-01-01') })).status).toBe(201);
    const merger = { sourceUnitIds: [commune, other], into: { id: successor, name: 'Đoàn xã Châu Kim mới', kind: 'grassroots', parentId: id('na') }, ...why('2025-10-01') };
    // The target's eight members and the one admitted after the restart, the target's one secretary.
    const plan = await eventually(() => org.post('/unit-mergers', { ...merger, dryRun: true }), (a) => a.status === 200 && a.body.following.members === 9, "organisation's replica to count the commune's members");
    expect(plan.body.following).toEqual({ branches: 2, members: 9, secretaries: 1 });
    expect((await org.post('/unit-mergers', merger)).status).toBe(201);
    const listed = await eventually(() => per.get(`/members?unitId=${successor}&limit=50`), (a) => a.status === 200 && a.body.items.length === 9, 'personnel to place the moved branches under the new commune');
    expect([...new Set(listed.body.items.map((m: { branchId: string }) => m.branchId))]).toEqual([target]);
    expect((await per.get(`/members?unitId=${commune}&limit=50`)).body.items).toEqual([]);
    expect((await per.get(`/members?unitId=${commune}&asOf=2025-09-30&limit=50`)).body.items).toHaveLength(9);
  });
});
