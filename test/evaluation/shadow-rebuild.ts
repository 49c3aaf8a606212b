import { INestApplicationContext } from '@nestjs/common';
import { EventStore } from '@register/event-sourcing';
import { ReadModelQueries, rebuildShadowDiff } from '@register/read-models';
import { evaluationProjections } from '../../services/evaluation/src/projections';

/** A shadow rebuild of every evaluation projection from evaluation's log, diffed against the live copy: each one's events, documents and differences. */
export async function shadowDiffs(app: INestApplicationContext, log: EventStore) {
  // Each service of the embedded start has its own ReadModelQueries: evaluation's is the one that knows its projections.
  const readModels = app.get(ReadModelQueries, { each: true, strict: false }).find((q) => knows(q));
  if (!readModels) throw new Error('no evaluation read models in this app');
  if (!(await readModels.waitFor(await log.headPosition(), 30_000))) throw new Error('the evaluation read models did not catch up');
  const reports = await Promise.all(evaluationProjections.map((projection) => rebuildShadowDiff(log, readModels.store, projection)));
  return Object.fromEntries(reports.map((r) => [r.projection, { events: r.events, differences: r.diff?.differences }]));
}

function knows(queries: ReadModelQueries): boolean {
  try {
    return evaluationProjections.every((p) => queries.of(p) !== undefined);
  } catch {
    return false;
  }
}
