/** What the organisation service knows of each branch's people, from personnel's events. */
export interface BranchPeople {
  memberCount(branchId: string): number;
  hasSecretary(branchId: string): boolean;
}

/** What the branch directory's filters ask of a branch's people (hasMembers=, hasSecretary=) on a day. */
export interface DirectoryPeople {
  hasMembers(branchId: string): boolean;
  hasSecretary(branchId: string): boolean;
}

export const nobodyYet: DirectoryPeople = { hasMembers: () => false, hasSecretary: () => false };
