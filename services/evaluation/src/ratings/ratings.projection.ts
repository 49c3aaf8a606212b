import { MemberFreeTextErased, RatingEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';
import { eraseDocuments, erasedRecordedBy } from '../erasures/erased-documents';
import { HistoryEntry, nextRow, RatingRow } from './rating-row';

type C = 'ratings';

const apply = async (e: RecordedEvent, reader: { read(c: C, id: string): Promise<unknown> }) => {
  const id = (e.data as { ratingId: string }).ratingId;
  const row = nextRow((await reader.read('ratings', id)) as RatingRow | undefined, e);
  if (!row) return [];
  // The document as read carries the runner's bookkeeping (_pos): what is written is the row alone.
  const { _id, _pos: _bookkeeping, ...doc } = row as RatingRow & { _pos?: unknown };
  return [op.replace<C>('ratings', _id, doc)];
};

/**
 * `ratings.ratings`: one document per subject and period, replaced whole by each of its events
 * (nextRow, the same fold the asOf reads run on the log): the list filters on its unit ancestry,
 * year, subject, stage and grade; a subject's page reads its documents.
 */
export const ratingsProjection = defineProjection<RatingEvent | MemberFreeTextErased, C>({
  name: 'ratings',
  version: 1,
  collections: {
    ratings: { indexes: [{ key: { unitIds: 1, year: 1 } }, { key: { subjectType: 1, subjectId: 1 } }] },
  },
  handlers: {
    RatingSelfAssessed: apply,
    RatingDecided: apply,
    RatingChangeProposed: apply,
    RatingChangeApproved: apply,
    RatingChangeRejected: apply,
    MemberFreeTextErased: eraseDocuments<C>('ratings', 'ratingIds', (row) => ({ history: (row.history as HistoryEntry[]).map((h) => ({ ...h, ...erasedRecordedBy(h) })) })),
  },
});
