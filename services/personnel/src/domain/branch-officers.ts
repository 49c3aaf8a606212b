import { Evolver } from '@register/event-sourcing';
import { AppointmentMethod, BranchOfficersEvent, DepartureCause, OfficerRole, OfficerSource } from '@register/contracts';

export interface Post {
  memberId: string;
  role: OfficerRole;
  method: AppointmentMethod;
  source: OfficerSource;
  startsOn: string;
  congressDeadline?: string;
  termEndsOn?: string;
  endsOn?: string;
  cause?: DepartureCause;
}

/** The officers of one branch (stream `branch-officers-<branchId>`): who holds a post now, and who held one. */
export interface BranchOfficers {
  branchId: string;
  current: Post[];
  history: Post[];
  version: number;
}

export const noOfficers = (): BranchOfficers => ({ branchId: '', current: [], history: [], version: -1 });

export function evolveOfficers(s: BranchOfficers, e: BranchOfficersEvent): BranchOfficers {
  const version = s.version + 1;
  switch (e.type) {
    case 'OfficerAppointed': {
      const { branchId, memberId, role, method, source, startsOn, congressDeadline, termEndsOn } = e.data;
      const post: Post = { memberId, role, method, source, startsOn, ...(congressDeadline ? { congressDeadline } : {}), ...(termEndsOn ? { termEndsOn } : {}) };
      return { branchId, current: [...s.current, post], history: [...s.history, post], version };
    }
    case 'OfficerDeparted': {
      const held = (p: Post) => p.memberId === e.data.memberId && p.role === e.data.role && p.endsOn === undefined;
      return {
        ...s,
        current: s.current.filter((p) => !held(p)),
        history: s.history.map((p) => (held(p) ? { ...p, endsOn: e.data.endsOn, cause: e.data.cause } : p)),
        version,
      };
    }
    case 'OfficerDepartureBroughtForward': {
      const ended = (p: Post) => p.memberId === e.data.memberId && p.role === e.data.role && p.endsOn === e.data.previousEndsOn;
      return { ...s, history: s.history.map((p) => (ended(p) ? { ...p, endsOn: e.data.endsOn, cause: e.data.cause } : p)), version };
    }
  }
}

/** The posts held on a day: started by then, not yet ended (a post ends at the start of `endsOn`). */
export const postsOn = (s: BranchOfficers, date: string) => s.history.filter((p) => p.startsOn <= date && (p.endsOn === undefined || p.endsOn > date));

/** One branch's officers: the aggregate's state and evolve; appointments and departures bring their decisions (officers/). */
export const branchOfficersAggregate: Evolver<BranchOfficersEvent, BranchOfficers> = { initialState: noOfficers, evolve: evolveOfficers };
