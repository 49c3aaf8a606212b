import { Injectable } from '@nestjs/common';
import { awardRefOf, TrainingEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { SnapshotPart } from '@register/service-kit';
import { AwardFacts } from '../domain/awards';

/**
 * Evaluation's replica of the competition awards training published (CompetitionAwarded), by
 * `awardRefOf(competitionId, memberId)`: what a commendation may cite. Ids and the award's text
 * only. In memory, like the subjects replica: its consumer reads training's topic from the
 * beginning at each start, unless the embedded start gave it back (SnapshotPart). A member given
 * two awards in one competition (training does not refuse it) is cited by one reference whose text joins both.
 */
@Injectable()
export class AwardsReplica implements SnapshotPart {
  readonly snapshotName = 'evaluation.awards-replica';
  /** 2: each award keeps its competition's day, which a commendation's year is checked against. */
  readonly snapshotVersion = 2;
  private awards = new Map<string, AwardFacts>();

  applyTraining(event: RecordedEvent): void {
    const e = event as unknown as TrainingEvent;
    if (e.type !== 'CompetitionAwarded') return;
    const given = new Map<string, string[]>();
    for (const a of e.data.awards) given.set(a.memberId, [...(given.get(a.memberId) ?? []), a.award]);
    for (const [memberId, texts] of given) this.awards.set(awardRefOf(e.data.competitionId, memberId), { memberId, award: texts.join('; '), heldOn: e.data.heldOn });
  }

  /** A copy of the map: its entries are replaced, never changed in place. */
  snapshotState(): { awards: Map<string, AwardFacts> } {
    return { awards: new Map(this.awards) };
  }

  restoreState(state: unknown): void {
    this.awards = new Map((state as { awards: Map<string, AwardFacts> }).awards);
  }

  /** The award cited by `awardRef`, or null when training has not published it (yet) to evaluation. */
  award(awardRef: string): AwardFacts | null {
    return this.awards.get(awardRef) ?? null;
  }
}
