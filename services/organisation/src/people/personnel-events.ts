import { DomainEvent } from '@register/event-sourcing';
import { MemberStatus, PersonnelEvent } from '@register/contracts';
import { PeopleReplica } from './people-replica';

/** Statuses in which a member no longer counts in a branch: gone from the union, or waiting for one. */
const OUT_OF_BRANCH: MemberStatus[] = ['left', 'came-of-age', 'unassigned'];

/**
 * Folds one of personnel's published events into organisation's replica of who is in which branch
 * and who holds its posts. Personal data is never needed (it arrives sealed anyway).
 */
export function applyPersonnelEvent(people: PeopleReplica, event: DomainEvent): void {
  const e = event as PersonnelEvent;
  switch (e.type) {
    case 'MemberAdmitted':
      people.setMember(e.data.branchId, e.data.memberId);
      return;
    case 'MemberTransferred':
      people.setMember(e.data.toBranchId, e.data.memberId);
      return;
    case 'MemberStatusChanged':
      // Away for work or study is still a member of the branch.
      people.setMember(OUT_OF_BRANCH.includes(e.data.status) ? null : e.data.branchId, e.data.memberId);
      return;
    case 'OfficerAppointed': {
      const { branchId, memberId, role, startsOn } = e.data;
      const others = people.officersOf(branchId).filter((o) => !(o.memberId === memberId && o.role === role));
      people.setOfficers(branchId, [...others, { memberId, role, startsOn }]);
      return;
    }
    case 'OfficerDeparted': {
      const { branchId, memberId, role } = e.data;
      people.setOfficers(branchId, people.officersOf(branchId).filter((o) => !(o.memberId === memberId && o.role === role)));
      return;
    }
    default:
      return;
  }
}
