import { CommendationIssued, MemberFreeTextErased } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';
import { recordedBy } from '../application/recorded-by';
import { eraseDocuments, erasedField, erasedRecordedBy } from '../erasures/erased-documents';

type C = 'commendations';

/** `commendations.commendations`: one document per commendation, with the units above its subject (the list's unitId). */
export const commendationsProjection = defineProjection<CommendationIssued | MemberFreeTextErased, C>({
  name: 'commendations',
  // 2: documents keep the cited award's text (`award`, CommendationIssued version 2).
  version: 2,
  collections: { commendations: { indexes: [{ key: { unitIds: 1, year: 1 } }, { key: { subjectId: 1 } }] } },
  handlers: {
    CommendationIssued: (e: RecordedEvent<CommendationIssued>) => {
      const { commendationId, placement, ...facts } = e.data;
      return op.replace<C>('commendations', commendationId, { ...facts, branchId: placement.branchId, unitIds: placement.unitIds, ...recordedBy(e) });
    },
    MemberFreeTextErased: eraseDocuments<C>('commendations', 'commendationIds', (doc) => ({ title: erasedField(doc.title), award: erasedField(doc.award), ...erasedRecordedBy(doc) })),
  },
});
