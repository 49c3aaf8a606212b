import { CourseEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op, Operation } from '@register/read-models';

type C = 'courses' | 'participations';

/** `training-courses.courses`: one per course, as the list and the course's page show it. */
export interface CourseDoc {
  _id: string;
  organiserUnitId: string;
  title: string;
  kind: string;
  topics: Array<{ title: string }>;
  startsOn: string;
  endsOn: string;
  /** The calendar year of the course's last day: the year it counts for. */
  year: number;
  location: string | null;
  partner: string | null;
  status: 'open' | 'closed' | 'cancelled';
  closedOn: string | null;
  participantIds: string[];
  version: number;
}

/**
 * `training-courses.participations`: one per participant of a course (`<courseId>:<memberId>`): the
 * branch and post at enrolment, the days attended, the outcome. Member ids only: training keeps no
 * names (personnel publishes them sealed), so an erasure leaves nothing here to drop.
 */
export interface ParticipationDoc {
  _id: string;
  courseId: string;
  memberId: string;
  branchId: string;
  post: string;
  organiserUnitId: string;
  year: number;
  attendedOn: string[];
  outcome: 'completed' | 'not-completed' | null;
  certificateNo: string | null;
  completedOn: string | null;
  /** When the outcome was recorded (ISO): compliance asOf an instant. */
  completedAt: string | null;
  cancelled: boolean;
}

type E<T extends CourseEvent['type']> = RecordedEvent<Extract<CourseEvent, { type: T }>>;
export const participationId = (courseId: string, memberId: string) => `${courseId}:${memberId}`;

const course = async (reader: { read(c: C, id: string): Promise<unknown> }, id: string) => (await reader.read('courses', id)) as CourseDoc | undefined;

/** Courses and their participants, each document written whole or by update from what the event says. */
export const coursesProjection = defineProjection<CourseEvent, C>({
  name: 'training-courses',
  version: 1,
  collections: {
    courses: { indexes: [{ key: { organiserUnitId: 1 } }, { key: { year: 1 } }] },
    participations: { indexes: [{ key: { memberId: 1 } }, { key: { year: 1, outcome: 1 } }, { key: { courseId: 1 } }] },
  },
  handlers: {
    CourseScheduled: (e: E<'CourseScheduled'>) => {
      const { courseId, ...rest } = e.data;
      return [op.replace<C>('courses', courseId, { ...rest, year: Number(rest.endsOn.slice(0, 4)), status: 'open', closedOn: null, participantIds: [], version: e.revision })];
    },
    ParticipantsEnrolled: async (e: E<'ParticipantsEnrolled'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      const ids = e.data.participants.map((p) => p.memberId);
      const docs = e.data.participants.map((p) =>
        op.replace<C>('participations', participationId(c._id, p.memberId), {
          courseId: c._id, memberId: p.memberId, branchId: p.branchId, post: p.post, organiserUnitId: c.organiserUnitId, year: c.year,
          attendedOn: [], outcome: null, certificateNo: null, completedOn: null, completedAt: null, cancelled: false,
        }),
      );
      return [op.update<C>('courses', c._id, { $set: { participantIds: [...c.participantIds, ...ids], version: e.revision } }), ...docs];
    },
    AttendanceRecorded: async (e: E<'AttendanceRecorded'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      const present = new Set(e.data.presentMemberIds);
      const days: Operation<C>[] = c.participantIds.map((m) =>
        op.update<C>('participations', participationId(c._id, m), present.has(m) ? { $addToSet: { attendedOn: e.data.on } } : { $pull: { attendedOn: e.data.on } }),
      );
      return [op.update<C>('courses', c._id, { $set: { version: e.revision } }), ...days];
    },
    CourseCompleted: (e: E<'CourseCompleted'>) => [
      op.update<C>('courses', e.data.courseId, { $set: { status: 'closed', closedOn: e.data.completedOn, version: e.revision } }),
      ...e.data.results.map((r) =>
        op.update<C>('participations', participationId(e.data.courseId, r.memberId), {
          $set: { outcome: r.outcome, certificateNo: r.certificateNo ?? null, completedOn: e.data.completedOn, completedAt: new Date(e.recordedAt).toISOString() },
        }),
      ),
    ],
    CourseCancelled: async (e: E<'CourseCancelled'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      return [
        op.update<C>('courses', c._id, { $set: { status: 'cancelled', closedOn: e.data.cancelledOn, version: e.revision } }),
        ...c.participantIds.map((m) => op.update<C>('participations', participationId(c._id, m), { $set: { cancelled: true } })),
      ];
    },
  },
});
