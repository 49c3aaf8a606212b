import { Evolver } from '@register/event-sourcing';
import { CommendationIssued, SupportVisitRecorded } from '@register/contracts';

/** A commendation or a support visit: a stream of one fact, recorded once. */
export interface Recorded {
  exists: boolean;
}

const evolveRecorded = (_s: Recorded, _e: CommendationIssued | SupportVisitRecorded): Recorded => ({ exists: true });

export const commendationAggregate: Evolver<CommendationIssued, Recorded> = { initialState: () => ({ exists: false }), evolve: evolveRecorded };
export const supportVisitAggregate: Evolver<SupportVisitRecorded, Recorded> = { initialState: () => ({ exists: false }), evolve: evolveRecorded };
