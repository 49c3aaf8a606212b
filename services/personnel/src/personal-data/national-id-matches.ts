import { Inject, Injectable } from '@nestjs/common';
import { CommandContext, ConflictError } from '@register/event-sourcing';
import { PERSONNEL_READ_LOG } from '../application/tokens';
import { PersonalDataReadLog } from './read-log';

/** The refusal of a national ID number another member holds. The holder is not named: the caller may not be allowed to see them. */
export function nationalIdTaken(): ConflictError {
  return new ConflictError('national-id-taken', 'another member of the register has this national ID number (nationalId): the applicant is most likely a member already', { field: 'nationalId' });
}

/**
 * A national ID number is one person in the whole register, so its check looks beyond the caller's
 * scope, and its refusal tells the caller that the number is a member's somewhere: a read of that
 * member's data. It is logged as one, in the holder's read log (`/members/{id}/personal-data-reads`),
 * with who asked and through what, so that numbers tried one after another (a dry-run import of
 * thousands) leave a trace (found by a black-box probe).
 */
@Injectable()
export class NationalIdMatches {
  constructor(@Inject(PERSONNEL_READ_LOG) private readonly reads: PersonalDataReadLog) {}

  async refusal(holder: string, context: Pick<CommandContext, 'actor'>, via: string): Promise<ConflictError> {
    await this.reads.record({ actor: context.actor, purpose: 'national ID number matched (national-id-taken)', endpoint: via, memberIds: [holder] });
    return nationalIdTaken();
  }

  /**
   * An admission naming the id of a member who exists (`member-id-taken`), anywhere in the register:
   * the refusal tells a scoped caller that the id is a member's, which every read out of scope hides
   * (403 for a known and an unknown id alike). Logged in that member's read log as the national ID
   * number's match is (a black-box probe found it unlogged).
   */
  async idMatched(memberIds: string[], context: Pick<CommandContext, 'actor'>, via: string): Promise<void> {
    if (memberIds.length) await this.reads.record({ actor: context.actor, purpose: 'member id matched (member-id-taken)', endpoint: via, memberIds });
  }
}
