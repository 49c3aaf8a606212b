import { Injectable } from '@nestjs/common';
import { awardRefOf, TrainingEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { AwardFacts } from '../domain/awards';

/**
 * Evaluation's replica of the competition awards training published (CompetitionAwarded), by
 * `awardRefOf(competitionId, memberId)`: what a commendation may cite. Ids and the award's text
 * only. In memory, like the subjects replica: its consumer reads training's topic from the
 * beginning at each start. A member given two awards in one competition (training does not refuse
 * it) is cited by one reference whose text joins both.
 */
@Injectable()
export class AwardsReplica {
  private readonly awards = new Map<string, AwardFacts>();

  applyTraining(event: RecordedEvent): void {
    const e = event as unknown as TrainingEvent;
    if (e.type !== 'CompetitionAwarded') return;
    const given = new Map<string, string[]>();
    for (const a of e.data.awards) given.set(a.memberId, [...(given.get(a.memberId) ?? []), a.award]);
    for (const [memberId, texts] of given) this.awards.set(awardRefOf(e.data.competitionId, memberId), { memberId, award: texts.join('; ') });
  }

  /** The award cited by `awardRef`, or null when training has not published it (yet) to evaluation. */
  award(awardRef: string): AwardFacts | null {
    return this.awards.get(awardRef) ?? null;
  }
}
