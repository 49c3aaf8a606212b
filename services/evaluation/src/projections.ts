/**
 * The evaluation service's read models, registered for the tools that run outside the service
 * (`npm run rebuild -- --service evaluation`); EvaluationModule runs the same list.
 */
import { ShreddingEventStore, SqlKeyReader } from '@register/personal-data';
import { AnyProjection, registerLogReader, registerProjections } from '@register/read-models';
import { evaluationSchemas } from './application/schemas';
import { EVALUATION_SEALING } from './application/sealing-policy';
import { commendationsProjection } from './commendations/commendations.projection';
import { ratingsProjection } from './ratings/ratings.projection';
import { supportVisitsProjection } from './support-visits/support-visits.projection';

export const evaluationProjections: AnyProjection[] = [ratingsProjection, commendationsProjection, supportVisitsProjection];

registerProjections('evaluation', evaluationProjections, { schemas: evaluationSchemas });

// The log as the projections see it: members' free text opened with evaluation's keys, read only
// (an erased member's reads "[erased]" in the rebuild, as in the live copy).
registerLogReader('evaluation', (stored, sql) => new ShreddingEventStore(stored, new SqlKeyReader(sql, 'evaluation'), { policy: EVALUATION_SEALING }));
