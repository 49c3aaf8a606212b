import { Inject, Injectable, Logger } from '@nestjs/common';
import { calendarDayOf, causedBy, CommandContext, CommandHandler, ConflictError, EventMetadata, EventStore, RecordedEvent, RuleViolation } from '@register/event-sourcing';
import { AssignmentEndCause, mentorAssignmentStream, OrganisationEvent } from '@register/contracts';
import { ReadModelQueries } from '@register/read-models';
import { TRAINING_COMMANDS, TRAINING_STORE } from '../application/tokens';
import { FactEvent, TrainingFacts } from '../application/training-facts';
import { MemberErasures } from '../erasures/member-erasures';
import { endingDecider } from '../mentors/mentor-decisions';
import { AssignmentDoc, mentorsProjection } from '../mentors/mentors.projection';
import { MentorTurns } from '../mentors/mentor-turns';

export const REACTIONS_ACTOR = 'training.org-reactions';

/** The branches an organisation event closes, and why: their mentors' assignments end on its effective date. */
function closedBy(e: OrganisationEvent): { branchIds: string[]; cause: AssignmentEndCause } | undefined {
  switch (e.type) {
    case 'BranchesMerged':
      return { branchIds: e.data.sourceBranchIds.filter((id) => id !== e.data.intoBranchId), cause: 'merger' };
    case 'BranchSplit':
      return { branchIds: [e.data.sourceBranchId], cause: 'split' };
    case 'BranchDissolved':
      return { branchIds: [e.data.branchId], cause: 'dissolution' };
    default:
      return undefined;
  }
}

/**
 * What training does with another service's event: learn the fact (TrainingFacts), then carry out
 * what it calls for in training's own log: a member's erasure reaches the text sealed about them
 * (MemberErasures); the mentor assignments of a branch that a merger, split
 * or dissolution closes end on its effective date, each under a command id of the event and the
 * assignment, so that a redelivered event appends nothing.
 */
@Injectable()
export class TrainingReactions {
  private readonly logger = new Logger('TrainingReactions');

  constructor(
    private readonly facts: TrainingFacts,
    private readonly readModels: ReadModelQueries,
    @Inject(TRAINING_STORE) private readonly store: EventStore,
    @Inject(TRAINING_COMMANDS) private readonly handler: CommandHandler,
    private readonly erasures: MemberErasures,
    private readonly turns: MentorTurns,
  ) {}

  async handle(event: FactEvent): Promise<void> {
    this.facts.apply(event);
    if (event.type === 'MemberPersonalDataErased') return this.erasures.handle(event as RecordedEvent);
    const closed = closedBy(event as OrganisationEvent);
    if (!closed || !event.eventId) return;
    // The branches are closed in the replica now: an assignment in its turn appends before the wait ends, any later one is refused.
    await this.turns.drain(closed.branchIds);
    // Every assignment made so far is in the read model once it has caught up with the log's head.
    const model = await this.readModels.of(mentorsProjection).requireOwn(await this.store.headPosition(), 30_000);
    const active = (await model.collection('assignments').find({ branchId: { $in: closed.branchIds }, status: 'active' })) as unknown as AssignmentDoc[];
    // The closure's own day: every event carries its effective date; one without takes the day it was recorded, never the day this consumer runs.
    const endsOn = event.metadata?.effectiveDate ?? (event.recordedAt === undefined ? undefined : calendarDayOf(new Date(event.recordedAt)));
    if (endsOn === undefined) return;
    for (const a of active) await this.end(a._id, endsOn, closed.cause, event as FactEvent & { eventId: string }).catch((error: unknown) => this.refused(error, a._id));
  }

  private end(assignmentId: string, endsOn: string, cause: AssignmentEndCause, event: FactEvent & { eventId: string }) {
    const meta = (event.metadata ?? {}) as { reason?: string };
    const context: CommandContext = {
      actor: REACTIONS_ACTOR,
      reason: `${event.type} ${event.eventId}${meta.reason ? `: ${meta.reason}` : ''}`,
      effectiveDate: endsOn,
      ...causedBy(event as { eventId: string; metadata?: Partial<EventMetadata> }),
      commandId: `${event.eventId}:${assignmentId}`,
    };
    return this.handler.handle(endingDecider, mentorAssignmentStream(assignmentId), { type: 'EndAssignment', assignmentId, endsOn, cause, ifActive: true }, context);
  }

  /** A rule refuses the same way on every retry: logged, the others go on; anything else goes back to the transport. */
  private refused(error: unknown, assignmentId: string) {
    if (!(error instanceof RuleViolation || error instanceof ConflictError)) throw error;
    this.logger.warn(`ending mentor assignment ${assignmentId} refused (${error.rule}): ${error.message}`);
  }
}
