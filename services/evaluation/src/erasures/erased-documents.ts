import { MemberFreeTextErased } from '@register/contracts';
import { DecisionRef, RecordedEvent } from '@register/event-sourcing';
import { ERASED_TEXT, erasedDecision } from '@register/personal-data';
import { op, Operation, ProjectionReader } from '@register/read-models';

type Erased = RecordedEvent<MemberFreeTextErased>;
type Ids = 'ratingIds' | 'commendationIds' | 'visitIds';

/** Who recorded a fact and why, as a document keeps it, with the why erased (the who and when stay). */
export const erasedRecordedBy = (doc: { decision?: DecisionRef | null }) => ({ reason: ERASED_TEXT, decision: erasedDecision(doc.decision) });

/** A text field "[erased]" where it held text; null stays null. */
export const erasedField = (value: unknown) => (value === null || value === undefined ? value : ERASED_TEXT);

/**
 * A projection's handler of MemberFreeTextErased: each document the event names (under `ids`) that
 * the projection holds has its free text replaced by what `erase` gives, as a rebuild from the log,
 * whose text the shredded key no longer opens, would write it.
 */
export function eraseDocuments<C extends string>(collection: C, ids: Ids, erase: (doc: Record<string, unknown>) => Record<string, unknown>) {
  return async (e: Erased, reader: ProjectionReader<C>): Promise<Operation<C>[]> => {
    const ops: Operation<C>[] = [];
    for (const id of e.data[ids]) {
      const doc = await reader.read(collection, id);
      if (doc) ops.push(op.update<C>(collection, id, { $set: erase(doc as Record<string, unknown>) }));
    }
    return ops;
  };
}
