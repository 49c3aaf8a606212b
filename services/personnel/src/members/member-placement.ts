import { Injectable } from '@nestjs/common';
import { MemberPlacement, PostPeriod } from '@register/auth';
import { OfficerPostsReads } from '../officers/officer-posts.read-model';
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
    private readonly posts: OfficerPostsReads,
  ) {}

  /**
   * The member's home branch today, or on a past `day` (a rating of a past year is its branch's then:
   * MemberPlacementToday.placementOn); with `postWithin`, the branch of the last post they held in
   * that period (an officer's rating), when they held one.
   */
  async branchOfMember(memberId: string, day?: string, postWithin?: PostPeriod): Promise<string | undefined> {
    const post = postWithin && (await this.postBranch(memberId, postWithin));
    return post ?? (await (day === undefined ? this.placement(memberId) : this.placementOn(memberId, day)))?.branchId;
  }

  /** The branch of the last post the member held within the period (started by its end, not ended by its start), from the officers' read model. */
  async postBranch(memberId: string, within: PostPeriod): Promise<string | undefined> {
    const held = (await this.posts.career(memberId)).filter((p) => p.startsOn <= within.to && (p.endsOn === null || p.endsOn > within.from));
    return held.at(-1)?.branchId;
  }

  /**
   * Where the member was on a past `day`, their stream folded up to it: a rating, commendation or
   * visit of that day is its branch's then, whose units decide it (a probe found the commune the
   * member moved to deciding their rating of a year spent in the one they left, and that one
   * refused). Today's place for a day not past, or one before their admission.
   */
  async placementOn(memberId: string, day: string): Promise<Pick<ViewMember, 'id' | 'branchId' | 'status'> | undefined> {
    if (day >= this.personnel.today() || !this.directory.member(memberId)) return this.placement(memberId);
    const then = await this.personnel.memberNowAndOn(memberId, day).then((m) => m.onDay, () => undefined);
    return then?.exists ? { id: memberId, branchId: then.branchId, status: then.status } : this.placement(memberId);
  }

  async placement(memberId: string): Promise<Pick<ViewMember, 'id' | 'branchId' | 'status'> | undefined> {
    const recorded = this.directory.member(memberId);
    if (!recorded?.settledOn || recorded.settledOn <= this.personnel.today()) return recorded && { id: recorded.id, branchId: recorded.branchId, status: recorded.status };
    const today = await this.personnel.memberToday(memberId).catch(() => undefined);
    return { id: memberId, branchId: today?.branchId ?? recorded.branchId, status: today?.status ?? recorded.status };
  }
}
