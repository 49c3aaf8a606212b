import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandHandler, EventStore, RecordedEvent } from '@register/event-sourcing';
import { carryErasure, KeyVault } from '@register/personal-data';
import { ReadModelQueries } from '@register/read-models';
import { EmbeddedSnapshots } from '@register/service-kit';
import { EVALUATION_COMMANDS, EVALUATION_KEYS, EVALUATION_STORE } from '../application/tokens';
import { commendationsProjection } from '../commendations/commendations.projection';
import { ratingsProjection } from '../ratings/ratings.projection';
import { supportVisitsProjection } from '../support-visits/support-visits.projection';
import { EraseMemberText, evaluationErasureDecider } from './erase-member-text';

export const ERASURES_ACTOR = 'evaluation.erasures';

/** How long a reaction waits for evaluation's read models to hold every record of the member. */
const RECORDS_WAIT_MS = 30_000;

/**
 * Personnel's MemberPersonalDataErased, carried into evaluation (libs/personal-data, carryErasure):
 * the member's key here shredded, then MemberFreeTextErased recorded, naming the member's records,
 * whose documents the read models clear.
 */
@Injectable()
export class MemberErasures {
  constructor(
    private readonly readModels: ReadModelQueries,
    @Inject(EVALUATION_STORE) private readonly store: EventStore,
    @Inject(EVALUATION_COMMANDS) private readonly handler: CommandHandler,
    @Optional() @Inject(EVALUATION_KEYS) private readonly keys?: KeyVault | null,
    @Optional() private readonly snapshots?: EmbeddedSnapshots,
  ) {}

  handle(event: RecordedEvent): Promise<void> {
    const { store, handler, keys } = this;
    return carryErasure(event, { store, handler, keys, actor: ERASURES_ACTOR, recorded: () => this.snapshots?.soon('erasure'), decider: evaluationErasureDecider, gather: (memberId) => this.recordsOf(memberId) });
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
}
