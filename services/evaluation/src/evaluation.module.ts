import { Module } from '@nestjs/common';
import { ReadModelsModule } from '@register/read-models';
import { ClockModule, relayProviders } from '@register/service-kit';
import { EvaluationLogModule } from './application/evaluation-log.module';
import { AwardsReplica } from './application/awards-replica';
import { EvaluationService } from './application/evaluation.service';
import { RecognitionReads } from './application/recognition-reads';
import { evaluationSchemas } from './application/schemas';
import { SubjectsReplica } from './application/subjects-replica';
import { EVALUATION_LOG, EVALUATION_STORE } from './application/tokens';
import { CommendationsController } from './commendations/commendations.controller';
import { evaluationProjections } from './projections';
import { RatingChangesController } from './rating-changes/rating-changes.controller';
import { RatingReads } from './ratings/ratings.read-model';
import { RatingBatchesController } from './rating-batches/rating-batches.controller';
import { RecordRatingsHandler } from './rating-batches/record-ratings.handler';
import { RatingsController } from './ratings/ratings.controller';
import { RecordRatingHandler } from './ratings/record-rating.handler';
import { MemberErasures } from './erasures/member-erasures';
import { PersonnelReactions } from './reactions/personnel-reactions';
import { OrganisationSubjectsConsumer, PersonnelSubjectsConsumer, TrainingAwardsConsumer } from './reactions/subject-sync.consumer';
import { SupportVisitsController } from './support-visits/support-visits.controller';

export { evaluationSchemas };

/**
 * Yearly ratings (đánh giá, xếp loại) of branches, members and officers, their changes (four
 * eyes); commendations; support visits. One folder per capability below this one; this module
 * gathers them, so that the service runs alone (main.ts) or beside the others in the embedded start.
 * Streams: `rating-<ratingId>` per subject and period, `commendation-<id>`, `support-visit-<id>`
 * (see libs/contracts/src/evaluation.ts).
 * The subjects replica is fed by organisation's and personnel's events, the awards replica by
 * training's (group `evaluation.subject-sync` on Kafka, or the in-process bus). The relay publishes the log as stored (members' free text sealed).
 */
@Module({
  imports: [ClockModule, EvaluationLogModule, ReadModelsModule.forFeature({ service: 'evaluation', projections: evaluationProjections, storeToken: EVALUATION_STORE, imports: [EvaluationLogModule], schemas: evaluationSchemas })],
  controllers: [RatingsController, RatingBatchesController, RatingChangesController, CommendationsController, SupportVisitsController, OrganisationSubjectsConsumer, PersonnelSubjectsConsumer, TrainingAwardsConsumer],
  providers: [EvaluationService, SubjectsReplica, AwardsReplica, MemberErasures, PersonnelReactions, RecordRatingHandler, RecordRatingsHandler, RatingReads, RecognitionReads, ...relayProviders('evaluation', EVALUATION_LOG)],
  exports: [EvaluationService, SubjectsReplica, AwardsReplica, EvaluationLogModule],
})
export class EvaluationModule {}
