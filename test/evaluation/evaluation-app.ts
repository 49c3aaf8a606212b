import { startGateway } from '../gateway/gateway-app';

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
