import { Injectable } from '@nestjs/common';
import { ReadModelQueries } from '@register/read-models';
import { Clock, Page } from '@register/service-kit';
import { commendationsProjection } from '../commendations/commendations.projection';
import { supportVisitsProjection } from '../support-visits/support-visits.projection';
import { pageById } from './id-paging';
import { SubjectsReplica } from './subjects-replica';
import { underUnit } from './unit-filter';

type Row = { _id: string } & Record<string, unknown>;
const view = ({ _id, ...row }: Row) => ({ id: _id, ...row });
/** The filters given, without those left out (undefined). */
const given = (filter: Record<string, unknown>) => Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));

/** The lists of commendations and support visits, from their read models (waited for up to minPosition), in id order. */
@Injectable()
export class RecognitionReads {
  constructor(
    private readonly readModels: ReadModelQueries,
    private readonly replica: SubjectsReplica,
    private readonly clock: Clock,
  ) {}

  /** What stands under the unit today: a move or merger dated later is not its yet. */
  private underUnit(unitId: string | undefined) {
    const today = this.clock.today();
    return underUnit(unitId, unitId === undefined ? [] : this.replica.branchesMovedUnder(unitId, today), unitId === undefined ? [] : this.replica.unitsMergedInto(unitId, today));
  }

  async commendations(f: { unitId?: string; year?: number; subjectType?: string; subjectId?: string }, page: { limit?: number; cursor?: string; minPosition?: number }): Promise<Page<Record<string, unknown>>> {
    const collection = (await this.readModels.of(commendationsProjection).require(page.minPosition)).collection('commendations');
    return pageById<Row, Record<string, unknown>>(collection, { ...this.underUnit(f.unitId), ...given({ year: f.year, subjectType: f.subjectType, subjectId: f.subjectId }) }, page, view);
  }

  async visits(f: { unitId?: string; year?: number; memberId?: string }, page: { limit?: number; cursor?: string; minPosition?: number }): Promise<Page<Record<string, unknown>>> {
    const collection = (await this.readModels.of(supportVisitsProjection).require(page.minPosition)).collection('visits');
    return pageById<Row, Record<string, unknown>>(collection, { ...this.underUnit(f.unitId), ...given({ year: f.year, memberId: f.memberId }) }, page, view);
  }
}
