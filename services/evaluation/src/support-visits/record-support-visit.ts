import { ConflictError, deciderOf, RuleViolation } from '@register/event-sourcing';
import { SupportVisitRecorded } from '@register/contracts';
import { Recorded, supportVisitAggregate } from '../domain/recognition';
import { SubjectFacts } from '../ratings/record-rating';

/**
 * Thăm hỏi, tặng quà: a unit visits a branch officer in hardship (who visited, when, what was
 * given). Whether the member held a post that day comes with the command.
 */
export type RecordSupportVisit = {
  type: 'RecordSupportVisit';
  visitId: string;
  memberId: string;
  visitedOn: string;
  byUnitId: string;
  /** Whether organisation's events have established the visiting unit (false: the register does not know it). */
  visitorKnown?: boolean;
  /** The day the visiting unit was closed, when that was by the visit's day. */
  visitorClosedOn?: string;
  /** The units that may visit: those above the officer's branch that day, and the successors of those merged away by then. */
  visitors?: string[];
  gift: string | null;
  officer: SubjectFacts;
  /** The day the command is recorded (the service's clock). */
  today: string;
};

export const supportVisitDecider = deciderOf(supportVisitAggregate, decideSupportVisit);

export function decideSupportVisit(c: RecordSupportVisit, s: Recorded): SupportVisitRecorded[] {
  // A visit is recorded once made: one planned for a later day is not yet a fact of the register.
  if (c.visitedOn > c.today) throw new RuleViolation('day-not-come', `${c.visitedOn} has not come yet (today is ${c.today}): a visit is recorded once made`);
  if (!c.officer.existed) throw new RuleViolation('not-an-officer', `member ${c.memberId} held no post of a branch on ${c.visitedOn}`);
  // An id the register does not know is not "a unit not above" (a probe was told so): it names the field.
  if (c.visitorKnown === false) throw new RuleViolation('visitor-unknown', `unit ${c.byUnitId} (byUnitId) is not known to the register`, { unitId: c.byUnitId });
  if (c.visitorClosedOn !== undefined) throw new RuleViolation('visitor-closed', `unit ${c.byUnitId} was closed on ${c.visitorClosedOn}: the unit that took it over visits`, { unitId: c.byUnitId });
  if (!(c.visitors ?? c.officer.placement.unitIds).includes(c.byUnitId)) throw new RuleViolation('visitor-not-above', `unit ${c.byUnitId} is not above the branch of member ${c.memberId}`);
  if (s.exists) throw new ConflictError('already-recorded', `support visit ${c.visitId} was recorded already (the same id, or unit ${c.byUnitId}'s visit to member ${c.memberId} on ${c.visitedOn})`);
  const { visitId, memberId, visitedOn, byUnitId, gift } = c;
  return [{ type: 'SupportVisitRecorded', data: { visitId, memberId, visitedOn, byUnitId, gift, placement: c.officer.placement } }];
}
