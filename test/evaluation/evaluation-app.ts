import { EventStore } from '@register/event-sourcing';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { startGateway } from '../gateway/gateway-app';

/**
 * The embedded start with evaluation beside organisation and personnel. The relay is off in these
 * tests: `sync()` hands organisation's and personnel's new events to evaluation's replica (and
 * personnel's reactions), in log order, as their consumers would.
 */
export async function startEvaluation() {
  const gw = await startGateway({ modules: [EvaluationModule] });
  const replica = gw.app.get(SubjectsReplica);
  const evaluationStore = gw.app.get<EventStore>(EVALUATION_STORE);
  const handed = { organisation: 0, personnel: 0 };
  const feed = async (log: EventStore, key: keyof typeof handed, apply: (e: Parameters<SubjectsReplica['applyOrganisation']>[0]) => void) => {
    for (let page = await log.readAll(handed[key], 500); page.length > 0; page = await log.readAll(handed[key], 500)) {
      page.forEach(apply);
      handed[key] = page[page.length - 1].position;
    }
  };
  const sync = async () => {
    await gw.syncPersonnel();
    await feed(gw.store, 'organisation', (e) => replica.applyOrganisation(e));
    await feed(gw.personnelStore, 'personnel', (e) => replica.applyPersonnel(e));
  };
  const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
  const heads = async () => `${await gw.heads()}/${await evaluationStore.headPosition()}`;
  return { gw, admin, replica, evaluationStore, sync, heads };
}

export type EvaluationApp = Awaited<ReturnType<typeof startEvaluation>>;
