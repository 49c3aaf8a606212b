import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { UpstreamLogs } from '@register/service-kit';
import { EvaluationService } from '../application/evaluation.service';
import { SubjectsReplica } from '../application/subjects-replica';
import { periodDays } from '../domain/periods';
import { subjectFacts } from '../domain/subjects';
import { RecordRating, ratingIdOfCommand, recordingDecider } from './record-rating';

export type RecordRatingRequest = Omit<RecordRating, 'type' | 'subject' | 'residentialBranch' | 'today'>;

/** Gathers what the register knows of the subject during the period and of its branch (the replica of organisation's and personnel's events), then decides. */
@Injectable()
export class RecordRatingHandler {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly replica: SubjectsReplica,
    private readonly upstream: UpstreamLogs,
  ) {}

  async handle(request: RecordRatingRequest, context: CommandContext) {
    // A subject established or admitted a moment ago, not yet heard of here, is waited for (briefly).
    await this.upstream.untilKnown([request.subjectId], (id) => this.replica.knowsSubject(request.subjectType, id));
    return this.evaluation.onRating(recordingDecider, ratingIdOfCommand(request), this.commandOf(request, context.effectiveDate), context);
  }

  /**
   * The command a request asks for, with what the replica knows of its subject, on today's date:
   * the subject's branch on the rating's day (its effectiveDate, today without one), or the
   * period's last day once it is past: a member whose move later in the year is recorded ahead is
   * rated by the branch they are in (a probe found the rating in the commune they had not joined),
   * and under the units above it that day: a rating recorded after a merger is placed as one
   * recorded before it (a probe found it under today's commune alone, missing from its old one's
   * list and its district's); the successor's list takes it in as it takes the others.
   */
  commandOf(request: RecordRatingRequest, effectiveDate?: string): RecordRating {
    const { from, to } = periodDays(request.year, request.period);
    const day = effectiveDate ?? this.evaluation.today();
    const within = day < from ? from : day > to ? to : day;
    const subject = subjectFacts(this.replica, request.subjectType, request.subjectId, request.year, request.period, within);
    const residentialBranch = subject.placement.branchId !== null && this.replica.isResidential(subject.placement.branchId);
    return { type: 'RecordRating', ...request, subject, residentialBranch, today: this.evaluation.today(), on: day };
  }
}
