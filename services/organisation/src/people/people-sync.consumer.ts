import { eventsConsumer } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { applyEvaluationEvent } from './evaluation-events';
import { applyPersonnelEvent } from './personnel-events';
import { PeopleReplica } from './people-replica';

/**
 * Organisation's one consumer group (personnel's and evaluation's topics). In memory like the replica it feeds: it never commits, so each
 * start reads personnel's topic from its beginning.
 */
export const PEOPLE_SYNC: ConsumerGroupSpec = { group: 'organisation.people-sync', inMemory: true };

/** Personnel's events into the people replica, each once: a redelivered admission must not put a member back into a branch they have left. */
export const PeopleSyncConsumer = eventsConsumer('personnel', PeopleReplica, applyPersonnelEvent);

/** Evaluation's decided branch ratings into the people replica (a merger's ratingsCarried), each once. */
export const RatingsSyncConsumer = eventsConsumer('evaluation', PeopleReplica, applyEvaluationEvent);
