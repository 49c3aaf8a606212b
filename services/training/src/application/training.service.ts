import { Inject, Injectable } from '@nestjs/common';
import { CommandContext, CommandHandler, Decider, DomainEvent, EventStore, foldRecorded, NotFoundError, RecordedEvent, Evolver } from '@register/event-sourcing';
import { courseStream } from '@register/contracts';
import { AsOf, CommandAnswer, commandAnswer, recordedBy } from '@register/service-kit';
import { Course, courseAggregate } from '../domain/course';
import { TRAINING_COMMANDS, TRAINING_STORE } from './tokens';

export type { CommandAnswer };

const answer = commandAnswer;

/** The write side of the training service (a stream per course, competition and mentor assignment) and its reads of one aggregate. */
@Injectable()
export class TrainingService {
  constructor(
    @Inject(TRAINING_STORE) private readonly store: EventStore,
    @Inject(TRAINING_COMMANDS) private readonly handler: CommandHandler,
  ) {}

  /** A command on one aggregate's stream, decided by its capability's decider. */
  async on<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, id: string, command: C, context: CommandContext): Promise<CommandAnswer> {
    return answer(id, await this.handler.handle(decider, streamId, command, context));
  }

  /** The position of the last event in the log: what the service's own views must have reached for a command that reads them. */
  headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** A course now, or as of a date (effective dates) or an instant (what was recorded by then); 404 when it never existed. */
  async course(courseId: string, asOf?: AsOf): Promise<Course> {
    return this.folded(courseAggregate, courseStream(courseId), 'course', courseId, asOf, (s) => s.status !== 'none');
  }

  async folded<E extends DomainEvent, S>(aggregate: Evolver<E, S>, streamId: string, entity: string, id: string, asOf: AsOf | undefined, exists: (s: S) => boolean): Promise<S> {
    const state = foldRecorded(aggregate, await this.eventsAsOf(streamId, asOf));
    if (!exists(state)) throw new NotFoundError(entity, id);
    return state;
  }

  /** An aggregate as the log had recorded it by `instant` (its initial state when it was not yet recorded). */
  async recordedBy<E extends DomainEvent, S>(aggregate: Evolver<E, S>, streamId: string, instant: Date): Promise<S> {
    return foldRecorded(aggregate, await this.store.readStream(streamId, { recordedUpTo: instant }));
  }

  /**
   * A date keeps what took effect by then (as known at `knownAt`, when given); an instant, what was
   * recorded by then. The stream's first event (a course scheduled, a competition announced, an
   * assignment begun) stands from then too when a later one already does: a course scheduled
   * without an effective date takes effect on its first day, and a course entered after the fact
   * took enrolments dated before it, which an asOf read of those days showed with no course (404).
   */
  private async eventsAsOf(streamId: string, asOf?: AsOf): Promise<RecordedEvent[]> {
    const by = recordedBy(asOf);
    const events = await this.store.readStream(streamId, by ? { recordedUpTo: by } : undefined);
    if (asOf?.kind !== 'date') return events;
    const inForce = events.filter((e) => e.metadata.effectiveDate <= asOf.date);
    return inForce.length > 0 && inForce[0] !== events[0] ? [events[0], ...inForce] : inForce;
  }

}
