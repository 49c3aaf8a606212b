import { eventsConsumer } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { AwardsReplica } from '../application/awards-replica';
import { SubjectsReplica } from '../application/subjects-replica';
import { PersonnelReactions } from './personnel-reactions';

/**
 * Evaluation's one consumer group, on organisation's, personnel's and training's topics. In memory like the
 * replica it feeds: it never commits, so each start reads the topics from their beginning.
 */
export const SUBJECT_SYNC: ConsumerGroupSpec = { group: 'evaluation.subject-sync', inMemory: true };

/** Organisation's events into the replica: units, branches, their lives and lineage. */
export const OrganisationSubjectsConsumer = eventsConsumer('organisation', SubjectsReplica, (replica, event) => replica.applyOrganisation(event));
/** Personnel's events into the replica (members' branches and officers' posts, with their dates), and their erasures into evaluation's log. */
export const PersonnelSubjectsConsumer = eventsConsumer('personnel', PersonnelReactions, (reactions, event) => reactions.apply(event));
/** Training's events into the awards replica: the competition awards a commendation may cite. */
export const TrainingAwardsConsumer = eventsConsumer('training', AwardsReplica, (replica, event) => replica.applyTraining(event));
