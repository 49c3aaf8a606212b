import { Injectable } from '@nestjs/common';
import { MemberPlacement } from '@register/auth';
import { PersonnelDirectory, ViewMember } from '../application/personnel-directory';
import { PersonnelService } from '../application/personnel.service';

/**
 * Where a member belongs today, for authorisation: the write side's view when every change of
 * theirs has taken effect (the usual member), else their stream folded up to today, as GET
 * /members/{id} answers. A transfer recorded today and dated next month leaves the member in the
 * branch they are in: its officers keep reading and changing them until that day, and the branch
 * they go to reaches them only then. A member admitted with a later date is placed where they will
 * be admitted (no other branch is theirs).
 */
@Injectable()
export class MemberPlacementToday implements MemberPlacement {
  constructor(
    private readonly directory: PersonnelDirectory,
    private readonly personnel: PersonnelService,
  ) {}

  async branchOfMember(memberId: string): Promise<string | undefined> {
    return (await this.placement(memberId))?.branchId;
  }

  async placement(memberId: string): Promise<Pick<ViewMember, 'id' | 'branchId' | 'status'> | undefined> {
    const recorded = this.directory.member(memberId);
    if (!recorded?.settledOn || recorded.settledOn <= this.personnel.today()) return recorded && { id: recorded.id, branchId: recorded.branchId, status: recorded.status };
    const today = await this.personnel.memberToday(memberId).catch(() => undefined);
    return { id: memberId, branchId: today?.branchId ?? recorded.branchId, status: today?.status ?? recorded.status };
  }
}
