/** A competition award as training published it: to whom, and its text ("Giải nhất"). */
export interface AwardFacts {
  memberId: string;
  award: string;
  /** The day the competition was held (absent in a replica's snapshot from before it was kept). */
  heldOn?: string;
}
