import { CourseEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op, ProjectionReader } from '@register/read-models';

type C = 'courses' | 'trainees';
type E<T extends CourseEvent['type']> = RecordedEvent<Extract<CourseEvent, { type: T }>>;

/** `report-training.courses`: a course, the unit that organised it, the year it counts for, who took part. */
export interface CourseFactsDoc {
  _id: string;
  organiserUnitId: string;
  /** The calendar year of the course's last day (as training counts it). */
  year: number;
  cancelled: boolean;
  participantIds: string[];
  secretaryIds: string[];
}

/**
 * `report-training.trainees`: the courses a member took part in, each as `<year>/<courseId>` (a
 * course id may hold dots, so it is a value, never a field name); a cancelled course taken out.
 */
export interface TraineeDoc {
  _id: string;
  courses: string[];
}

/** The entry of one course in a trainee's list. */
export const traineeEntry = (year: number, courseId: string) => `${year}/${courseId}`;

const course = async (reader: ProjectionReader<C>, id: string) => (await reader.read('courses', id)) as CourseFactsDoc | undefined;

/** Courses and who took part in them, from training's events. */
export const trainingFacts = defineProjection<CourseEvent, C>({
  name: 'report-training',
  version: 1,
  collections: { courses: { indexes: [{ key: { organiserUnitId: 1 } }] }, trainees: {} },
  handlers: {
    CourseScheduled: (e: E<'CourseScheduled'>) =>
      op.replace<C>('courses', e.data.courseId, { organiserUnitId: e.data.organiserUnitId, year: Number(e.data.endsOn.slice(0, 4)), cancelled: false, participantIds: [], secretaryIds: [] }),
    ParticipantsEnrolled: async (e: E<'ParticipantsEnrolled'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      const ids = e.data.participants.map((p) => p.memberId);
      const secretaries = e.data.participants.filter((p) => p.post === 'secretary').map((p) => p.memberId);
      return [
        op.update<C>('courses', c._id, { $addToSet: { participantIds: { $each: ids }, secretaryIds: { $each: secretaries } } }),
        ...ids.map((id) => op.upsert<C>('trainees', id, { $addToSet: { courses: traineeEntry(c.year, c._id) } })),
      ];
    },
    CourseCancelled: async (e: E<'CourseCancelled'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      return [op.update<C>('courses', c._id, { $set: { cancelled: true } }), ...c.participantIds.map((id) => op.update<C>('trainees', id, { $pull: { courses: traineeEntry(c.year, c._id) } }))];
    },
  },
});
