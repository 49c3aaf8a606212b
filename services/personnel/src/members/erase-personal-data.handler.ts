import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { PERSONNEL_KEYS, PERSONNEL_READ_LOG } from '../application/tokens';
import { KeyVault } from '@register/personal-data';
import { EmbeddedSnapshots } from '@register/service-kit';
import { PersonalDataReadLog } from '../personal-data/read-log';
import { erasureDecider } from './erase-personal-data';

/**
 * Records the erasure, then destroys the member's key: the log keeps its events, the personal data
 * becomes unreadable. The record comes first and is never lost; if the shredding then fails (the
 * database away), the key is already a tombstone in this process and its row is shredded later: the
 * vault retries it, and every instance's write-side view shreds it again when it applies the
 * erasure (KeyVault.erased). The purposes declared for reads of the member are erased too; if
 * that fails, the member's read log still shows them erased (withPurposesErased). The answer is the
 * erasure recorded.
 */
@Injectable()
export class ErasePersonalDataHandler {
  private readonly logger = new Logger('ErasePersonalData');

  constructor(
    private readonly personnel: PersonnelService,
    @Inject(PERSONNEL_KEYS) private readonly keys: KeyVault | null,
    @Inject(PERSONNEL_READ_LOG) private readonly reads: PersonalDataReadLog,
    @Optional() private readonly snapshots?: EmbeddedSnapshots,
  ) {}

  async handle(memberId: string, context: CommandContext): Promise<CommandAnswer> {
    const on = context.effectiveDate ?? this.personnel.today();
    const result = await this.personnel.onMember(erasureDecider, { type: 'EraseMemberPersonalData', memberId, on, today: this.personnel.today() }, { ...context, effectiveDate: on });
    try {
      await this.keys?.shred(memberId);
    } catch (error) {
      this.keys?.erased(memberId);
      this.logger.warn(`the erasure of ${memberId} is recorded; its key row was not shredded yet (${(error as Error).message}), and will be`);
    }
    await this.reads.erasePurposes(memberId).catch((error: Error) => this.logger.warn(`the purposes of reads of ${memberId} were not erased (${error.message}); its read log masks them`));
    // The embedded start's snapshot file holds the member directory as it was, names included.
    this.snapshots?.soon('erasure');
    return result;
  }
}
