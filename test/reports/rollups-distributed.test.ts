import { INestApplicationContext } from '@nestjs/common';
import { EventStore } from '@register/event-sourcing';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { TrainingReactions } from '../../services/training/src/reactions/training-reactions.service';
import { TrainingModule } from '../../services/training/src/training.module';
import { Distributed, startDistributed } from '../gateway/distributed-app';
import { evaluationHandOver, handOver, trainingHandOver, why } from '../gateway/gateway-app';
import { buildQuyChau2020, expectedSummary2020, Membership, reorganise2025, Setup, summaryAt } from './quy-chau-summary-scenario';
import { expectEveryRollupLive, positionsOf, untilRefreshed } from './rollup-checks';

jest.setTimeout(1_200_000);

const SIZE: Membership = { members: 300, admittedIn2020: 100 };

/** The stored year-end summaries distributed: the reporting read model and its rollups on FerretDB, in the gateway's own database. */
describe('summary rollups (distributed, FerretDB): Quỳ Châu', () => {
  let d: Distributed;
  let training: INestApplicationContext;
  let evaluation: INestApplicationContext;
  let admin: Awaited<ReturnType<Setup['as']>>;
  let today: string;
  const heads = async () =>
    `organisation:${await d.orgStore.headPosition()},personnel:${await d.personnelStore.headPosition()},training:${await training.get<EventStore>(TRAINING_STORE).headPosition()},evaluation:${await evaluation.get<EventStore>(EVALUATION_STORE).headPosition()}`;

  beforeAll(async () => {
    process.env.REPORT_ROLLUPS_EVERY_MS = '100';
    d = await startDistributed('test-internal-secret-rollups-0123456', [{ module: TrainingModule, urlEnv: 'TRAINING_URL' }, { module: EvaluationModule, urlEnv: 'EVALUATION_URL' }]);
    [training, evaluation] = d.apps;
    const personnelSync = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
    const trainingSync = trainingHandOver(d.orgStore, d.personnel.get<EventStore>(PERSONNEL_LOG), training.get(TrainingReactions), personnelSync);
    const evaluationSync = evaluationHandOver(d.orgStore, d.personnelStore, evaluation.get(SubjectsReplica), personnelSync);
    const as: Setup['as'] = async (o) => {
      const headers = await d.token(o);
      return { get: (path, extra = {}) => d.gw.get(path, { ...headers, ...extra }), post: (path, body, extra = {}) => d.gw.post(path, body, { ...headers, ...extra }) };
    };
    const setup: Setup = { as, heads: d.heads, sync: async () => { await trainingSync(); await evaluationSync(); } };
    admin = await as({ sub: 'admin', roles: ['central-admin'] });
    await buildQuyChau2020(setup, admin, 'na', SIZE);
    await evaluationSync();
    today = (await untilRefreshed(d.gateway, positionsOf(await heads()))).today;
  });
  afterAll(async () => {
    await d?.close();
    delete process.env.REPORT_ROLLUPS_EVERY_MS;
  });

  it('after a refresh, every unit\'s rollup for every year equals the live summary', async () => {
    expect(await expectEveryRollupLive(d.gateway, today)).toBeGreaterThan(0);
    expect(await d.gateway.get(SummaryRollupRefresher).rollups.read('qc', 2020, '2020-12-31')).toMatchObject({ unitId: 'qc', year: 2020, asOf: '2020-12-31', ...expectedSummary2020(SIZE) });
  });

  it('GET summary answers the rollup; a minPosition beyond it answers live; the next refresh reflects the write', async () => {
    const refresher = d.gateway.get(SummaryRollupRefresher);
    const r = await admin.get('/reports/units/qc/summary?year=2020');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...(await refresher.rollups.read('qc', 2020, '2020-12-31')) });
    await refresher.stop();
    const year = Number(today.slice(0, 4));
    let position: number;
    let before: number;
    try {
      const admitted = await admin.post('/members', { id: 'qc-late', branchId: 'qc-x3-b1', fullName: 'Lò Văn Muộn', dateOfBirth: '2004-05-19', gender: 'male', admittedOn: today, ...why('kết nạp đoàn viên', today) });
      expect(admitted.status).toBe(201);
      position = admitted.body.position;
      const stored = await admin.get(`/reports/units/qc-x3/summary?year=${year}`);
      const fresh = await summaryAt(admin, `/reports/units/qc-x3/summary?year=${year}&minPosition=personnel:${position}`);
      expect(stored.body.positions.personnel).toBeLessThan(position);
      expect(fresh.body.positions.personnel).toBeGreaterThanOrEqual(position);
      before = stored.body.members.total;
      expect(fresh.body.members.total).toBe(before + 1);
    } finally {
      refresher.start();
    }
    await untilRefreshed(d.gateway, positionsOf(await heads()));
    const after = await admin.get(`/reports/units/qc-x3/summary?year=${year}&minPosition=personnel:${position}`);
    expect(after.body).toEqual(await refresher.rollups.read('qc-x3', year, today));
    expect(after.body.members.total).toBe(before + 1);
  });

  it('after the 2025 reform, the next refresh: every rollup equals the live summary again', async () => {
    await reorganise2025(admin);
    await untilRefreshed(d.gateway, positionsOf(await heads()));
    expect(await expectEveryRollupLive(d.gateway, today)).toBeGreaterThan(0);
    const refresher = d.gateway.get(SummaryRollupRefresher);
    expect(await refresher.rollups.read('qc', 2025, '2025-12-31')).toBeUndefined();
    expect(await refresher.rollups.read('qc', 2020, '2020-12-31')).toMatchObject(expectedSummary2020(SIZE));
    // Nghệ An also holds the seeded Quế Phong district's 3 branches, without members or secretaries.
    expect((await refresher.rollups.read('na', 2025, '2025-12-31'))?.branches).toEqual({ total: 84 + 3, residential: 84 + 3, withoutSecretary: 3, withoutMembers: 3 });
  });
});
