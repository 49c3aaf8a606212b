import { AwardsReplica } from '../../services/evaluation/src/application/awards-replica';
import { Gateway, startGateway } from '../gateway/gateway-app';

/**
 * The embedded start (evaluation beside organisation and personnel). The relay is off in these
 * tests: `sync()` hands organisation's and personnel's new events to evaluation's replica (and
 * personnel's reactions), in log order, as their consumers would.
 */
export async function startEvaluation() {
  const gw = await startGateway();
  const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
  return { gw, admin, evaluationStore: gw.evaluationStore, sync: gw.syncEvaluation, heads: gw.heads };
}

export type EvaluationApp = Awaited<ReturnType<typeof startEvaluation>>;

/**
 * Hands training's new events to evaluation's awards replica, in log order, as its consumer of
 * training's topic would (the relay is off in the embedded tests): what lets a commendation cite an award.
 */
export function trainingToEvaluation(gw: Gateway) {
  let handed = 0;
  const replica = gw.app.get(AwardsReplica);
  return async () => {
    for (let page = await gw.trainingStore.readAll(handed, 500); page.length > 0; page = await gw.trainingStore.readAll(handed, 500)) {
      page.forEach((e) => replica.applyTraining(e));
      handed = page[page.length - 1].position;
    }
  };
}
