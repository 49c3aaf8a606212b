import { MemberFreeTextErased, SupportVisitRecorded } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';
import { recordedBy } from '../application/recorded-by';
import { eraseDocuments, erasedField, erasedRecordedBy } from '../erasures/erased-documents';

type C = 'visits';

/** `support-visits.visits`: one document per visit, with the units above the visited officer's branch (the list's unitId). */
export const supportVisitsProjection = defineProjection<SupportVisitRecorded | MemberFreeTextErased, C>({
  name: 'support-visits',
  version: 1,
  collections: { visits: { indexes: [{ key: { unitIds: 1, visitedOn: 1 } }, { key: { memberId: 1 } }] } },
  handlers: {
    SupportVisitRecorded: (e: RecordedEvent<SupportVisitRecorded>) => {
      const { visitId, placement, ...facts } = e.data;
      return op.replace<C>('visits', visitId, { ...facts, year: Number(facts.visitedOn.slice(0, 4)), branchId: placement.branchId, unitIds: placement.unitIds, ...recordedBy(e) });
    },
    MemberFreeTextErased: eraseDocuments<C>('visits', 'visitIds', (doc) => ({ gift: erasedField(doc.gift), ...erasedRecordedBy(doc) })),
  },
});
