import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { PersonalData } from '@register/contracts';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { BranchGate } from '../application/branch-gate';
import { PersonnelDirectory } from '../application/personnel-directory';
import { NationalIdMatches } from '../personal-data/national-id-matches';
import { correctionDecider } from './correct-personal-data';

/**
 * A correction asked over HTTP. A national ID number given is one person's: held by another member
 * it is refused as at admission, in the number's turn (BranchGate), so that two writes of one
 * number take turns.
 */
@Injectable()
export class CorrectPersonalDataHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly directory: PersonnelDirectory,
    private readonly gate: BranchGate,
    private readonly matches: NationalIdMatches,
  ) {}

  handle(memberId: string, changes: Partial<PersonalData>, context: CommandContext): Promise<CommandAnswer> {
    const turns = changes.nationalId ? [BranchGate.nationalIdTurn(changes.nationalId)] : [];
    return this.gate.through(turns, async () => {
      if (changes.nationalId) {
        await this.directory.caughtUp();
        const holder = this.directory.namesakes.holderOf(changes.nationalId);
        if (holder !== undefined && holder !== memberId) throw await this.matches.refusal(holder, context, 'POST /members/{id}/personal-data-corrections');
      }
      return this.personnel.onMember(correctionDecider, { type: 'CorrectPersonalData', memberId, changes, today: this.personnel.today() }, { ...context, effectiveDate: context.effectiveDate ?? this.personnel.today() });
    });
  }
}
