import { Inject, Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { PERSONNEL_KEYS } from '../application/tokens';
import { KeyVault } from '../personal-data/sealing';
import { erasureDecider } from './erase-personal-data';

/** Records the erasure, then destroys the member's key: the log keeps its events, the personal data becomes unreadable. */
@Injectable()
export class ErasePersonalDataHandler {
  constructor(
    private readonly personnel: PersonnelService,
    @Inject(PERSONNEL_KEYS) private readonly keys: KeyVault | null,
  ) {}

  async handle(memberId: string, context: CommandContext): Promise<CommandAnswer> {
    const on = context.effectiveDate ?? this.personnel.today();
    const result = await this.personnel.onMember(erasureDecider, { type: 'EraseMemberPersonalData', memberId, on }, { ...context, effectiveDate: on });
    await this.keys?.shred(memberId);
    return result;
  }
}
