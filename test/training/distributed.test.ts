/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import { INestApplication, Type } from '@nestjs/common';
import { mintToken } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { ConsumerGroupSpec, createHttpApp, RegisterConfig, rootModuleOf } from '@register/service-kit';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { GatewayProxyModule } from '../../services/gateway/src/proxy/proxy.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PEOPLE_SYNC } from '../../services/organisation/src/people/people-sync.consumer';
import { BranchReplica } from '../../services/personnel/src/application/branch-replica';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { BRANCH_SYNC } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { FACTS_SYNC, OrganisationFactsConsumer, PersonnelFactsConsumer } from '../../services/training/src/reactions/facts-sync.consumer';
import { TrainingModule } from '../../services/training/src/training.module';
import { startServiceBehindGateway } from '../gateway/distributed-app';
import { httpClient } from '../support/http';
import { distributedConfig as sharedDistributedConfig } from '../support/distributed-config';
import { uniqueName } from '../support/servers';
import { expectedFigures, quePhongYear } from './que-phong-scenario';
import { shadowDiffs } from './shadow-rebuild';

const run = uniqueName('tr');
const perRun = (spec: ConsumerGroupSpec): ConsumerGroupSpec => ({ ...spec, group: `${spec.group}.${run}` });

const distributedConfig = () => sharedDistributedConfig('training_dist');

const startService = (config: RegisterConfig, module: Type<unknown>, group: ConsumerGroupSpec, urlEnv: string) => startServiceBehindGateway(config, module, perRun(group), urlEnv);

