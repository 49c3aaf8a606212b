import { deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { BranchStatusFact, IN_UNION } from '../domain/facts';
import { Member, memberAggregate } from '../domain/member';
import { checkBranch, notInUnion } from '../domain/rules';

/** One home branch, and a residential affiliation where the member lives when it differs (null ends it). */
export type SetResidentialAffiliation = {
  type: 'SetResidentialAffiliation';
  memberId: string;
  branchId: string | null;
  branchStatus: BranchStatusFact;
  on: string;
  /**
   * The affiliation follows a merger, split or dissolution of its branch: to the member's home
   * branch it ends instead, and dated before the last change (a reorganisation recorded late) it
   * takes effect on that change's day.
   */
  followsReorganisation?: boolean;
};

/** The decisions on residential affiliations, over the member's stream. */
export const affiliationDecider = deciderOf(memberAggregate, decideResidentialAffiliation);

export function decideResidentialAffiliation(c: SetResidentialAffiliation, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  if (!IN_UNION.includes(s.status)) throw notInUnion(s.memberId, s.status, s.statusSince, c.on);
  if (c.followsReorganisation) return followReorganisation(c, s);
  if (c.branchId === s.residentialBranchId) return [];
  // Affiliations take effect in the order they are recorded: one dated before the last would be folded after it, and be today's.
  if (s.residentialSince !== null && c.on < s.residentialSince) {
    throw new RuleViolation('dated-before-last-affiliation', `member ${s.memberId}'s residential affiliation was last set on ${s.residentialSince}: a change is dated on or after it`, { since: s.residentialSince });
  }
  if (c.branchId !== null) {
    if (c.branchId === s.branchId) throw new RuleViolation('affiliation-is-home-branch', `branch ${c.branchId} is already the member's home branch`);
    checkBranch(c.branchId, c.branchStatus, 'branch', c.on);
  }
  return [{ type: 'MemberResidentialAffiliationSet', data: { memberId: s.memberId, branchId: c.branchId, since: c.on } }];
}

/** A reorganisation's consequence: never refused for its date, and never an affiliation to the home branch. */
function followReorganisation(c: SetResidentialAffiliation, s: Member): MemberEvent[] {
  const to = c.branchId === s.branchId ? null : c.branchId;
  if (s.residentialBranchId === null || to === s.residentialBranchId) return [];
  const since = s.residentialSince !== null && s.residentialSince > c.on ? s.residentialSince : c.on;
  return [{ type: 'MemberResidentialAffiliationSet', data: { memberId: s.memberId, branchId: to, since } }];
}
