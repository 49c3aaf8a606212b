import { Type } from '@nestjs/common';
import { eventsConsumer } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { TrainingReactions } from './training-reactions.service';

/**
 * Training's one consumer group, over organisation's and personnel's topics. In memory like the
 * replica it feeds: it never commits, so each start reads both topics from their beginning (the
 * consumers skip an event applied before, the reactions' command ids append nothing twice).
 */
export const FACTS_SYNC: ConsumerGroupSpec = { group: 'training.facts-sync', inMemory: true };

const named = <T>(consumer: Type<T>, name: string) => Object.defineProperty(consumer, 'name', { value: name }) as Type<T>;

/** Organisation's events: the tree, and the reactions to mergers, splits and dissolutions. */
export const OrganisationFactsConsumer = named(eventsConsumer('organisation', TrainingReactions, (r, event) => r.handle(event)), 'OrganisationFactsConsumer');
/** Personnel's events: members, their branches, posts and erasures. */
export const PersonnelFactsConsumer = named(eventsConsumer('personnel', TrainingReactions, (r, event) => r.handle(event)), 'PersonnelFactsConsumer');
