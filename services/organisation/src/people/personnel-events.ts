import { DomainEvent, RecordedEvent } from '@register/event-sourcing';
import { MemberStatus, PersonnelEvent } from '@register/contracts';
import { PeopleReplica } from './people-replica';

/** Statuses in which a member no longer counts in a branch: gone from the union, or waiting for one. */
const OUT_OF_BRANCH: MemberStatus[] = ['left', 'came-of-age', 'unassigned'];

/**
 * Folds one of personnel's published events into organisation's replica of who is in which branch
 * and who holds its posts, today and day by day (PeopleHistory, with the day each fact took effect
 * and when it was recorded). Personal data is never needed (it arrives sealed anyway).
 */
export function applyPersonnelEvent(people: PeopleReplica, event: DomainEvent | RecordedEvent): void {
  const e = event as PersonnelEvent;
  const recorded = recordedMs(event);
  switch (e.type) {
    case 'MemberAdmitted':
      people.setMember(e.data.branchId, e.data.memberId);
      // An admission recorded ahead places the member from its effective date, as personnel's reads do.
      people.history.place(e.data.memberId, e.data.branchId, laterOf(dayOf(event, e.data.admittedOn), dayOf(event, undefined)), recorded);
      return;
    case 'MemberTransferred':
      people.setMember(e.data.toBranchId, e.data.memberId);
      people.history.place(e.data.memberId, e.data.toBranchId, dayOf(event, e.data.transferredOn), recorded);
      return;
    case 'MemberMovedForPeriod':
      // A past period (a merger recorded late): where the member is today does not change.
      people.history.place(e.data.memberId, e.data.toBranchId, dayOf(event, e.data.movedOn), recorded);
      return;
    case 'MemberMoveTakenBack':
      // They left the branch before the move (the union, or by a transfer): on its day they stay where their own changes put them.
      people.history.forget(e.data.memberId, dayOf(event, e.data.movedOn), recorded);
      return;
    case 'MemberUnassignedForPeriod':
      // A past period (a dissolution recorded late): out of every branch from its day; today does not change.
      people.history.place(e.data.memberId, null, dayOf(event, e.data.on), recorded);
      return;
    case 'MemberStatusChanged': {
      // Away for work or study is still a member of the branch.
      const branchId = OUT_OF_BRANCH.includes(e.data.status) ? null : e.data.branchId;
      people.setMember(branchId, e.data.memberId);
      people.history.place(e.data.memberId, branchId, dayOf(event, e.data.changedOn), recorded);
      return;
    }
    case 'OfficerAppointed': {
      const { branchId, memberId, role, startsOn } = e.data;
      const others = people.officersOf(branchId).filter((o) => !(o.memberId === memberId && o.role === role));
      people.setOfficers(branchId, [...others, { memberId, role, startsOn }]);
      people.history.appoint(branchId, memberId, role, dayOf(event, startsOn), recorded);
      return;
    }
    case 'OfficerDeparted': {
      const { branchId, memberId, role } = e.data;
      people.setOfficers(branchId, people.officersOf(branchId).filter((o) => !(o.memberId === memberId && o.role === role)));
      people.history.depart(branchId, memberId, role, dayOf(event, e.data.endsOn), recorded);
      return;
    }
    case 'OfficerDepartureBroughtForward':
      people.history.bringForward(e.data.branchId, e.data.memberId, e.data.role, e.data.previousEndsOn, e.data.endsOn, recorded);
      return;
    default:
      return;
  }
}

/** When the register recorded the event (ms); one without a recording time (a test's) counts as known always. */
function recordedMs(event: DomainEvent | RecordedEvent): number {
  return 'recordedAt' in event && event.recordedAt ? new Date(event.recordedAt).getTime() : 0;
}

/** The fact's own day; else the day it took effect; else it counts from the beginning. */
const laterOf = (a: string, b: string) => (a > b ? a : b);

function dayOf(event: DomainEvent | RecordedEvent, day: string | undefined): string {
  const effective = 'metadata' in event ? (event.metadata as { effectiveDate?: string } | undefined)?.effectiveDate : undefined;
  return day ?? effective ?? '0000-01-01';
}
