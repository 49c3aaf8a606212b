import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@register/event-sourcing';
import { SubjectsReplica } from '../application/subjects-replica';
import { MemberErasures } from '../erasures/member-erasures';

/** What evaluation does with personnel's events: learns the fact (the subjects replica), then carries an erasure into its own log. */
@Injectable()
export class PersonnelReactions {
  constructor(
    private readonly replica: SubjectsReplica,
    private readonly erasures: MemberErasures,
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    this.replica.applyPersonnel(event);
    await this.erasures.handle(event);
  }
}
