import { EventStore } from '@register/event-sourcing';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { TrainingReactions } from '../../services/training/src/reactions/training-reactions.service';
import { TrainingModule } from '../../services/training/src/training.module';
import { Distributed, startDistributed } from '../gateway/distributed-app';
import { evaluationHandOver, handOver, trainingHandOver } from '../gateway/gateway-app';
import { Setup } from './quy-chau-summary-scenario';

/** The four services and the gateway distributed, as the reports suites drive them. */
export interface ReportingCluster {
  d: Distributed;
  setup: Setup;
  admin: Awaited<ReturnType<Setup['as']>>;
  /** Hands evaluation the events its replica would have heard (its consumer's stand-in). */
  evaluationSync(): Promise<void>;
  /** Every log's head, as `minPosition` names them (organisation:12,personnel:40,...). */
  heads(): Promise<string>;
}

/**
 * Organisation, personnel, training, evaluation and the gateway as apps on their own ports, the
 * logs on PostgreSQL, the reporting read model on FerretDB; the services' replicas are handed each
 * other's events from the logs, as their consumers would.
 */
export async function startReportingCluster(secret: string): Promise<ReportingCluster> {
  const d = await startDistributed(secret, [{ module: TrainingModule, urlEnv: 'TRAINING_URL' }, { module: EvaluationModule, urlEnv: 'EVALUATION_URL' }]);
  const [training, evaluation] = d.apps;
  const personnelSync = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
  const trainingSync = trainingHandOver(d.orgStore, d.personnel.get<EventStore>(PERSONNEL_LOG), training.get(TrainingReactions), personnelSync);
  const evaluationSync = evaluationHandOver(d.orgStore, d.personnelStore, evaluation.get(SubjectsReplica), personnelSync);
  const as: Setup['as'] = async (o) => {
    const headers = await d.token(o);
    return { get: (path, extra = {}) => d.gw.get(path, { ...headers, ...extra }), post: (path, body, extra = {}) => d.gw.post(path, body, { ...headers, ...extra }) };
  };
  const setup: Setup = { as, heads: d.heads, sync: async () => { await trainingSync(); await evaluationSync(); } };
  const admin = await as({ sub: 'admin', roles: ['central-admin'] });
  const heads = async () =>
    `organisation:${await d.orgStore.headPosition()},personnel:${await d.personnelStore.headPosition()},training:${await training.get<EventStore>(TRAINING_STORE).headPosition()},evaluation:${await evaluation.get<EventStore>(EVALUATION_STORE).headPosition()}`;
  return { d, setup, admin, evaluationSync: async () => void (await evaluationSync()), heads };
}
