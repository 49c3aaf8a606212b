import { INestApplication, Type } from '@nestjs/common';
import { mintToken } from '@register/auth';
import { ConsumerGroupSpec, createHttpApp, RegisterConfig, rootModuleOf } from '@register/service-kit';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { GatewayProxyModule } from '../../services/gateway/src/proxy/proxy.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PEOPLE_SYNC } from '../../services/organisation/src/people/people-sync.consumer';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { httpClient } from '../support/http';
import { startServiceBehindGateway } from './distributed-app';
import { distributedConfig } from '../support/distributed-config';
import { uniqueName } from '../support/servers';

jest.setTimeout(180_000);

const run = uniqueName('mp');
const perRun = (spec: ConsumerGroupSpec): ConsumerGroupSpec => ({ ...spec, group: `${spec.group}.${run}` });
const why = (reason: string, effectiveDate = '2025-01-01') => ({ reason, effectiveDate });

const startService = (config: RegisterConfig, module: Type<unknown>, group: ConsumerGroupSpec, urlEnv: string) => startServiceBehindGateway(config, module, perRun(group), urlEnv);

/**
 * api.md's minPosition across services, distributed (PostgreSQL, Kafka, FerretDB, the gateway):
 * a branch merger answers organisation's position, and a read of the successor's members with it,
 * sent at once through the gateway, shows the members personnel moved when the merger reached it
 * over Kafka (the gateway waits for organisation's relay, personnel for its consumer group).
 */
describe('minPosition of another service\'s log (distributed, through the gateway)', () => {
  const apps: INestApplication[] = [];
  let gw: Awaited<ReturnType<typeof httpClient>>;
  let admin: Record<string, string>;
  const id = (name: string) => `${run}-${name}`;
  const post = async (path: string, body: object) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await gw.post(path, body, admin);
      if (answer.status === 201) return answer.body as { position: number };
      // Personnel learns a branch a moment after organisation establishes it (over Kafka).
      if (answer.body?.rule !== 'branch-unknown' || Date.now() > deadline) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  const members = async (query: string) => {
    const answer = await gw.get(`/members?${query}`, admin);
    expect(answer.status).toBe(200);
    return (answer.body.items as Array<{ id: string; branchId: string }>).map((m) => `${m.id}@${m.branchId}`).sort();
  };

  beforeAll(async () => {
    process.env.REGISTER_INTERNAL_SECRET = 'test-internal-secret-min-position-0123';
    delete process.env.REGISTER_RELAY;
    const config = await distributedConfig('min_position');
    apps.push(await startService(config, OrganisationModule, PEOPLE_SYNC, 'ORGANISATION_URL'));
    apps.push(await startService(config, PersonnelModule, BRANCH_SYNC, 'PERSONNEL_URL'));
    const gateway = await createHttpApp(rootModuleOf(config, [GatewayModule, GatewayProxyModule]), { title: 'gateway', logger: false });
    apps.push(gateway);
    gw = await httpClient(gateway);
    admin = { authorization: `Bearer ${await mintToken(gateway.get(AuthService).localSecret!, { sub: 'admin', roles: ['central-admin'] })}` };
    await post('/units', { id: id('tw'), kind: 'central', name: 'Trung ương Đoàn', ...why('khởi tạo') });
    await post('/units', { id: id('p'), kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: id('tw'), ...why('khởi tạo') });
    await post('/units', { id: id('c'), kind: 'grassroots', name: 'Đoàn xã Tri Lễ', parentId: id('p'), ...why('khởi tạo') });
    for (let i = 1; i <= 4; i += 1) await post('/branches', { id: id(`b${i}`), parentUnitId: id('c'), name: `Chi đoàn bản Piềng ${i}`, area: { kind: 'village', name: `Piềng ${i}` }, ...why('thành lập') });
    for (let i = 1; i <= 4; i += 1) {
      await post('/members', { id: id(`m${i}`), branchId: id(`b${i}`), fullName: `Lô Thị Hương ${i}`, dateOfBirth: `2003-05-0${i}`, gender: 'female', admittedOn: '2024-03-26', ...why('kết nạp', '2024-03-26') });
    }
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    delete process.env.ORGANISATION_URL;
    delete process.env.PERSONNEL_URL;
  });

  it('shows the members a merger moved, read at once with the merger\'s position', async () => {
    // Personnel takes its time over each merger, as it would over a large one: the read must wait for it, not race it.
    const handle = OrganisationReactions.prototype.handle;
    const slow = jest.spyOn(OrganisationReactions.prototype, 'handle').mockImplementation(async function (this: OrganisationReactions, fact) {
      if (['BranchesMerged', 'UnitEstablished'].includes((fact as { type: string }).type)) await new Promise((resolve) => setTimeout(resolve, 400));
      return handle.call(this, fact);
    });
    try {
      for (const [source, target] of [['b2', 'b1'], ['b4', 'b3']]) {
        const merger = await post('/branch-mergers', { sourceBranchIds: [id(source)], into: { branchId: id(target) }, ...why('sáp nhập thôn bản', '2025-07-01') });
        const expected = [`${id(`m${source.slice(1)}`)}@${id(target)}`, `${id(`m${target.slice(1)}`)}@${id(target)}`].sort();
        expect(await members(`branchId=${id(target)}&minPosition=${merger.position}`)).toEqual(expected);
      }
      // A commune established a moment ago is known to a read with its position, not 404 (probe O, F5).
      const commune = await post('/units', { id: id('c2'), kind: 'grassroots', name: 'Đoàn xã Châu Kim', parentId: id('p'), ...why('thành lập') });
      expect(await members(`unitId=${id('c2')}&minPosition=${commune.position}`)).toEqual([]);
      expect(slow).toHaveBeenCalled();
    } finally {
      slow.mockRestore();
    }
  });
});
