import { Inject, Injectable, Optional } from '@nestjs/common';
import { calendarDayOf, causedBy, CommandContext, CommandHandler, EventMetadata, EventStore, RecordedEvent } from '@register/event-sourcing';
import { memberErasureStream } from '@register/contracts';
import { KeyVault } from '@register/personal-data';
import { ReadModelQueries } from '@register/read-models';
import { EVALUATION_COMMANDS, EVALUATION_KEYS, EVALUATION_STORE } from '../application/tokens';
import { commendationsProjection } from '../commendations/commendations.projection';
import { ratingsProjection } from '../ratings/ratings.projection';
import { supportVisitsProjection } from '../support-visits/support-visits.projection';
import { EraseMemberText, erasureDecider } from './erase-member-text';

export const ERASURES_ACTOR = 'evaluation.erasures';

/** How long a reaction waits for evaluation's read models to hold every record of the member. */
const RECORDS_WAIT_MS = 30_000;

type Delivered = RecordedEvent & { eventId: string; metadata?: Partial<EventMetadata> };

/**
 * Personnel's MemberPersonalDataErased, carried into evaluation: the member's key here is shredded
 * first (so that what is appended from then on is written "[erased]", and every read of what was
 * sealed reads "[erased]"), then MemberFreeTextErased is recorded, naming the member's records, whose
 * documents the read models clear. A redelivered or replayed erasure shreds nothing more (a shredded
 * row is not written) and records nothing more (the erasure's stream says it is done).
 */
@Injectable()
export class MemberErasures {
  constructor(
    private readonly readModels: ReadModelQueries,
    @Inject(EVALUATION_STORE) private readonly store: EventStore,
    @Inject(EVALUATION_COMMANDS) private readonly handler: CommandHandler,
    @Optional() @Inject(EVALUATION_KEYS) private readonly keys?: KeyVault | null,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type !== 'MemberPersonalDataErased' || !event.eventId) return;
    const memberId = (event.data as { memberId: string }).memberId;
    if ((await this.store.readStream(memberErasureStream(memberId))).length > 0) return this.keys?.erased(memberId);
    await this.keys?.shred(memberId);
    await this.handler.handle(erasureDecider, memberErasureStream(memberId), await this.recordsOf(memberId), this.contextOf(event as Delivered));
  }

  /** Every record of the member appended before the key was shredded: the read models caught up with the log's head read after it. */
  private async recordsOf(memberId: string): Promise<EraseMemberText> {
    const head = await this.store.headPosition();
    const [ratings, commendations, visits] = await Promise.all([
      this.idsIn(ratingsProjection, 'ratings', { subjectType: { $in: ['member', 'officer'] }, subjectId: memberId }, head),
      this.idsIn(commendationsProjection, 'commendations', { subjectType: { $in: ['member', 'officer'] }, subjectId: memberId }, head),
      this.idsIn(supportVisitsProjection, 'visits', { memberId }, head),
    ]);
    return { type: 'EraseMemberText', memberId, ratingIds: ratings, commendationIds: commendations, visitIds: visits };
  }

  private async idsIn(projection: Parameters<ReadModelQueries['of']>[0], collection: string, filter: Record<string, unknown>, head: number): Promise<string[]> {
    const model = await this.readModels.of(projection).requireOwn(head, RECORDS_WAIT_MS);
    return ((await model.collection(collection).find(filter)) as unknown as Array<{ _id: string }>).map((d) => d._id);
  }

  private contextOf(event: Delivered): CommandContext {
    return {
      actor: ERASURES_ACTOR,
      // Personnel's reason is sealed under its own key: only the erasure's id is carried here.
      reason: `MemberPersonalDataErased ${event.eventId}`,
      effectiveDate: event.metadata?.effectiveDate ?? calendarDayOf(new Date(event.recordedAt ?? Date.now())),
      ...causedBy(event),
      commandId: `${event.eventId}:erase-text`,
    };
  }
}
