import { eventsConsumer } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { BranchReplica } from '../application/branch-replica';
import { applyEvaluationEvent } from './evaluation-ratings';
import { OrganisationReactions } from './organisation-reactions.service';

/**
 * Personnel's one consumer group (organisation's and evaluation's topics). In memory: the branch
 * replica lives in the process, so a start resumes from the group's snapshot (docs/messaging.md,
 * rule 4), or without one reads organisation's topic from its beginning (the reactions' command ids
 * make the replayed mergers append nothing).
 */
export const BRANCH_SYNC: ConsumerGroupSpec = { group: 'personnel.branch-sync', inMemory: true };

/** Organisation's events into the branch replica and the reactions they call for, each once. */
export const BranchSyncConsumer = eventsConsumer('organisation', OrganisationReactions, (reactions, event) => reactions.handle(event));

/** Evaluation's decided branch ratings into the branch replica (the direct-election rule), each once. */
export const BranchRatingsConsumer = eventsConsumer('evaluation', BranchReplica, applyEvaluationEvent);
