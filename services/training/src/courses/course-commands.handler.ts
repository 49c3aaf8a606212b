import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { courseStream, CourseResult } from '@register/contracts';
import { Actor, Clock } from '@register/service-kit';
import { TrainingFacts } from '../application/training-facts';
import { TrainingScope } from '../application/training-scope';
import { CommandAnswer, TrainingService } from '../application/training.service';
import { cancellationDecider } from './cancel-course';
import { completionDecider } from './complete-course';
import { enrolmentDecider } from './enrol-participants';
import { attendanceDecider } from './record-attendance';
import { scheduleDecider } from './schedule-course';

export interface ScheduleRequest {
  courseId: string;
  organiserUnitId: string;
  title: string;
  kind: 'skills' | 'political-theory' | 'mixed';
  topics: Array<{ title: string }>;
  startsOn: string;
  endsOn: string;
  location: string | null;
  partner: string | null;
}

/**
 * The facts each course command needs, in one place: the course's organiser (for the caller's
 * scope), the members as personnel's events made them known (branch, post held today), then the
 * command on the course's stream. No call to another service.
 */
@Injectable()
export class CourseCommands {
  constructor(
    private readonly training: TrainingService,
    private readonly facts: TrainingFacts,
    private readonly scope: TrainingScope,
    private readonly clock: Clock,
  ) {}

  schedule(r: ScheduleRequest, actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    this.scope.check(actor, r.organiserUnitId, `course ${r.courseId}`);
    const command = { type: 'ScheduleCourse' as const, ...r, organiserKnown: this.facts.knowsUnit(r.organiserUnitId), organiserClosedOn: this.facts.unitClosedOn(r.organiserUnitId), organiserEstablishedOn: this.facts.unitEstablishedOn(r.organiserUnitId) };
    return this.training.on(scheduleDecider, courseStream(r.courseId), r.courseId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? r.startsOn });
  }

  async enrol(courseId: string, memberIds: string[], actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    await this.inScope(courseId, actor);
    // The post each holds on the enrolment's day: a course entered late records the posts of then.
    const command = { type: 'EnrolParticipants' as const, courseId, memberIds, members: memberIds.map((id) => this.facts.member(id, ctx.effectiveDate)) };
    return this.training.on(enrolmentDecider, courseStream(courseId), courseId, command, ctx);
  }

  async attend(courseId: string, on: string, presentMemberIds: string[], actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    await this.inScope(courseId, actor);
    const command = { type: 'RecordAttendance' as const, courseId, on, presentMemberIds, today: this.clock.today() };
    return this.training.on(attendanceDecider, courseStream(courseId), courseId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? on });
  }

  /** Completed on the effective date given, else on the course's last day. */
  async complete(courseId: string, results: CourseResult[], actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    const course = await this.inScope(courseId, actor);
    // Only a date given is held to today (day-not-come): a course closed before its last day is completed on that day.
    const command = { type: 'CompleteCourse' as const, courseId, results, completedOn: ctx.effectiveDate, today: this.clock.today() };
    return this.training.on(completionDecider, courseStream(courseId), courseId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? course.endsOn });
  }

  async cancel(courseId: string, actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    await this.inScope(courseId, actor);
    const cancelledOn = ctx.effectiveDate ?? this.clock.today();
    return this.training.on(cancellationDecider, courseStream(courseId), courseId, { type: 'CancelCourse' as const, courseId, cancelledOn }, { ...ctx, effectiveDate: cancelledOn });
  }

  /** The course (404 when unknown), checked against the caller's scope before anything is decided. */
  private async inScope(courseId: string, actor: Actor | undefined) {
    const course = await this.training.course(courseId);
    this.scope.checkCommand(actor, course.organiserUnitId, `course ${courseId}`);
    return course;
  }
}
