/**
 * The evaluation service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service evaluation`); EvaluationModule runs the same list.
 */
import { AnyProjection, registerProjections } from '@register/read-models';
import { evaluationSchemas } from './application/schemas';
import { commendationsProjection } from './commendations/commendations.projection';
import { ratingsProjection } from './ratings/ratings.projection';
import { supportVisitsProjection } from './support-visits/support-visits.projection';

export const evaluationProjections: AnyProjection[] = [ratingsProjection, commendationsProjection, supportVisitsProjection];

registerProjections('evaluation', evaluationProjections, { schemas: evaluationSchemas });
