import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsTopic, InProcessBus } from '@register/messaging';
import { createHttpApp, loadConfig, rootModuleOf } from '@register/service-kit';
import { EventStore } from '@register/event-sourcing';
import { ReadModelQueries, RebuildReport, rebuildShadowDiff } from '@register/read-models';
import { STRUCTURE_STREAM } from '@register/contracts';
import { runRebuildCli } from '../../libs/read-models/src/cli/rebuild';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { organisationProjections } from '../../services/organisation/src/projections';
import { httpClient } from '../support/http';
import { inParallel } from '../support/in-parallel';
import { distributedConfig } from '../support/distributed-config';
import { servers, uniqueName } from '../support/servers';

/**
 * Issue 6 acceptance, over HTTP on the real servers: a district of 12 commune unions and 150 hamlet
 * branches; hamlets merge until 139 branches remain; then the district is abolished.
 */
type Setup = 'distributed' | 'embedded';

/**
 * Distributed: a fresh PostgreSQL database, the Kafka relay and read models in a fresh database on
 * the MongoDB-compatible server (FerretDB). Embedded: PGlite in a temp folder, the in-process bus
 * and the in-memory read store.
 */
async function configFor(setup: Setup) {
  if (setup === 'embedded') return loadConfig({ REGISTER_MODE: 'embedded', DATA_DIR: mkdtempSync(join(tmpdir(), 'register-')) });
  return distributedConfig('org_e2e');
}

