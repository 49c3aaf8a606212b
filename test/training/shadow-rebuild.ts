import { INestApplicationContext } from '@nestjs/common';
import { EventStore } from '@register/event-sourcing';
import { ReadModelQueries, rebuildShadowDiff } from '@register/read-models';
import { trainingProjections } from '../../services/training/src/projections';
import { TrainingModule } from '../../services/training/src/training.module';

/** A shadow rebuild of every training projection from training's log, diffed against the live copy: the differences of each. */
export async function shadowDiffs(app: INestApplicationContext, log: EventStore) {
  const readModels = app.select(TrainingModule).get(ReadModelQueries);
  if (!(await readModels.waitFor(await log.headPosition(), 30_000))) throw new Error('the training read models did not catch up');
  const reports = await Promise.all(trainingProjections.map((projection) => rebuildShadowDiff(log, readModels.store, projection)));
  return Object.fromEntries(reports.map((r) => [r.projection, { events: r.events, documents: r.documents, differences: r.diff?.differences }]));
}
