import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandHandler, EventStore, RecordedEvent } from '@register/event-sourcing';
import { carryErasure, eventOfSharedKey, KeyVault } from '@register/personal-data';
import { EmbeddedSnapshots } from '@register/service-kit';
import { TRAINING_COMMANDS, TRAINING_KEYS, TRAINING_STORE } from '../application/tokens';
import { trainingErasureDecider } from './erase-member-text';

export const ERASURES_ACTOR = 'training.erasures';

/**
 * Personnel's MemberPersonalDataErased, carried into training (libs/personal-data, carryErasure):
 * the member's key here shredded (the text of events about them alone), then the keys of the events
 * naming them with others, then MemberTrainingTextErased recorded, naming those events. Training's
 * read models keep no free text, so nothing there is cleared.
 */
@Injectable()
export class MemberErasures {
  constructor(
    @Inject(TRAINING_STORE) private readonly store: EventStore,
    @Inject(TRAINING_COMMANDS) private readonly handler: CommandHandler,
    @Optional() @Inject(TRAINING_KEYS) private readonly keys?: KeyVault | null,
    @Optional() private readonly snapshots?: EmbeddedSnapshots,
  ) {}

  handle(event: RecordedEvent): Promise<void> {
    const { store, handler, keys } = this;
    return carryErasure(event, {
      store,
      handler,
      keys,
      actor: ERASURES_ACTOR,
      recorded: () => this.snapshots?.soon('erasure'),
      decider: trainingErasureDecider,
      gather: async (memberId, linked) => ({ type: 'EraseMemberTrainingText', memberId, eventIds: linked.map(eventOfSharedKey).filter((id): id is string => id !== undefined) }),
    });
  }
}
