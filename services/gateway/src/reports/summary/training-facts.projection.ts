import { CourseEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op, ProjectionReader } from '@register/read-models';

type C = 'courses' | 'branches';
type E<T extends CourseEvent['type']> = RecordedEvent<Extract<CourseEvent, { type: T }>>;

/** `report-training.courses`: a course, the unit that organised it, the year it counts for, who took part and from which branches. */
export interface CourseFactsDoc {
  _id: string;
  organiserUnitId: string;
  /** The calendar year of the course's last day (as training counts it). */
  year: number;
  /** Its first day: a summary as of an earlier day does not count it (@4). */
  startsOn?: string;
  cancelled: boolean;
  participantIds: string[];
  secretaryIds: string[];
  branchIds?: string[];
}

/** One member's part in one course, kept on the branch the member was in on enrolment (ids are values, never field names: they may hold dots). */
export interface TraineeEntry {
  year: number;
  memberId: string;
  courseId: string;
}

/** One member's completed outcome of one course, on the branch the member was in on enrolment: what makes them trained (api.md). */
export interface CompletionEntry {
  year: number;
  memberId: string;
  courseId: string;
  /** The completion's effective day. */
  completedOn: string;
  /** When it was recorded (ISO): a summary as known at an instant leaves out later records. */
  recordedAt: string;
}

/**
 * `report-training.branches`, the `training` field of the branch's reporting document: who of the
 * branch took part in which (not cancelled) course, and who completed it, so that a summary finds
 * its secretaries' training on the branch documents it reads anyway, with no read per member.
 */
export interface BranchTrainingDoc {
  _id: string;
  trainees?: TraineeEntry[];
  completions?: CompletionEntry[];
}

const course = async (reader: ProjectionReader<C>, id: string) => (await reader.read('courses', id)) as CourseFactsDoc | undefined;

/** The participants' entries per branch (their branch on enrolment). */
function byBranch(courseId: string, year: number, participants: Array<{ memberId: string; branchId: string }>): Map<string, TraineeEntry[]> {
  const out = new Map<string, TraineeEntry[]>();
  for (const p of participants) out.set(p.branchId, [...(out.get(p.branchId) ?? []), { year, memberId: p.memberId, courseId }]);
  return out;
}

/**
 * The completed outcomes of a course, each on the branch its member enrolled from: the course's
 * branches' entries name who of them took part (outcomes carry no branch).
 */
async function completionsByBranch(reader: ProjectionReader<C>, c: CourseFactsDoc, e: E<'CourseCompleted'>): Promise<Map<string, CompletionEntry[]>> {
  const completed = new Set(e.data.results.filter((r) => r.outcome === 'completed').map((r) => r.memberId));
  const recordedAt = new Date(e.recordedAt).toISOString();
  const out = new Map<string, CompletionEntry[]>();
  for (const branchId of c.branchIds ?? []) {
    const branch = (await reader.read('branches', branchId)) as BranchTrainingDoc | undefined;
    const theirs = (branch?.trainees ?? []).filter((t) => t.courseId === c._id && completed.has(t.memberId));
    if (theirs.length) out.set(branchId, theirs.map((t) => ({ year: c.year, memberId: t.memberId, courseId: c._id, completedOn: e.data.completedOn, recordedAt })));
  }
  return out;
}

/** Courses and who took part in them and completed them, per course and per branch, from training's events. */
export const trainingFacts = defineProjection<CourseEvent, C>({
  name: 'report-training',
  // 3: completions (trained means completed, not enrolled)
  version: 4,
  collections: { courses: { indexes: [{ key: { organiserUnitId: 1 } }] }, branches: {} },
  handlers: {
    CourseScheduled: (e: E<'CourseScheduled'>) =>
      op.replace<C>('courses', e.data.courseId, { organiserUnitId: e.data.organiserUnitId, year: Number(e.data.endsOn.slice(0, 4)), startsOn: e.data.startsOn, cancelled: false, participantIds: [], secretaryIds: [] }),
    ParticipantsEnrolled: async (e: E<'ParticipantsEnrolled'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      const ids = e.data.participants.map((p) => p.memberId);
      const secretaries = e.data.participants.filter((p) => p.post === 'secretary').map((p) => p.memberId);
      const entries = byBranch(c._id, c.year, e.data.participants);
      return [
        op.update<C>('courses', c._id, { $addToSet: { participantIds: { $each: ids }, secretaryIds: { $each: secretaries }, branchIds: { $each: [...entries.keys()] } } }),
        ...[...entries].map(([branchId, each]) => op.upsert<C>('branches', branchId, { $addToSet: { trainees: { $each: each } } })),
      ];
    },
    CourseCompleted: async (e: E<'CourseCompleted'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      return [...(await completionsByBranch(reader, c, e))].map(([branchId, each]) => op.update<C>('branches', branchId, { $addToSet: { completions: { $each: each } } }));
    },
    CourseCancelled: async (e: E<'CourseCancelled'>, reader) => {
      const c = await course(reader, e.data.courseId);
      if (!c) return [];
      return [op.update<C>('courses', c._id, { $set: { cancelled: true } }), ...(c.branchIds ?? []).map((id) => op.update<C>('branches', id, { $pull: { trainees: { courseId: c._id }, completions: { courseId: c._id } } }))];
    },
  },
});
