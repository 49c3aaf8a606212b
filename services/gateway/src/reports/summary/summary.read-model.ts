import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@register/event-sourcing';
import { Doc, ProjectionQueries } from '@register/read-models';
import { BranchEvaluationDoc } from './evaluation-facts.projection';
import { BranchMembershipDoc } from './membership-facts.projection';
import { ReportingReadModel } from './reporting-read-model';
import { BranchFactsDoc, UnitFactsDoc } from './structure-facts.projection';
import { subtreeOn, summarise, SummaryFacts, UnitSummary } from './summary';
import { valueOn } from './timeline';
import { CourseFactsDoc, TraineeDoc } from './training-facts.projection';

/** The read store's documents as the projection wrote them. */
const as = <T>(docs: Doc[]) => docs as unknown as T[];
const byId = <T extends { _id: string }>(docs: Doc[]) => new Map(as<T>(docs).map((d) => [d._id, d]));

/** The summary as the reporting read model answers it, with the position of each service's log it reflects. */
export type SummaryAnswer = UnitSummary & { positions: Record<string, number> };

/** Reads what one summary needs from the reporting read model: the subtree's branches, not every member. */
@Injectable()
export class SummaryReadModel {
  /** Every unit, as of the structure's checkpoint: read again only when organisation's log has moved on. */
  private units?: { position: number; docs: Promise<UnitFactsDoc[]> };

  constructor(private readonly reporting: ReportingReadModel) {}

  private unitsOf(structure: ProjectionQueries): Promise<UnitFactsDoc[]> {
    if (this.units?.position !== structure.position || structure.position === 0) {
      const docs = structure.collection('units').find().then((found) => as<UnitFactsDoc>(found));
      docs.catch(() => (this.units = undefined));
      this.units = { position: structure.position, docs };
    }
    return this.units.docs;
  }

  async summary(unitId: string, year: number, day: string, minPositions: Record<string, number> = {}): Promise<SummaryAnswer> {
    const [structure, membership, training, evaluation] = await Promise.all(
      (['organisation', 'personnel', 'training', 'evaluation'] as const).map((s) => this.reporting.of(s, minPositions[s])),
    );
    const positions = this.reporting.positions();
    const units = await this.unitsOf(structure);
    const subtree = [...(subtreeOn(units, unitId, day) ?? [])];
    if (!subtree.length) throw new NotFoundError('unit', `${unitId} on ${day}`);
    const branches = as<BranchFactsDoc>(await structure.collection('branches').find({ unitIds: { $in: subtree } }));
    const ids = branches.map((b) => b._id);
    const [members, ratings, courses] = await Promise.all([
      membership.collection('branches').find({ _id: { $in: ids } }),
      evaluation.collection('branches').find({ _id: { $in: ids } }),
      training.collection('courses').find({ organiserUnitId: { $in: subtree }, year }),
    ]);
    const secretaryIds = as<BranchMembershipDoc>(members).flatMap((m) => valueOn(m.secretaries, day)?.memberId ?? []);
    const trainees = secretaryIds.length ? await training.collection('trainees').find({ _id: { $in: secretaryIds } }) : [];
    const facts: SummaryFacts = {
      units, branches, courses: as<CourseFactsDoc>(courses),
      membership: byId<BranchMembershipDoc>(members), evaluation: byId<BranchEvaluationDoc>(ratings), trainees: byId<TraineeDoc>(trainees),
    };
    return { ...summarise(facts, unitId, year, day)!, positions };
  }
}
