import { Injectable } from '@nestjs/common';
import { completedInYear } from '@register/contracts';
import { ReadModelQueries } from '@register/read-models';
import { checkKeysetCursor } from '@register/service-kit';
import { CourseDoc, coursesProjection, ParticipationDoc } from './courses.projection';

export interface CourseListRequest {
  /** The organising units (a unit's subtree), or every unit when absent. */
  organiserUnitIds?: string[];
  year?: number;
  limit?: number;
  cursor?: string;
  minPosition?: number;
}

/** Courses and participations today: the `training-courses` read model, waited for up to `minPosition`. */
@Injectable()
export class CoursesReads {
  constructor(private readonly readModels: ReadModelQueries) {}

  private model(minPosition?: number) {
    return this.readModels.of(coursesProjection).require(minPosition);
  }

  async course(courseId: string, minPosition?: number): Promise<{ course: CourseDoc; participants: ParticipationDoc[] } | undefined> {
    const model = await this.model(minPosition);
    const course = (await model.collection('courses').get(courseId)) as CourseDoc | undefined;
    if (!course) return undefined;
    const participants = (await model.collection('participations').find({ courseId }, { sort: { memberId: 1 } })) as unknown as ParticipationDoc[];
    return { course, participants };
  }

  async list(r: CourseListRequest) {
    checkKeysetCursor(r.cursor);
    const filter = { ...(r.organiserUnitIds ? { organiserUnitId: { $in: r.organiserUnitIds } } : {}), ...(r.year !== undefined ? { year: r.year } : {}) };
    return (await this.model(r.minPosition)).collection('courses').page(filter, { sort: { startsOn: 1 }, limit: r.limit, cursor: r.cursor });
  }

  /** One member's courses, oldest first. */
  async records(memberId: string, r: Pick<CourseListRequest, 'limit' | 'cursor' | 'minPosition'>) {
    checkKeysetCursor(r.cursor);
    return (await this.model(r.minPosition)).collection('participations').page({ memberId }, { sort: { courseId: 1 }, limit: r.limit, cursor: r.cursor });
  }

  /** The members who completed a course of `year`, by `day` (and recorded by `until`, when given). */
  async completedIn(year: number, day: string, until?: number, minPosition?: number): Promise<Set<string>> {
    const docs = (await (await this.model(minPosition)).collection('participations').find({ year, outcome: 'completed', cancelled: false })) as unknown as ParticipationDoc[];
    const counts = (d: ParticipationDoc) => completedInYear({ ...d, recordedAt: d.completedAt ? Date.parse(d.completedAt) : null }, year, day, until);
    return new Set(docs.filter(counts).map((d) => d.memberId));
  }
}
