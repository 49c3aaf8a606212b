/**
 * The training service's published events (topic `register.training.events`), version 1: courses
 * for branch officers (lớp tập huấn, bồi dưỡng), competitions (hội thi) and mentor assignments
 * (phụ trách địa bàn). Evaluation and the reports read them: change a shape only by adding a new
 * version and an upcaster. Who, why, under which decision, when in force and when recorded travel
 * in every event's metadata, as for the other services. No event carries a member's name.
 */
import { DomainEvent } from '@register/event-sourcing';

export const TRAINING_TOPIC = 'register.training.events';
export const courseStream = (courseId: string) => `course-${courseId}`;
export const competitionStream = (competitionId: string) => `competition-${competitionId}`;
export const mentorAssignmentStream = (assignmentId: string) => `mentor-assignment-${assignmentId}`;

export const COURSE_KINDS = ['skills', 'political-theory', 'mixed'] as const;
export type CourseKind = (typeof COURSE_KINDS)[number];

/** The post a participant held in their branch on the day of enrolment. */
export const POSTS_AT_ENROLMENT = ['secretary', 'deputy-secretary', 'none'] as const;
export type PostAtEnrolment = (typeof POSTS_AT_ENROLMENT)[number];

export const COURSE_OUTCOMES = ['completed', 'not-completed'] as const;
export type CourseOutcome = (typeof COURSE_OUTCOMES)[number];

export interface Participant {
  memberId: string;
  /** The member's branch on the day of enrolment (from personnel's events). */
  branchId: string;
  post: PostAtEnrolment;
}

export interface CourseResult {
  memberId: string;
  outcome: CourseOutcome;
  certificateNo?: string;
}

export type CourseScheduled = DomainEvent<
  'CourseScheduled',
  { courseId: string; organiserUnitId: string; title: string; kind: CourseKind; topics: Array<{ title: string }>; startsOn: string; endsOn: string; location: string | null; partner: string | null }
>;
export type ParticipantsEnrolled = DomainEvent<'ParticipantsEnrolled', { courseId: string; participants: Participant[] }>;
/**
 * One day of the course: who was there (a second record of the same day replaces the first).
 * `participantIds` (version 2): every participant of the course that day, present or not, whom its
 * reason may name (its text is sealed under a key linked to each of them).
 */
export type AttendanceRecorded = DomainEvent<'AttendanceRecorded', { courseId: string; on: string; presentMemberIds: string[]; participantIds: string[] }>;
/** Closes the course: an outcome for every participant. */
export type CourseCompleted = DomainEvent<'CourseCompleted', { courseId: string; completedOn: string; results: CourseResult[] }>;
/** `participantIds` (version 2): the participants the cancellation leaves without a course, whom its reason may name. */
export type CourseCancelled = DomainEvent<'CourseCancelled', { courseId: string; cancelledOn: string; participantIds: string[] }>;

export type CourseEvent = CourseScheduled | ParticipantsEnrolled | AttendanceRecorded | CourseCompleted | CourseCancelled;

export interface Award {
  memberId: string;
  award: string;
}

export type CompetitionAnnounced = DomainEvent<'CompetitionAnnounced', { competitionId: string; organiserUnitId: string; title: string; heldOn: string }>;
export type CompetitionEntered = DomainEvent<'CompetitionEntered', { competitionId: string; memberIds: string[] }>;
/** The awards, kept with the competition and published for commendations. */
export type CompetitionAwarded = DomainEvent<'CompetitionAwarded', { competitionId: string; organiserUnitId: string; heldOn: string; awards: Award[] }>;

export type CompetitionEvent = CompetitionAnnounced | CompetitionEntered | CompetitionAwarded;

export const ASSIGNMENT_END_CAUSES = ['ended', 'merger', 'split', 'dissolution', 'mentor-left'] as const;
export type AssignmentEndCause = (typeof ASSIGNMENT_END_CAUSES)[number];

