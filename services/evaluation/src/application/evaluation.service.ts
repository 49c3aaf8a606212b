import { Inject, Injectable } from '@nestjs/common';
import { BatchOutcome, CommandContext, CommandHandler, CommandResult, Decider, EventStore, RecordedEvent, Refusal, runBatchOnce } from '@register/event-sourcing';
import { EvaluationEvent, RatingEvent, ratingStream } from '@register/contracts';
import { AsOf, Clock, CommandAnswer, commandAnswer, parseAsOfKnownAt, recordedBy } from '@register/service-kit';
import { Rating } from '../domain/rating';
import { EVALUATION_COMMANDS, EVALUATION_STORE } from './tokens';

export type { CommandAnswer };

export const answerOf = commandAnswer;

/** The write side of the evaluation service (one stream per rating, commendation, visit) and its reads of one stream. */
@Injectable()
export class EvaluationService {
  constructor(
    @Inject(EVALUATION_STORE) private readonly store: EventStore,
    @Inject(EVALUATION_COMMANDS) private readonly handler: CommandHandler,
    private readonly clock: Clock,
  ) {}

  /** A command on one rating's stream; the answer names `id` (the rating, or the change it made). */
  async onRating<C>(decider: Decider<C, RatingEvent, Rating>, ratingId: string, command: C, context: CommandContext, idOf: (r: CommandResult) => string | Promise<string> = () => ratingId): Promise<CommandAnswer> {
    const result = await this.handler.handle(decider, ratingStream(ratingId), command, context);
    return answerOf(await idOf(result), result);
  }

  /** The events a command appended: its own, or for a retry answered from its record (a duplicate), those the first run appended (ending at its revision). */
  async appendedBy(ratingId: string, result: CommandResult): Promise<RecordedEvent[]> {
    if (!result.duplicate) return result.events as RecordedEvent[];
    const events = await this.store.readStream(ratingStream(ratingId), { fromRevision: result.revision });
    return events.filter((e) => e.revision === result.revision);
  }

  /** Commands on many ratings decided together and appended in one transaction (runBatchOnce); a rating named again is refused by `repeated`. */
  onRatings<C>(decider: Decider<C, RatingEvent, Rating>, items: ReadonlyArray<{ ratingId: string; command: C }>, context: CommandContext, repeated: (index: number, first: number) => Refusal): Promise<BatchOutcome[]> {
    return runBatchOnce(this.handler, this.store, decider, items.map((i) => ({ streamId: ratingStream(i.ratingId), command: i.command })), context, repeated);
  }

  /** A command on a stream of its own (a commendation, a visit). */
  async onStream<C, S>(decider: Decider<C, EvaluationEvent, S>, streamId: string, id: string, command: C, context: CommandContext): Promise<CommandAnswer> {
    return answerOf(id, await this.handler.handle(decider, streamId, command, context));
  }

  /** Today by this service's clock: the day a command is recorded, which facts it records may not be after. */
  today(): string {
    return this.clock.today();
  }

  /** A read's asOf and knownAt (parseAsOfKnownAt), today being this service's clock's. */
  asOf(query: { asOf?: string; knownAt?: string }): AsOf | undefined {
    return parseAsOfKnownAt(query, this.clock);
  }

  /** A stream as of a date (effective dates; with knownAt, of what was recorded by then) or an instant (what was recorded by then), or whole. */
  async eventsAsOf(streamId: string, asOf?: AsOf): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(streamId, { recordedUpTo: recordedBy(asOf) });
    return asOf?.kind === 'date' ? events.filter((e) => e.metadata.effectiveDate <= asOf.date) : events;
  }
}
