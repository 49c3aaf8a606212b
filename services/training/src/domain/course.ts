import { Evolver } from '@register/event-sourcing';
import { CourseEvent, CourseKind, CourseResult, Participant } from '@register/contracts';

export type CourseStatus = 'none' | 'open' | 'closed' | 'cancelled';

/** One course (stream `course-<id>`): its days, participants, attendance and outcome. */
export interface Course {
  courseId: string;
  status: CourseStatus;
  organiserUnitId: string;
  title: string;
  kind: CourseKind | null;
  topics: Array<{ title: string }>;
  startsOn: string;
  endsOn: string;
  location: string | null;
  partner: string | null;
  participants: Participant[];
  /** Each recorded day: who was present. */
  attendance: Record<string, string[]>;
  results: CourseResult[];
  closedOn: string | null;
  version: number;
}

export const noCourse = (): Course => ({
  courseId: '',
  status: 'none',
  organiserUnitId: '',
  title: '',
  kind: null,
  topics: [],
  startsOn: '',
  endsOn: '',
  location: null,
  partner: null,
  participants: [],
  attendance: {},
  results: [],
  closedOn: null,
  version: -1,
});

export function evolveCourse(s: Course, e: CourseEvent): Course {
  const version = s.version + 1;
  switch (e.type) {
    case 'CourseScheduled':
      return { ...s, ...e.data, status: 'open', version };
    case 'ParticipantsEnrolled':
      return { ...s, participants: [...s.participants, ...e.data.participants], version };
    case 'AttendanceRecorded':
      return { ...s, attendance: { ...s.attendance, [e.data.on]: e.data.presentMemberIds }, version };
    case 'CourseCompleted':
      return { ...s, status: 'closed', results: e.data.results, closedOn: e.data.completedOn, version };
    case 'CourseCancelled':
      return { ...s, status: 'cancelled', closedOn: e.data.cancelledOn, version };
  }
}

export const courseAggregate: Evolver<CourseEvent, Course> = { initialState: noCourse, evolve: evolveCourse };

export const isEnrolled = (s: Course, memberId: string) => s.participants.some((p) => p.memberId === memberId);
