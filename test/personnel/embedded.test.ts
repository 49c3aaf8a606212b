import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectConsumers, createHttpApp, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
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
  });
});
