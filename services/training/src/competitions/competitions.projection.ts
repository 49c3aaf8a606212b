import { CompetitionEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';

type E<T extends CompetitionEvent['type']> = RecordedEvent<Extract<CompetitionEvent, { type: T }>>;

/** `training-competitions.competitions`: one per competition with its entrants and awards (member ids, no names). */
export interface CompetitionDoc {
  _id: string;
  organiserUnitId: string;
  title: string;
  heldOn: string;
  year: number;
  status: 'announced' | 'awarded';
  entrants: string[];
  awards: Array<{ memberId: string; award: string }>;
  version: number;
}

export const competitionsProjection = defineProjection<CompetitionEvent, 'competitions'>({
  name: 'training-competitions',
  // 2: awards written field by field, in one order (the log's jsonb gives an award's fields back in its own order, and the CSV showed it).
  version: 2,
  collections: { competitions: { indexes: [{ key: { organiserUnitId: 1 } }, { key: { year: 1 } }] } },
  handlers: {
    CompetitionAnnounced: (e: E<'CompetitionAnnounced'>) => {
      const { competitionId, ...rest } = e.data;
      return [op.replace('competitions', competitionId, { ...rest, year: Number(rest.heldOn.slice(0, 4)), status: 'announced', entrants: [], awards: [], version: e.revision })];
    },
    CompetitionEntered: (e: E<'CompetitionEntered'>) => [op.update('competitions', e.data.competitionId, { $push: { entrants: { $each: e.data.memberIds } }, $set: { version: e.revision } })],
    CompetitionAwarded: (e: E<'CompetitionAwarded'>) => [op.update('competitions', e.data.competitionId, { $set: { status: 'awarded', awards: e.data.awards.map(({ memberId, award }) => ({ memberId, award })), version: e.revision } })],
  },
});
