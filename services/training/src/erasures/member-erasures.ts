import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandHandler, EventStore, RecordedEvent } from '@register/event-sourcing';
import { carryErasure, KeyVault } from '@register/personal-data';
import { ReadModelQueries } from '@register/read-models';
import { competitionTextKey, courseTextKey } from '../application/sealing-policy';
import { TRAINING_COMMANDS, TRAINING_KEYS, TRAINING_STORE } from '../application/tokens';
import { competitionsProjection } from '../competitions/competitions.projection';
import { coursesProjection } from '../courses/courses.projection';
import { EraseMemberTrainingText, trainingErasureDecider } from './erase-member-text';

export const ERASURES_ACTOR = 'training.erasures';

/** How long a reaction waits for training's read models to hold every course and competition of the member. */
const RECORDS_WAIT_MS = 30_000;

/**
 * Personnel's MemberPersonalDataErased, carried into training (libs/personal-data, carryErasure):
 * the member's key here shredded (their mentor assignments' text), then the keys of every course and
 * competition they took part in, then MemberTrainingTextErased recorded. Training's read models keep
 * no free text, so nothing there is cleared.
 */
@Injectable()
export class MemberErasures {
  constructor(
    private readonly readModels: ReadModelQueries,
    @Inject(TRAINING_STORE) private readonly store: EventStore,
    @Inject(TRAINING_COMMANDS) private readonly handler: CommandHandler,
    @Optional() @Inject(TRAINING_KEYS) private readonly keys?: KeyVault | null,
  ) {}

  handle(event: RecordedEvent): Promise<void> {
    const { store, handler, keys } = this;
    return carryErasure(event, { store, handler, keys, actor: ERASURES_ACTOR, decider: trainingErasureDecider, gather: (memberId) => this.gather(memberId) });
  }

  /** The courses and competitions the member took part in, as the read models hold them once caught up with the log's head. */
  private async gather(memberId: string): Promise<{ keyIds: string[]; command: EraseMemberTrainingText }> {
    const head = await this.store.headPosition();
    const [courses, competitions] = await Promise.all([
      this.readModels.of(coursesProjection).requireOwn(head, RECORDS_WAIT_MS),
      this.readModels.of(competitionsProjection).requireOwn(head, RECORDS_WAIT_MS),
    ]);
    const participations = (await courses.collection('participations').find({ memberId })) as unknown as Array<{ courseId: string }>;
    const entered = (await competitions.collection('competitions').find({ $or: [{ entrants: memberId }, { 'awards.memberId': memberId }] })) as unknown as Array<{ _id: string }>;
    const courseIds = [...new Set(participations.map((p) => p.courseId))].sort();
    const competitionIds = entered.map((c) => c._id).sort();
    return {
      keyIds: [...courseIds.map(courseTextKey), ...competitionIds.map(competitionTextKey)],
      command: { type: 'EraseMemberTrainingText', memberId, courseIds, competitionIds },
    };
  }
}
