/**
 * The training service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service training`); TrainingModule runs the same list.
 */
import { AnyProjection, registerProjections } from '@register/read-models';
import { trainingSchemas } from './application/schemas';
import { competitionsProjection } from './competitions/competitions.projection';
import { coursesProjection } from './courses/courses.projection';
import { mentorsProjection } from './mentors/mentors.projection';

export const trainingProjections: AnyProjection[] = [coursesProjection, competitionsProjection, mentorsProjection];

registerProjections('training', trainingProjections, { schemas: trainingSchemas });
