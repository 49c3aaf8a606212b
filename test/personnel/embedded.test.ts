import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStore } from '@register/event-sourcing';
import { ReadModelQueries, rebuildShadowDiff } from '@register/read-models';
import { connectConsumers, createHttpApp, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { memberDirectoryProjection } from '../../services/personnel/src/members/member-directory.projection';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { personnelProjections } from '../../services/personnel/src/projections';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';

/** The personnel module as the embedded start runs it: PGlite, personal data sealed with the key table beside the log. */
describe('personnel on PGlite (embedded start)', () => {
  let app: NestFastifyApplication;
  const dataDir = mkdtempSync(join(tmpdir(), 'personnel-'));

  beforeAll(async () => {
    const config = loadConfig({ REGISTER_MODE: 'embedded', DATA_DIR: dataDir });
    app = await createHttpApp(rootModuleOf(config, [PersonnelModule]), { title: 'personnel embedded test', logger: false });
    // As the embedded start does: the relay publishes to the in-process bus once it is open.
    connectConsumers(app, config);
    await startConsumers(app, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('admits a member and reads them back, then erases their personal data', async () => {
    await app.get(OrganisationReactions).handle({
      eventId: 'e1',
      type: 'BranchEstablished',
      data: { branchId: 'b1', parentUnitId: 'u1', name: 'Chi đoàn bản Na Ca', area: null, predecessorIds: [] },
      metadata: { effectiveDate: '2025-01-01' },
    });
    const fastify = app.getHttpAdapter().getInstance();
    const admitted = await fastify.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: { id: 'm1', branchId: 'b1', fullName: 'Lò Thị Hương', dateOfBirth: '2004-05-10', gender: 'female', admittedOn: '2025-03-26', reason: 'kết nạp' },
    });
    expect(admitted.statusCode).toBe(201);
    const read = await fastify.inject({ method: 'GET', url: '/api/v1/members/m1' });
    expect(read.json()).toMatchObject({ id: 'm1', fullName: 'Lò Thị Hương', branchId: 'b1', status: 'active' });
    expect(read.headers.etag).toBe('"0"');
    const erased = await fastify.inject({ method: 'POST', url: '/api/v1/members/m1/personal-data-erasure', payload: { reason: 'yêu cầu xóa' } });
    expect(erased.statusCode).toBe(201);
    expect((await fastify.inject({ method: 'GET', url: '/api/v1/members/m1' })).json()).toMatchObject({ fullName: null, personalDataErased: true });
    const listed = await fastify.inject({ method: 'GET', url: `/api/v1/members?branchId=b1&minPosition=${erased.json().position}` });
    expect(listed.json().items).toEqual([expect.objectContaining({ id: 'm1', fullName: null, dateOfBirth: null })]);
  });

  it('reads officers, careers and vacancies of today from the embedded read store (minPosition)', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    const appointed = await fastify.inject({
      method: 'POST',
      url: '/api/v1/branches/b1/officer-appointments',
      payload: { memberId: 'm1', role: 'secretary', method: 'elected', source: 'young-party-member', startsOn: '2025-04-01', reason: 'đại hội chi đoàn' },
    });
    expect(appointed.statusCode).toBe(201);
    const at = `minPosition=${appointed.json().position}`;
    const officers = await fastify.inject({ method: 'GET', url: `/api/v1/branches/b1/officers?${at}` });
    expect(officers.json()).toMatchObject({ hasSecretary: true, version: 0, items: [{ memberId: 'm1', role: 'secretary', source: 'young-party-member' }] });
    expect(officers.headers.etag).toBe('"0"');
    expect((await fastify.inject({ method: 'GET', url: `/api/v1/members/m1/career?${at}` })).json().posts).toEqual([expect.objectContaining({ branchId: 'b1', startsOn: '2025-04-01', endsOn: null })]);
    expect((await fastify.inject({ method: 'GET', url: `/api/v1/personnel-reports/vacancies?${at}` })).json().items).toEqual([]);
    expect((await fastify.inject({ method: 'GET', url: `/api/v1/personnel-reports/secretaries-by-source?${at}` })).json().counts).toMatchObject({ 'young-party-member': 1 });
  });

  it('rebuilds every personnel read model in a shadow copy: 0 differences (the erased name is dropped in both)', async () => {
    const store = app.get<EventStore>(PERSONNEL_STORE);
    const readModels = app.get(ReadModelQueries);
    expect(await readModels.waitFor(await store.headPosition(), 5000)).toBe(true);
    // Side by side: each waits for its live writer to step aside at its next lease renewal.
    const reports = await Promise.all(personnelProjections.map((projection) => rebuildShadowDiff(store, readModels.store, projection)));
    console.log(`shadow diff (personnel, ${readModels.store.kind}): ${reports.map((r) => `${r.projection}: ${r.events} events to position ${r.position}, ${JSON.stringify(r.documents)}, ${r.diff?.differences} differences`).join('; ')}`);
    expect(reports.map((r) => [r.projection, r.diff?.differences])).toEqual(personnelProjections.map((p) => [p.name, 0]));
    expect(await readModels.of(memberDirectoryProjection).collection('members').get('m1')).toMatchObject({ fullName: null, erased: true, search: '' });
  }, 60_000);
});
