/** A competition award as training published it: to whom, and its text ("Giải nhất"). */
export interface AwardFacts {
  memberId: string;
  award: string;
}
