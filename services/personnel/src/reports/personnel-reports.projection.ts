import { AppointmentMethod, OfficerRole, OfficerSource, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';

type C = 'posts' | 'sources';

/** `personnel-reports.posts`: one per post held now or ending later (a departure recorded ahead), in every branch (`<branchId>|<role>|<memberId>`): the overdue interim officers are a query on it. */
export interface PostInOfficeDoc {
  _id: string;
  branchId: string;
  memberId: string;
  role: OfficerRole;
  method: AppointmentMethod;
  source: OfficerSource;
  startsOn: string;
  /** Interim officers: the day by which a congress must be held; null for the others. */
  congressDeadline: string | null;
  /**
   * A departure recorded ahead: the post ends on this day and is held until then (absent: held).
   * Such a post's secretary is already off the source counts: the reads add them back until then.
   */
  endsOn?: string;
}

/** `personnel-reports.sources`: one per source (civil servant, teacher, …): how many secretaries from it were appointed and have not departed, those whose post starts later included. */
export interface SourceCountDoc {
  _id: OfficerSource;
  secretaries: number;
}

type E<T extends PersonnelEvent['type']> = RecordedEvent<Extract<PersonnelEvent, { type: T }>>;

export const postKey = (branchId: string, role: OfficerRole, memberId: string) => `${branchId}|${role}|${memberId}`;

/** What the district and provincial reports need beyond the members and each branch's posts: the posts in office across branches, and secretaries counted by source. */
export const personnelReportsProjection = defineProjection<PersonnelEvent, C>({
  name: 'personnel-reports',
  // 2: a post whose departure is recorded ahead is kept, with its `endsOn`, until then (a probe saw its secretary dropped at once).
  version: 2,
  collections: {
    posts: { indexes: [{ key: { method: 1, congressDeadline: 1 } }, { key: { role: 1, startsOn: 1 } }] },
    sources: {},
  },
  handlers: {
    OfficerAppointed: (e: E<'OfficerAppointed'>) => {
      const { branchId, memberId, role, method, source, startsOn } = e.data;
      const doc: Omit<PostInOfficeDoc, '_id'> = { branchId, memberId, role, method, source, startsOn, congressDeadline: e.data.congressDeadline ?? null };
      return [op.replace<C>('posts', postKey(branchId, role, memberId), doc), ...(role === 'secretary' ? [op.upsert<C>('sources', source, { $inc: { secretaries: 1 } })] : [])];
    },
    OfficerDeparted: async (e: E<'OfficerDeparted'>, reader) => {
      const key = postKey(e.data.branchId, e.data.role, e.data.memberId);
      const post = (await reader.read('posts', key)) as PostInOfficeDoc | undefined;
      if (!post) return [];
      const uncounted = post.role === 'secretary' && post.endsOn === undefined ? [op.update<C>('sources', post.source, { $inc: { secretaries: -1 } })] : [];
      // Recorded ahead of its day (its effective date is that day): held until then, the doc of the few such departures kept.
      if (e.data.endsOn > String(e.recordedAt).slice(0, 10)) return [op.update<C>('posts', key, { $set: { endsOn: e.data.endsOn } }), ...uncounted];
      return [op.delete<C>('posts', key), ...uncounted];
    },
  },
});