async function until(done: () => Promise<boolean> | boolean, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The distributed register on the real servers: organisation, personnel, training and the gateway
 * as apps on their own ports, logs on a fresh PostgreSQL database, read models on FerretDB, and the
 * services learning each other's facts over Kafka only (relays on, one consumer group each).
 */
describe('training distributed (PostgreSQL, Kafka, FerretDB) through the gateway', () => {
  const apps: INestApplication[] = [];
  let training: INestApplication;
  let personnel: INestApplication;
  let orgLog: EventStore;
  let personnelLog: EventStore;
  let config: RegisterConfig;
  // The gateway and the administrator of the Quế Phong year, which the course rules below reuse (its district, branches and members).
  let gw: Awaited<ReturnType<typeof httpClient>>;
  let gatewayUrl: string;
  let admin: Record<string, string>;
  const prefix = `${run.replace(/_/g, '')}-`;

  beforeAll(async () => {
    process.env.REGISTER_INTERNAL_SECRET = 'training-distributed-test-secret';
    delete process.env.REGISTER_RELAY;
    // The year's commands go through the gateway in parallel: its per-caller rate limit is not the subject here
    // (it passed when an earlier suite in the same jest worker had lifted it, and answered 429 when none had).
    process.env.REGISTER_RATE_PER_SEC ??= '100000';
    process.env.REGISTER_RATE_BURST ??= '100000';
    config = await distributedConfig();
    const organisation = await startService(config, OrganisationModule, PEOPLE_SYNC, 'ORGANISATION_URL');
    personnel = await startService(config, PersonnelModule, BRANCH_SYNC, 'PERSONNEL_URL');
    training = await startService(config, TrainingModule, FACTS_SYNC, 'TRAINING_URL');
    apps.push(organisation, personnel, training);
    orgLog = organisation.get<EventStore>(ORGANISATION_STORE);
    personnelLog = personnel.get<EventStore>(PERSONNEL_LOG);
  }, 120_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    for (const env of ['ORGANISATION_URL', 'PERSONNEL_URL', 'TRAINING_URL']) delete process.env[env];
  });

  /** Every event both logs hold, seen by training; every branch established, known to personnel. */
  const sync = async () => {
    const [fromOrganisation, fromPersonnel] = [training.get(OrganisationFactsConsumer), training.get(PersonnelFactsConsumer)];
    const replica = personnel.get(BranchReplica);
    const orgEvents = await orgLog.readAll(0, 100_000);
    await until(() => orgEvents.every((e) => e.type !== 'BranchEstablished' || replica.statusOf((e.data as { branchId: string }).branchId) !== 'unknown'), 'personnel to learn the branches');
    const personnelEvents = await personnelLog.readAll(0, 100_000);
    await until(() => orgEvents.every((e) => fromOrganisation.hasApplied(e.eventId)) && personnelEvents.every((e) => fromPersonnel.hasApplied(e.eventId)), 'training to learn every event');
  };

  it('runs the Quế Phong year: 139 secretaries, 134 trained and the 5 by branch; a later appointee untrained; 138 branches after a merger', async () => {
    const gateway = await createHttpApp(rootModuleOf(config, [GatewayModule, GatewayProxyModule]), { title: 'gateway', logger: false });
    apps.push(gateway);
    gw = await httpClient(gateway);
    gatewayUrl = `${(await gateway.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
    admin = { authorization: `Bearer ${await mintToken(gateway.get(AuthService).localSecret!, { sub: 'admin', roles: ['central-admin'] })}` };
    const root = await gw.post('/units', { id: `${prefix}tw`, kind: 'central', name: 'Trung ương Đoàn', reason: 'khởi tạo', effectiveDate: '2025-01-01' }, admin);
    expect(root.status).toBe(201);
    const started = Date.now();
    const measured = await quePhongYear({ post: (path, body) => gw.post(path, body, admin), get: (path) => gw.get(path, admin), sync, prefix, rootUnitId: `${prefix}tw` });
    console.log(`Quế Phong year (distributed), measured in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify({ ...measured, untrainedListed: undefined, expectedUntrained: undefined })}`);
    expect(measured).toMatchObject(expectedFigures());
    expect(measured.untrainedListed).toEqual(measured.expectedUntrained);
    expect(measured.newcomer).toEqual(measured.newcomerExpected);
    expect(measured.successorListed).toBe(0);
    const diffs = await shadowDiffs(training, training.get(TRAINING_STORE));
    console.log(`shadow rebuild diff (FerretDB): ${JSON.stringify(diffs)}`);
    expect(Object.values(diffs).map((d) => d.differences)).toEqual([0, 0, 0]);
  }, 900_000);

  it("keeps the course rules through the distributed gateway: 409 enrolled twice, 409 stale If-Match, an Idempotency-Key replay, 422 into a completed course, a cancellation's reason, CSV", async () => {
    const log = training.get<EventStore>(TRAINING_STORE);
    /** A refusal as problem+json with `status` and `rule`, training's log unchanged. */
    const refused = async (status: number, rule: string | undefined, send: () => Promise<{ status: number; body: any; headers: Headers }>) => {
      const head = await log.headPosition();
      const r = await send();
      expect({ status: r.status, type: r.headers.get('content-type')?.split(';')[0], rule: r.body?.rule }).toEqual({ status, type: 'application/problem+json', rule });
      expect(await log.headPosition()).toBe(head);
    };
    const [district, s0, s1, s2] = [`${prefix}qp`, `${prefix}s000`, `${prefix}s001`, `${prefix}s002`];
    const course = await gw.post('/training-courses', { organiserUnitId: district, title: 'Bồi dưỡng nghiệp vụ bí thư chi đoàn, khóa bổ sung', kind: 'skills', topics: [{ title: 'Hồ sơ, sổ sách chi đoàn' }], startsOn: '2025-11-17', endsOn: '2025-11-18', partner: 'Trung tâm chính trị huyện Quế Phong', reason: 'mở lớp', effectiveDate: '2025-11-01' }, admin);
    expect(course.status).toBe(201);
    const id = course.body.id;
    expect((await gw.post(`/training-courses/${id}/enrolments`, { memberIds: [s0, s1], reason: 'triệu tập' }, admin)).status).toBe(201);
    await refused(409, 'already-enrolled', () => gw.post(`/training-courses/${id}/enrolments`, { memberIds: [s0], reason: 'triệu tập lần nữa' }, admin));

    // Completion under If-Match: a stale version is 409 (as embedded); the right one under an Idempotency-Key, replayed, completes once.
    const read = await gw.get(`/training-courses/${id}?minPosition=${(await log.headPosition())}`, admin);
    const etag = read.headers.get('etag')!;
    const results = [{ memberId: s0, outcome: 'completed' }, { memberId: s1, outcome: 'not-completed' }];
    await refused(409, 'expected-revision', () => gw.post(`/training-courses/${id}/completion`, { results, reason: 'bế giảng' }, { ...admin, 'if-match': `"${Number(JSON.parse(etag)) - 1}"` }));
    const complete = () => gw.post(`/training-courses/${id}/completion`, { results, reason: 'bế giảng' }, { ...admin, 'if-match': etag, 'idempotency-key': `${prefix}complete` });
    const done = await complete();
    expect(done.status).toBe(201);
    const head = await log.headPosition();
    const again = await complete();
    // The replay answers the first completion (the command answer marks it a duplicate) and appends nothing.
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: { ...done.body, duplicate: true } });
    expect(await log.headPosition()).toBe(head);
    expect((await log.readStream(`course-${id}`)).filter((e) => e.type === 'CourseCompleted')).toHaveLength(1);
    await refused(422, 'course-closed', () => gw.post(`/training-courses/${id}/enrolments`, { memberIds: [s2], reason: 'triệu tập muộn' }, admin));
    const closed = await gw.get(`/training-courses/${id}?minPosition=${done.body.position}`, admin);
    expect(closed.body).toMatchObject({ status: 'closed', closedOn: '2025-11-18' });

    // A cancellation with its reason, kept in the event's metadata.
    const other = await gw.post('/training-courses', { organiserUnitId: district, title: 'Tập huấn kỹ năng số cho cán bộ Đoàn', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-12-08', endsOn: '2025-12-09', reason: 'mở lớp' }, admin);
    const cancelled = await gw.post(`/training-courses/${other.body.id}/cancellation`, { reason: 'mưa lũ, hoãn lớp', effectiveDate: '2025-12-01' }, admin);
    expect(cancelled.status).toBe(201);
    expect((await gw.get(`/training-courses/${other.body.id}?minPosition=${cancelled.body.position}`, admin)).body).toMatchObject({ status: 'cancelled', closedOn: '2025-12-01' });
    expect((await log.readStream(`course-${other.body.id}`)).pop()).toMatchObject({ type: 'CourseCancelled', metadata: { actor: 'admin', reason: 'mưa lũ, hoãn lớp', effectiveDate: '2025-12-01' } });

    // The district's courses as CSV: a BOM, the header, the Vietnamese titles intact (quoted where they hold a comma).
    const csv = await fetch(`${gatewayUrl}/training-courses?organiserUnitId=${district}&year=2025&minPosition=${cancelled.body.position}`, { headers: { ...admin, accept: 'text/csv' } });
    // The bytes as sent: Response.text() would drop the BOM while decoding.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect({ status: csv.status, type: csv.headers.get('content-type')?.split(';')[0], start: text.slice(0, 25) }).toEqual({ status: 200, type: 'text/csv', start: '\ufeffid,organiserUnitId,title' });
    for (const title of ['"Bồi dưỡng cán bộ chi đoàn, lớp 1"', '"Bồi dưỡng nghiệp vụ bí thư chi đoàn, khóa bổ sung"', 'Tập huấn kỹ năng số cho cán bộ Đoàn']) expect(text).toContain(title);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + 5);
  }, 120_000);

  it("carries a member's erasure over Kafka: the text of a competition's entries and results about them, and of an enrolment naming them with another, reads \"[erased]\" in the audit events; another course's stays", async () => {
    const log = training.get<EventStore>(TRAINING_STORE);
    const [district, s3, s4] = [`${prefix}qp`, `${prefix}s003`, `${prefix}s004`];
    const contest = await gw.post('/competitions', { organiserUnitId: district, title: 'Hội thi Bí thư chi đoàn giỏi', heldOn: '2025-10-20', reason: 'tổ chức', effectiveDate: '2025-10-01' }, admin);
    expect(contest.status).toBe(201);
    expect((await gw.post(`/competitions/${contest.body.id}/entries`, { memberIds: [s3], reason: `Cử ${s3} dự thi` }, admin)).status).toBe(201);
    expect((await gw.post(`/competitions/${contest.body.id}/results`, { awards: [{ memberId: s3, award: 'Giải nhì' }], reason: `Trao giải cho ${s3}`, effectiveDate: '2025-10-20' }, admin)).status).toBe(201);
    const other = await gw.post('/training-courses', { organiserUnitId: district, title: 'Lớp của người khác', kind: 'skills', topics: [{ title: 'Hồ sơ' }], startsOn: '2025-11-20', endsOn: '2025-11-21', reason: 'mở lớp', effectiveDate: '2025-11-01' }, admin);
    expect((await gw.post(`/training-courses/${other.body.id}/enrolments`, { memberIds: [s4], reason: `Triệu tập ${s4}` }, admin)).status).toBe(201);
    const together = await gw.post('/training-courses', { organiserUnitId: district, title: 'Lớp chung', kind: 'skills', topics: [{ title: 'Hồ sơ' }], startsOn: '2025-11-24', endsOn: '2025-11-25', reason: 'mở lớp', effectiveDate: '2025-11-01' }, admin);
    expect((await gw.post(`/training-courses/${together.body.id}/enrolments`, { memberIds: [s3, s4], reason: `Triệu tập ${s3} và ${s4}` }, admin)).status).toBe(201);
    expect((await gw.post(`/members/${s3}/personal-data-erasure`, { reason: 'xóa theo yêu cầu' }, admin)).status).toBe(201);
    await sync();
    await until(async () => (await log.readStream(`erased-member-${s3}`)).length === 1, "training to record the member's erasure");
    const [erased] = await log.readStream(`erased-member-${s3}`);
    const [enrolment] = (await log.readStream(`course-${together.body.id}`)).filter((e) => e.type === 'ParticipantsEnrolled');
    // The events naming the member with others (the year's classes too) are named; those about them alone went with their own key.
    expect(erased.data).toMatchObject({ memberId: s3, eventIds: expect.arrayContaining([enrolment.eventId]) });
    const auditor = { authorization: `Bearer ${await mintToken(apps[apps.length - 1].get(AuthService).localSecret!, { sub: 'auditor', roles: ['auditor'] })}` };
    const reasons = async (streamId: string) => ((await gw.get(`/audit/events?service=training&streamId=${streamId}`, auditor)).body.items as Array<{ type: string; reason: string }>).map((e) => [e.type, e.reason]);
    expect(await reasons(`competition-${contest.body.id}`)).toEqual([['CompetitionAnnounced', 'tổ chức'], ['CompetitionEntered', '[erased]'], ['CompetitionAwarded', '[erased]']]);
    expect(await reasons(`course-${other.body.id}`)).toEqual([['CourseScheduled', 'mở lớp'], ['ParticipantsEnrolled', `Triệu tập ${s4}`]]);
    expect(await reasons(`course-${together.body.id}`)).toEqual([['CourseScheduled', 'mở lớp'], ['ParticipantsEnrolled', '[erased]']]);
  }, 120_000);
});