describe.each<Setup>(['distributed', 'embedded'])('organisation (%s): hamlet mergers and the abolished district', (setup) => {
  let app: NestFastifyApplication;
  let api: Awaited<ReturnType<typeof httpClient>>;
  const why = (reason: string, effectiveDate: string) => ({ reason, effectiveDate, decisionRef: { number: '125-QĐ/TĐTN', issuedBy: 'Ban Thường vụ Tỉnh đoàn' } });

  /** Events seen on the in-process bus (embedded) — what other services would consume. */
  const onBus: Array<{ eventId: string }> = [];

  let config: Awaited<ReturnType<typeof configFor>> | undefined;
  const readModelDb = () => /^mongodb:\/\/[^/]+\/([^?]*)/.exec(config!.mongoUrl)![1] + '_organisation';

  beforeAll(async () => {
    config = await configFor(setup);
    app = await createHttpApp(rootModuleOf(config, [OrganisationModule]), { title: 'test', logger: false });
    if (setup === 'embedded') {
      const bus = app.get(InProcessBus);
      bus.subscribe(eventsTopic('organisation'), 'test', async (message) => void onBus.push(JSON.parse(message.value)));
      bus.open();
    }
    api = await httpClient(app);
  });

  afterAll(async () => {
    await app?.close();
    if (config?.mode === 'distributed') {
      const mongo = await mongoose.createConnection(config.mongoUrl, { dbName: readModelDb() }).asPromise();
      await mongo.dropDatabase();
      await mongo.close();
    }
  });

  /**
   * Reads of today come from the read models, which follow the log: each passes the position of
   * the last write as `minPosition` (api.md), so that it sees every write before it.
   */
  let written = 0;
  const post = async (path: string, body: unknown) => {
    const answer = await api.post(path, body);
    if (typeof answer.body?.position === 'number') written = Math.max(written, answer.body.position);
    return answer;
  };
  const fresh = (path: string) => `${path}${path.includes('?') ? '&' : '?'}minPosition=${written}`;
  /** A read of one's own writes: the client retries a 503 "retry shortly" (test/support/http.ts). */
  const getFresh = (path: string) => api.get(fresh(path));

  const communes = Array.from({ length: 12 }, (_, i) => `xa-${i + 1}`);
  const hamlets = Array.from({ length: 150 }, (_, i) => `ban-${i + 1}`);

  it('builds the district: 12 commune unions, 150 hamlet branches', async () => {
    expect((await post('/units', { id: 'tw', kind: 'central', name: 'Trung ương Đoàn', ...why('khởi tạo', '2024-01-01') })).status).toBe(201);
    expect((await post('/units', { id: 'na', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw', ...why('khởi tạo', '2024-01-01') })).status).toBe(201);
    expect((await post('/units', { id: 'qp', kind: 'district', name: 'Huyện đoàn Quế Phong', parentId: 'na', ...why('khởi tạo', '2024-01-01') })).status).toBe(201);
    // The communes and then the hamlets a few at a time, as several offices would send them: the writes are independent.
    const created: number[] = [];
    await inParallel(communes, 8, async (id, i) => {
      created.push((await post('/units', { id, kind: 'grassroots', name: `Đoàn xã số ${i + 1}`, parentId: 'qp', ...why('khởi tạo', '2024-01-01') })).status);
    });
    await inParallel(hamlets, 8, async (id, i) => {
      const answer = await post('/branches', {
        id,
        parentUnitId: communes[i % 12],
        name: `Chi đoàn bản Thông Thụ ${i + 1}`,
        area: { kind: 'village', name: `Thông Thụ ${i + 1}` },
        ...why('khởi tạo', '2024-01-01'),
      });
      created.push(answer.status);
    });
    expect(created).toEqual(Array(12 + 150).fill(201));
    const tree = await getFresh('/units/qp/tree');
    expect(tree.body.counts).toEqual({ units: 12, branches: 150, residentialBranches: 150 });
  });

  it('refuses what the rules forbid, with a 422 naming the rule, and changes nothing', async () => {
    const before = (await getFresh('/units/qp/tree')).body.counts;
    const itself = await post('/branch-mergers', { sourceBranchIds: ['ban-1'], into: { branchId: 'ban-1' }, ...why('x', '2025-06-01') });
    expect([itself.status, itself.body.rule]).toEqual([422, 'merge-into-itself']);
    const noArea = await post('/branch-mergers', { sourceBranchIds: ['ban-13', 'ban-25'], into: { name: 'Chi đoàn bản mới' }, ...why('x', '2025-06-01') });
    expect([noArea.status, noArea.body.rule]).toEqual([422, 'successor-area-required']);
    const cycle = await post('/units/qp/moves', { toParentId: 'xa-1', ...why('x', '2025-06-01') });
    expect([cycle.status, cycle.body.rule]).toEqual([422, 'unit-move-into-own-subtree']);
    const parent = await post('/units/qp/dissolution', why('x', '2025-06-01'));
    expect([parent.status, parent.body.rule]).toEqual([422, 'unit-has-active-children']);
    expect(parent.headers.get('content-type')).toContain('application/problem+json');
    const dryRun = await post('/branch-mergers', { sourceBranchIds: ['ban-13', 'ban-25'], into: { name: 'Chi đoàn bản mới', area: { kind: 'village', name: 'Mới' } }, dryRun: true, ...why('x', '2025-06-01') });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ dryRun: true, branchesClosed: [{ id: 'ban-13' }, { id: 'ban-25' }], membersMoving: [{ count: 0 }, { count: 0 }] });
    expect((await getFresh('/units/qp/tree')).body.counts).toEqual(before);
  });

  it('merges hamlets until 139 branches remain; each successor shows its predecessors', async () => {
    // Six absorptions into an existing branch (−1 each), five combinations of two into a new one (−1 each).
    const successors: Array<{ id: string; predecessors: string[] }> = [];
    for (let k = 0; k < 6; k++) {
      const [target, source] = [`ban-${1 + k}`, `ban-${13 + k}`]; // the same commune: indexes equal modulo 12
      const answer = await post('/branch-mergers', { sourceBranchIds: [source], into: { branchId: target }, ...why('Sáp nhập bản', '2025-06-01') });
      expect(answer.status).toBe(201);
      successors.push({ id: target, predecessors: [source] });
    }
    for (let k = 0; k < 5; k++) {
      const sources = [`ban-${100 + k}`, `ban-${112 + k}`];
      const answer = await post('/branch-mergers', { sourceBranchIds: sources, into: { name: `Chi đoàn bản hợp nhất ${k + 1}`, area: { kind: 'village', name: `Hợp nhất ${k + 1}` } }, ...why('Hợp nhất bản', '2025-06-01') });
      expect(answer.status).toBe(201);
      successors.push({ id: answer.body.id, predecessors: sources });
    }
    const listed = await getFresh('/branches?parentUnitId=qp&limit=500');
    expect(listed.body.items).toHaveLength(139);
    expect(listed.body.items.every((b: { status: string }) => b.status === 'active')).toBe(true);
    for (const s of successors) expect((await api.get(`/branches/${s.id}`)).body.predecessorIds).toEqual(s.predecessors);
    const gone = await api.get('/branches/ban-13');
    expect(gone.body).toMatchObject({ status: 'merged', successorIds: ['ban-1'], closedOn: '2025-06-01' });
    expect((await getFresh('/branches?q=thong%20thu%2013&status=any')).body.items.map((b: { id: string }) => b.id)).toContain('ban-13');
  });

  it('still shows 150 branches in the tree as of the day before the mergers', async () => {
    expect((await api.get('/units/qp/tree?asOf=2025-05-31')).body.counts.branches).toBe(150);
    expect((await getFresh('/units/qp/tree')).body.counts.branches).toBe(139);
    expect((await api.get('/branches?parentUnitId=qp&limit=500&asOf=2025-05-31')).body.items).toHaveLength(150);
    // A cursor the API never returned is 400 on the folded path too, not an empty last page.
    for (const cursor of ['garbage', 'eyJ4IjoxfQ']) {
      const r = await api.get(`/branches?parentUnitId=qp&asOf=2025-05-31&cursor=${cursor}`);
      expect([r.status, r.body.errors?.[0]?.field]).toEqual([400, 'cursor']);
    }
  });

  it('abolishes the district: its communes move under the province; today has no district, last year does', async () => {
    for (const id of communes) expect((await post(`/units/${id}/moves`, { toParentId: 'na', ...why('Kết thúc hoạt động cấp huyện', '2025-07-01') })).status).toBe(201);
    // Dated before the communes moved, it would leave them under a dissolved district for a month.
    const early = await post('/units/qp/dissolution', why('Kết thúc hoạt động Huyện đoàn', '2025-06-01'));
    expect([early.status, early.body.rule, early.body.activeUnitIds?.length]).toEqual([422, 'unit-has-active-children', 12]);
    expect((await post('/units/qp/dissolution', why('Kết thúc hoạt động Huyện đoàn', '2025-07-01'))).status).toBe(201);
    const today = await getFresh('/units/na/tree');
    expect(today.body.children.map((c: { id: string }) => c.id).sort()).toEqual([...communes].sort());
    expect(today.body.counts.branches).toBe(139);
    const lastYear = await api.get('/units/na/tree?asOf=2024-12-31');
    expect(lastYear.body.children.map((c: { id: string }) => c.id)).toEqual(['qp']);
    expect(lastYear.body.children[0].counts.branches).toBe(150);
    expect((await api.get('/units/qp')).body).toMatchObject({ status: 'dissolved', dissolvedOn: '2025-07-01' });
    expect((await api.get('/units/qp?asOf=2024-12-31')).body.status).toBe('active');
  });

  it('serves today from the read models: subtrees follow the moves, pages, search with or without diacritics, lineage', async () => {
    const underProvince = await getFresh('/branches?parentUnitId=na&limit=500');
    expect(underProvince.body.items).toHaveLength(139);
    expect(ids(await getFresh('/branches?parentUnitId=qp'))).toEqual([]);
    expect(ids(await getFresh('/branches?parentUnitId=qp&status=any&limit=500'))).toHaveLength(0);
    expect(ids(await getFresh('/branches?parentUnitId=xa-1&limit=500'))).toContain('ban-1');
    const paged: string[] = [];
    for (let cursor = ''; ; ) {
      const page = await getFresh(`/branches?parentUnitId=na&limit=50${cursor && `&cursor=${cursor}`}`);
      paged.push(...ids(page));
      if (!page.body.nextCursor) break;
      cursor = page.body.nextCursor;
    }
    expect(paged).toEqual(ids(underProvince));
    expect(ids(await getFresh('/branches?q=thong%20thu%2077'))).toEqual(['ban-77']);
    expect(ids(await getFresh(`/branches?q=${encodeURIComponent('Thông Thụ 77')}`))).toEqual(['ban-77']);
    // Typed with diacritics, the marks count (a probe found "Văn" finding "Vân"): today's read model and the fold of asOf alike.
    expect(ids(await getFresh(`/branches?q=${encodeURIComponent('Thống Thụ 77')}`))).toEqual([]);
    expect(ids(await api.get(`/branches?q=${encodeURIComponent('Thống Thụ 77')}&asOf=2099-12-31`))).toEqual([]);
    expect(ids(await api.get(`/branches?q=${encodeURIComponent('thông thu 77')}&asOf=2099-12-31`))).toEqual(['ban-77']);
    // Personnel has published nobody here: no branch has members or a secretary yet.
    expect(ids(await getFresh('/branches?hasMembers=false&limit=500'))).toHaveLength(139);
    expect(ids(await getFresh('/branches?hasSecretary=true'))).toEqual([]);
    const combined = ids(await getFresh(`/branches?q=${encodeURIComponent('hợp nhất 1')}`));
    expect(combined).toHaveLength(1);
    expect((await getFresh(`/branches/${combined[0]}/lineage`)).body.predecessors.map((b: { id: string }) => b.id)).toEqual(['ban-100', 'ban-112']);
    expect((await getFresh('/branches/ban-13/lineage')).body.successors.map((b: { id: string }) => b.id)).toEqual(['ban-1']);
    // The read models answer what the fold of the log answers.
    const everything = '2099-12-31';
    // Cursors are sealed for their own list (the asOf one is another list): whether there is a next page is compared.
    const page = (body: { items: unknown[]; nextCursor: string | null }) => ({ items: body.items, more: body.nextCursor !== null });
    for (const path of ['/branches?parentUnitId=na&limit=500', '/branches?status=any&limit=500', `/branches?q=${encodeURIComponent('bản')}&limit=30`]) {
      expect(page((await getFresh(path)).body)).toEqual(page((await api.get(`${path}&asOf=${everything}`)).body));
    }
    for (const path of ['/units/tw/tree?includeClosed=true', '/units/na/tree', '/units/na/tree?depth=1', `/branches/${combined[0]}/lineage`]) {
      expect((await getFresh(path)).body).toEqual((await api.get(`${path}${path.includes('?') ? '&' : '?'}asOf=${everything}`)).body);
    }
  });

  it('published every change of its log for the other services (Kafka, or the in-process bus)', async () => {
    const logged = new Set((await app.get<EventStore>(ORGANISATION_STORE).readStream(STRUCTURE_STREAM)).map((e) => e.eventId));
    expect(logged.size).toBeGreaterThan(170);
    const published = setup === 'embedded' ? await waitFor(logged, () => onBus.map((e) => e.eventId)) : await readKafka(logged);
    expect([...logged].filter((id) => !published.has(id))).toEqual([]);
  });

  it('rebuilds every organisation read model in a shadow copy: 0 differences from the live one', async () => {
    const readModels = app.get(ReadModelQueries);
    expect(await readModels.waitFor(written, 10_000)).toBe(true);
    // Both at once: each waits for the live writer to hand its copy over (it hears the request when it next renews its lease, up to 10 s).
    const reports: RebuildReport[] = await Promise.all(organisationProjections.map((projection) => rebuildShadowDiff(app.get<EventStore>(ORGANISATION_STORE), readModels.store, projection)));
    console.log(`shadow diff (${setup}, ${readModels.store.kind}): ${reports.map((r) => `${r.projection}: ${r.events} events to position ${r.position}, ${JSON.stringify(r.documents)}, ${r.diff?.differences} differences`).join('; ')}`);
    expect(reports.map((r) => [r.projection, r.diff?.differences])).toEqual(organisationProjections.map((p) => [p.name, 0]));
    expect(reports.map((r) => r.documents)).toEqual([
      { branches: 155, units: 15 },
      { units: 15, branches: 155 },
    ]);
    // The live copies still follow the log afterwards.
    const renamed = await post('/branches/ban-77/renames', { name: 'Chi đoàn bản Thông Thụ Bảy Bảy', ...why('đổi tên', '2025-08-01') });
    expect(renamed.status).toBe(201);
    expect(ids(await getFresh('/branches?q=thong%20thu%20bay'))).toEqual(['ban-77']);
  });

  // The CLI rebuilds from PostgreSQL into MongoDB: it belongs to the distributed setup only.
  if (setup === 'distributed') it('the rebuild CLI finds the organisation projections and reports 0 differences', async () => {
    const lines: string[] = [];
    const code = await runRebuildCli(['--service', 'organisation', '--mode', 'shadow-diff', '--pg', config!.postgresUrl, '--mongo', config!.mongoUrl], (line) => lines.push(line));
    console.log(lines.join('\n'));
    expect(code).toBe(0);
    expect(lines.filter((l) => /^(branch-directory|unit-tree) +shadow-diff/.test(l)).map((l) => l.trim().split(/ +/).pop())).toEqual(['0', '0']);
  });

  const ids = (answer: { body: { items: Array<{ id: string }> } }) => answer.body.items.map((b) => b.id);

  async function waitFor(wanted: Set<string>, seen: () => string[]) {
    const deadline = Date.now() + 30_000;
    let got = new Set<string>();
    while (Date.now() < deadline && [...wanted].some((id) => !got.has(id))) {
      await new Promise((r) => setTimeout(r, 50));
      got = new Set(seen());
    }
    return got;
  }

  async function readKafka(wanted: Set<string>) {
    const kafka = new Kafka({ brokers: servers.kafkaBrokers, clientId: 'org-e2e', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueName('org-e2e') });
    await consumer.connect();
    await consumer.subscribe({ topic: eventsTopic('organisation'), fromBeginning: true });
    const ids: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void ids.push(JSON.parse(message.value!.toString()).eventId) });
    const got = await waitFor(wanted, () => ids);
    await consumer.disconnect();
    return got;
  }
});
