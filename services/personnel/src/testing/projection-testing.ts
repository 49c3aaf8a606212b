/** For the projections' specifications: runs a projection over given personnel facts into an embedded read store. */
import { branchOfficersStream, memberStream, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { AnyProjection, Dated as DatedFact, projectLog, ProjectOptions, recordedFacts } from '@register/read-models';

/** A fact with the day it took effect. */
export type Dated = DatedFact<PersonnelEvent>;

const streamOf = (e: PersonnelEvent) => (e.type === 'OfficerAppointed' || e.type === 'OfficerDeparted' || e.type === 'OfficerDepartureBroughtForward' ? branchOfficersStream(e.data.branchId) : memberStream(e.data.memberId));

/** The facts as the log would record them, each in its member's or branch's stream. */
export const recorded = (events: Dated[]): RecordedEvent[] => recordedFacts(events, streamOf);

/** Runs `projection` over the facts into a fresh MemoryReadStore; `maxBatchEvents: 1` writes each event alone, in batches. */
export const project = (projection: AnyProjection, events: Dated[], options: ProjectOptions = {}) => projectLog(projection, recorded(events), options);
