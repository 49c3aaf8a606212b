import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { EvaluationService } from '../application/evaluation.service';
import { SubjectsReplica } from '../application/subjects-replica';
import { subjectFacts } from '../domain/subjects';
import { RecordRating, ratingIdOfCommand, recordingDecider } from './record-rating';

export type RecordRatingRequest = Omit<RecordRating, 'type' | 'subject' | 'residentialBranch' | 'today'>;

/** Gathers what the register knows of the subject during the period and of its branch (the replica of organisation's and personnel's events), then decides. */
@Injectable()
export class RecordRatingHandler {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly replica: SubjectsReplica,
  ) {}

  handle(request: RecordRatingRequest, context: CommandContext) {
    return this.evaluation.onRating(recordingDecider, ratingIdOfCommand(request), this.commandOf(request), context);
  }

  /** The command a request asks for, with what the replica knows of its subject then, on today's date. */
  commandOf(request: RecordRatingRequest): RecordRating {
    const subject = subjectFacts(this.replica, request.subjectType, request.subjectId, request.year, request.period);
    const residentialBranch = subject.placement.branchId !== null && this.replica.isResidential(subject.placement.branchId);
    return { type: 'RecordRating', ...request, subject, residentialBranch, today: this.evaluation.today() };
  }
}
