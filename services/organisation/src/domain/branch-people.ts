/** What the organisation service knows of each branch's people, from personnel's events. */
export interface BranchPeople {
  memberCount(branchId: string): number;
  hasSecretary(branchId: string): boolean;
}

export const noPeopleYet: BranchPeople = { memberCount: () => 0, hasSecretary: () => false };
