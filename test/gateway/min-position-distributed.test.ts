import { INestApplication, Type } from '@nestjs/common';
import { mintToken } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { ConsumerGroupSpec, createHttpApp, RegisterConfig, rootModuleOf } from '@register/service-kit';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { GatewayProxyModule } from '../../services/gateway/src/proxy/proxy.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { SUBJECT_SYNC } from '../../services/evaluation/src/reactions/subject-sync.consumer';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PEOPLE_SYNC } from '../../services/organisation/src/people/people-sync.consumer';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { FACTS_SYNC } from '../../services/training/src/reactions/facts-sync.consumer';
import { TrainingModule } from '../../services/training/src/training.module';
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
  let config: RegisterConfig;
  let gateway: INestApplication;
  let gw: Awaited<ReturnType<typeof httpClient>>;
  let admin: Record<string, string>;
  const id = (name: string) => `${run}-${name}`;
  const post = async (path: string, body: object) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await gw.post(path, body, admin);
      // A batch answers 200 with each item's outcome: its position is its last item's.
      if (answer.status === 201 || answer.status === 200) return { position: answer.body.position ?? Math.max(...(answer.body.items ?? []).map((i: { position?: number }) => i.position ?? 0)) } as { position: number };
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
    config = await distributedConfig('min_position');
    apps.push(await startService(config, OrganisationModule, PEOPLE_SYNC, 'ORGANISATION_URL'));
    apps.push(await startService(config, PersonnelModule, BRANCH_SYNC, 'PERSONNEL_URL'));
    apps.push(await startService(config, TrainingModule, FACTS_SYNC, 'TRAINING_URL'));
    apps.push(await startService(config, EvaluationModule, SUBJECT_SYNC, 'EVALUATION_URL'));
    await startGateway();
    await post('/units', { id: id('tw'), kind: 'central', name: 'Trung ương Đoàn', ...why('khởi tạo') });
    await post('/units', { id: id('p'), kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: id('tw'), ...why('khởi tạo') });
    await post('/units', { id: id('c'), kind: 'grassroots', name: 'Đoàn xã Tri Lễ', parentId: id('p'), ...why('khởi tạo') });
    for (let i = 1; i <= 4; i += 1) await post('/branches', { id: id(`b${i}`), parentUnitId: id('c'), name: `Chi đoàn bản Piềng ${i}`, area: { kind: 'village', name: `Piềng ${i}` }, ...why('thành lập') });
    for (let i = 1; i <= 4; i += 1) {
      await post('/members', { id: id(`m${i}`), branchId: id(`b${i}`), fullName: `Lô Thị Hương ${i}`, dateOfBirth: `2003-05-0${i}`, gender: 'female', admittedOn: '2024-03-26', ...why('kết nạp', '2024-03-26') });
    }
  });

  /** The gateway as its process starts, on the same data folder and read store (a second call: its restart). */
  const startGateway = async () => {
    gateway = await createHttpApp(rootModuleOf(config, [GatewayModule, GatewayProxyModule]), { title: 'gateway', logger: false });
    gw = await httpClient(gateway);
    admin = { authorization: `Bearer ${await mintToken(gateway.get(AuthService).localSecret!, { sub: 'admin', roles: ['central-admin'] })}` };
  };
  /** The summary once the gateway's reports reflect each log's head (the distributed gateway waits for the positions named, not for reactions). */
  const summary = async (unitId: string) => {
    const logs: Array<[string, EventStore]> = [['organisation', apps[0].get<EventStore>(ORGANISATION_STORE)], ['personnel', apps[1].get<EventStore>(PERSONNEL_STORE)]];
    const at = (await Promise.all(logs.map(async ([service, store]) => `${service}:${await store.headPosition()}`))).join(',');
    const answer = await gw.get(`/reports/units/${unitId}/summary?year=2026&minPosition=${at}`, admin);
    expect([answer.status, answer.status === 200 ? '' : JSON.stringify(answer.body)]).toEqual([200, '']);
    return answer.body as { branches: { total: number }; members: { total: number; admittedInYear: number } };
  };

  afterAll(async () => {
    await gateway?.close();
    for (const app of apps.reverse()) await app.close();
    delete process.env.ORGANISATION_URL;
    delete process.env.PERSONNEL_URL;
    delete process.env.TRAINING_URL;
    delete process.env.EVALUATION_URL;
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

  it("keeps the year's admissions at every level after their branches merge into a new one (probe O, F6)", async () => {
    for (let i = 1; i <= 2; i += 1) await post('/branches', { id: id(`k${i}`), parentUnitId: id('c'), name: `Chi đoàn thôn Nà Pồng ${i}`, area: { kind: 'hamlet', name: `Nà Pồng ${i}` }, ...why('thành lập') });
    const batch = { members: [1, 2, 3, 4].map((n) => ({ id: id(`a${n}`), branchId: id(`k${1 + (n % 2)}`), fullName: `Hoàng Thị Sành ${n}`, dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2026-03-26' })), ...why('kết nạp', '2026-03-26') };
    await post('/admission-batches', batch);
    const before = [await summary(id('c')), await summary(id('p')), await summary(id('tw'))];
    expect(before.map((s) => s.members.admittedInYear)).toEqual([4, 4, 4]);
    const merger = await post('/branch-mergers', { sourceBranchIds: [id('k1'), id('k2')], into: { id: id('k12'), name: 'Chi đoàn thôn Nà Pồng mới', area: { kind: 'hamlet', name: 'Nà Pồng mới' }, parentUnitId: id('c') }, reason: 'sáp nhập thôn' });
    expect(await members(`branchId=${id('k12')}&minPosition=${merger.position}`)).toHaveLength(4);
    const after = [await summary(id('c')), await summary(id('p')), await summary(id('tw'))];
    expect(after.map((s) => [s.members.total, s.members.admittedInYear])).toEqual(before.map((s) => [s.members.total, s.members.admittedInYear]));
  });

  it('knows, after the gateway restarts, a unit established since: its summary, and its branches and members in its province\'s (probe O, F3)', async () => {
    const province = await summary(id('p'));
    await gateway.close();
    await startGateway();
    await post('/units', { id: id('c3'), kind: 'grassroots', name: 'Đoàn xã Hạnh Thịnh', parentId: id('p'), ...why('thành lập') });
    await post('/branches', { id: id('h1'), parentUnitId: id('c3'), name: 'Chi đoàn bản Hạnh', area: { kind: 'village', name: 'Hạnh' }, ...why('thành lập') });
    await post('/members', { id: id('h1m'), branchId: id('h1'), fullName: 'Lương Văn Hạnh', dateOfBirth: '2003-02-02', gender: 'male', admittedOn: '2026-03-26', ...why('kết nạp', '2026-03-26') });
    expect((await summary(id('c3'))).branches.total).toBe(1);
    const after = await summary(id('p'));
    expect([after.branches.total, after.members.total]).toEqual([province.branches.total + 1, province.members.total + 1]);
  });
});