export type MentorAssigned = DomainEvent<'MentorAssigned', { assignmentId: string; branchId: string; mentorMemberId: string; startsOn: string; endsOn: string | null }>;
export type MentorAssignmentEnded = DomainEvent<'MentorAssignmentEnded', { assignmentId: string; branchId: string; mentorMemberId: string; endsOn: string; cause: AssignmentEndCause }>;

export type MentorAssignmentEvent = MentorAssigned | MentorAssignmentEnded;

/**
 * Personnel erased a member's personal data, and training shredded the keys that seal text about
 * them: their own (the text of events about them alone: their mentor assignments, an enrolment of
 * them alone) and the keys of the events naming them with others (`eventIds`: an enrolment,
 * attendance, results, entries or awards of several members, whose reason may name any of them).
 */
export type MemberTrainingTextErased = DomainEvent<'MemberTrainingTextErased', { memberId: string; eventIds: string[] }>;

export type TrainingEvent = CourseEvent | CompetitionEvent | MentorAssignmentEvent | MemberTrainingTextErased;

export const TRAINING_SCHEMA_VERSIONS: Record<TrainingEvent['type'], number> = {
  CourseScheduled: 1,
  ParticipantsEnrolled: 1,
  // 2: `participantIds`; version 1 reads with the present members (attendance) or none (cancellation).
  AttendanceRecorded: 2,
  CourseCompleted: 1,
  CourseCancelled: 2,
  CompetitionAnnounced: 1,
  CompetitionEntered: 1,
  CompetitionAwarded: 1,
  MentorAssigned: 1,
  MentorAssignmentEnded: 1,
  MemberTrainingTextErased: 1,
};

/**
 * Secretaries' training in a year (api.md: GET /training-compliance, and the unit summary's
 * `training`): one definition, applied by training to its own read models and by the gateway's
 * reports to theirs, so that the two answers agree. The question covers the year up to a day (the
 * asOf day within the year, else the year's last day); a secretary counts when they held the post
 * at some time of it, and is trained by a course of that year (its last day's year) completed, not
 * cancelled, by that day (and recorded by `until`, epoch ms, when asked as of an instant).
 */
export const trainingDayOf = (year: number, date: string): string => (date < `${year}-12-31` ? date : `${year}-12-31`);

/** A post from `startsOn` until (not including) `endsOn` was held at some time of `year` up to `day`; one ended on its first day never was. */
export const heldInYear = (post: { startsOn: string; endsOn: string | null }, year: number, day: string): boolean =>
  post.startsOn <= day && (post.endsOn === null || (post.endsOn > `${year}-01-01` && post.endsOn > post.startsOn));

/**
 * A branch closed (merged, split, dissolved) in the year, by the day: its secretaries of the year
 * held the post in that year, and are counted where the branch stood on its last day open
 * (`dayBefore(closedOn)`), though it is no longer open on the day.
 */
export const closedInYear = (closedOn: string | null | undefined, year: number, day: string): closedOn is string =>
  closedOn !== null && closedOn !== undefined && closedOn > `${year}-01-01` && closedOn <= day;

/** The calendar day before `date` (YYYY-MM-DD, UTC days). */
export const dayBefore = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** One participant's outcome of one course, as either side keeps it. */
export interface CourseCompletionFact {
  /** The course's year (of its last day). */
  year: number;
  outcome: CourseOutcome | null;
  completedOn: string | null;
  /** When the outcome was recorded, epoch ms. */
  recordedAt: number | null;
  cancelled: boolean;
}

/** Trained: a completed outcome of a course of `year`, in force by `day` and recorded by `until`. Enrolment alone, or `not-completed`, is not. */
export const completedInYear = (c: CourseCompletionFact, year: number, day: string, until?: number): boolean =>
  c.year === year && c.outcome === 'completed' && !c.cancelled && c.completedOn !== null && c.completedOn <= day && (until === undefined || (c.recordedAt !== null && c.recordedAt <= until));

/** The trained share, to four decimals; 1 when there is nobody to train. */
export const trainedRate = (trained: number, secretaries: number): number => (secretaries === 0 ? 1 : Math.round((trained / secretaries) * 10_000) / 10_000);
