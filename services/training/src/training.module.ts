import { Module } from '@nestjs/common';
import { ReadModelsModule } from '@register/read-models';
import { ClockModule, relayProviders } from '@register/service-kit';
import { trainingSchemas } from './application/schemas';
import { TRAINING_LOG, TRAINING_STORE } from './application/tokens';
import { TrainingFacts } from './application/training-facts';
import { TrainingLogModule } from './application/training-log.module';
import { TrainingScope } from './application/training-scope';
import { TrainingService } from './application/training.service';
import { CompetitionCommands } from './competitions/competition-commands.handler';
import { CompetitionsController } from './competitions/competitions.controller';
import { ComplianceController } from './compliance/compliance.controller';
import { CourseCommands } from './courses/course-commands.handler';
import { CoursesController } from './courses/courses.controller';
import { CoursesReads } from './courses/courses.read-model';
import { MentorCommands } from './mentors/mentor-commands.handler';
import { mentorTurnsProvider } from './mentors/mentor-turns';
import { MentorsController } from './mentors/mentors.controller';
import { trainingProjections } from './projections';
import { OrganisationFactsConsumer, PersonnelFactsConsumer } from './reactions/facts-sync.consumer';
import { MemberErasures } from './erasures/member-erasures';
import { TrainingReactions } from './reactions/training-reactions.service';

export { trainingSchemas };

/**
 * Training of union officers: courses (lớp tập huấn, bồi dưỡng) with enrolment, attendance and
 * completion; yearly compliance of residential-branch secretaries; competitions; mentor assignments.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 * Streams: `course-<id>`, `competition-<id>`, `mentor-assignment-<id>` (libs/contracts/src/training.ts).
 * Other services' facts come from their events only (reactions/: group `training.facts-sync` on
 * Kafka, or the in-process bus) into TrainingFacts. The relay publishes the log as stored (members' free text sealed) on `register.training.events`.
 */
@Module({
  imports: [ClockModule, TrainingLogModule, ReadModelsModule.forFeature({ service: 'training', projections: trainingProjections, storeToken: TRAINING_STORE, imports: [TrainingLogModule], schemas: trainingSchemas })],
  controllers: [CoursesController, ComplianceController, CompetitionsController, MentorsController, OrganisationFactsConsumer, PersonnelFactsConsumer],
  providers: [TrainingFacts, TrainingScope, TrainingService, TrainingReactions, MemberErasures, CourseCommands, CoursesReads, CompetitionCommands, MentorCommands, mentorTurnsProvider, ...relayProviders('training', TRAINING_LOG)],
  exports: [TrainingService, TrainingFacts, TrainingReactions, TrainingLogModule],
})
export class TrainingModule {}
