import { Injectable } from '@nestjs/common';
import { CommandContext, RuleViolation } from '@register/event-sourcing';
import { BatchAnswer, batchAnswer, UpstreamLogs } from '@register/service-kit';
import { EvaluationService } from '../application/evaluation.service';
import { SubjectsReplica } from '../application/subjects-replica';
import { RecordRatingHandler, RecordRatingRequest } from '../ratings/record-rating.handler';
import { ratingIdOfCommand, recordingDecider } from '../ratings/record-rating';

/**
 * Many ratings at once (a branch's members for a year, a commune's branches): each item is decided
 * exactly as POST /ratings decides it, on what the register knows of its subject, and the ratings
 * that stand are appended together (one transaction: docs/scale.md). An item refused is answered
 * with its own problem and refuses nothing else; a rating named twice in one batch is refused the
 * second time (its two stages are two callers' and two batches).
 */
@Injectable()
export class RecordRatingsHandler {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly single: RecordRatingHandler,
    private readonly replica: SubjectsReplica,
    private readonly upstream: UpstreamLogs,
  ) {}

  async handle(requests: RecordRatingRequest[], context: CommandContext): Promise<BatchAnswer> {
    // Subjects established or admitted a moment ago, not yet heard of here, are waited for (briefly), once for the batch.
    const subjectOf = new Map<string, RecordRatingRequest>(requests.map((r) => [`${r.subjectType}:${r.subjectId}`, r]));
    await this.upstream.untilKnown(subjectOf.keys(), (key) => this.replica.knowsSubject(subjectOf.get(key)!.subjectType, subjectOf.get(key)!.subjectId));
    const ids = requests.map((r) => ratingIdOfCommand(r));
    const items = requests.map((r, index) => ({ ratingId: ids[index], command: this.single.commandOf(r, context.effectiveDate) }));
    const twice = (index: number, first: number) => new RuleViolation('rating-twice-in-batch', `rating ${ids[index]} is item ${first} of this batch already`);
    return batchAnswer(await this.evaluation.onRatings(recordingDecider, items, context, twice), (index) => ids[index]);
  }
}
