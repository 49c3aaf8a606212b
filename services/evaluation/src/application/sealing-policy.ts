import { SealingPolicy } from '@register/personal-data';

interface AboutSomeone {
  subjectType?: string;
  subjectId?: string;
  memberId?: string;
}

/**
 * What evaluation seals under a member's key of its own: the free text of every rating, change,
 * commendation and support visit of a member or officer (reason, decision, a commendation's title
 * and cited award, a visit's gift), so that the member's erasure in personnel reaches it. A
 * branch's records name no member and stay in the clear.
 */
export const EVALUATION_SEALING: SealingPolicy = {
  keyOf: (e) => {
    const data = (e.data ?? {}) as AboutSomeone;
    if (e.type === 'SupportVisitRecorded') return data.memberId;
    return data.subjectType === 'member' || data.subjectType === 'officer' ? data.subjectId : undefined;
  },
  textFields: ['title', 'award', 'gift'],
};
