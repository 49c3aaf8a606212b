import { Injectable } from '@nestjs/common';
import { ratingStream } from '@register/contracts';
import { ReadModelQueries } from '@register/read-models';
import { AsOf, asOfDay, Clock, Page } from '@register/service-kit';
import { EvaluationService } from '../application/evaluation.service';
import { afterCursor, pageById, pageOf } from '../application/id-paging';
import { SubjectsReplica } from '../application/subjects-replica';
import { underUnit } from '../application/unit-filter';
import { foldRow, RatingRow } from './rating-row';
import { ratingsProjection } from './ratings.projection';

export interface RatingFilter {
  unitId?: string;
  year?: number;
  subjectType?: string;
  subjectId?: string;
  grade?: string;
  stage?: string;
}

/** A rating as the API shows it: its id first, without the store's key. */
export const ratingView = ({ _id, ...row }: RatingRow) => ({ id: _id, ...row });

/** What never changes in a rating once made (where, when, whom): the candidates of a read of history. */
const placeFilter = (f: RatingFilter, movedIn: string[] = [], mergedIn: string[] = []) => ({
  ...underUnit(f.unitId, movedIn, mergedIn),
  ...(f.year !== undefined ? { year: f.year } : {}),
  ...(f.subjectType !== undefined ? { subjectType: f.subjectType } : {}),
  ...(f.subjectId !== undefined ? { subjectId: f.subjectId } : {}),
});
const stateFilter = (f: RatingFilter) => ({ ...(f.grade !== undefined ? { grade: f.grade } : {}), ...(f.stage !== undefined ? { stage: f.stage } : {}) });
const matches = (row: RatingRow, f: RatingFilter) => (f.grade === undefined || row.grade === f.grade) && (f.stage === undefined || row.stage === f.stage);

/**
 * Ratings today from the `ratings` read model (waited for up to `minPosition`), or as of a date or
 * an instant: the ratings the read model places there, each folded again from its stream up to then
 * (a rating, once made, never leaves its subject, year or place; its stage and grade may move).
 */
@Injectable()
export class RatingReads {
  constructor(
    private readonly readModels: ReadModelQueries,
    private readonly evaluation: EvaluationService,
    private readonly replica: SubjectsReplica,
    private readonly clock: Clock,
  ) {}

  private async ratings(minPosition?: number) {
    return (await this.readModels.of(ratingsProjection).require(minPosition)).collection('ratings');
  }

  /** One page in id order; the cursor is the last id served. */
  async list(f: RatingFilter, page: { limit?: number; cursor?: string; minPosition?: number }, asOf?: AsOf): Promise<Page<ReturnType<typeof ratingView>>> {
    const collection = await this.ratings(page.minPosition);
    // Where the unit stands on the day read (today, or asOf's day): a move or merger dated later is not its yet.
    const day = asOfDay(asOf, this.clock.today());
    const movedIn = f.unitId === undefined ? [] : this.replica.branchesMovedUnder(f.unitId, day);
    const mergedIn = f.unitId === undefined ? [] : this.replica.unitsMergedInto(f.unitId, day);
    if (!asOf) return pageById(collection, { ...placeFilter(f, movedIn, mergedIn), ...stateFilter(f) }, page, ratingView);
    const limit = page.limit ?? 50;
    const candidates = (await collection.find(afterCursor(placeFilter(f, movedIn, mergedIn), page.cursor), { sort: { _id: 1 } })) as unknown as RatingRow[];
    return pageOf((await this.foldAll(candidates, asOf)).filter((r) => matches(r, f)).slice(0, limit + 1), limit, ratingView);
  }

  /** Every rating of one subject, oldest period first, today or as of then. */
  async ofSubject(subjectType: string, subjectId: string, year: number | undefined, asOf: AsOf | undefined, minPosition?: number): Promise<RatingRow[]> {
    const collection = await this.ratings(minPosition);
    const rows = (await collection.find(placeFilter({ subjectType, subjectId, year }), { sort: { _id: 1 } })) as unknown as RatingRow[];
    const shown = asOf ? await this.foldAll(rows, asOf) : rows;
    return shown.sort((a, b) => a.periodKey.localeCompare(b.periodKey));
  }

  private async foldAll(rows: RatingRow[], asOf: AsOf): Promise<RatingRow[]> {
    const folded: RatingRow[] = [];
    for (let i = 0; i < rows.length; i += 50) {
      const chunk = await Promise.all(rows.slice(i, i + 50).map(async (r) => foldRow(await this.evaluation.eventsAsOf(ratingStream(r._id), asOf))));
      folded.push(...chunk.filter((r): r is RatingRow => r !== undefined));
    }
    return folded;
  }
}
