/**
 * The training service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service training`); TrainingModule runs the same list.
 */
import { ShreddingEventStore, SqlKeyReader } from '@register/personal-data';
import { AnyProjection, registerLogReader, registerProjections } from '@register/read-models';
import { trainingSchemas } from './application/schemas';
import { TRAINING_SEALING } from './application/sealing-policy';
import { competitionsProjection } from './competitions/competitions.projection';
import { coursesProjection } from './courses/courses.projection';
import { mentorsProjection } from './mentors/mentors.projection';

export const trainingProjections: AnyProjection[] = [coursesProjection, competitionsProjection, mentorsProjection];

registerProjections('training', trainingProjections, { schemas: trainingSchemas });

// The log as the projections see it: members' free text opened with training's keys, read only.
registerLogReader('training', (stored, sql) => new ShreddingEventStore(stored, new SqlKeyReader(sql, 'training'), { policy: TRAINING_SEALING }));
