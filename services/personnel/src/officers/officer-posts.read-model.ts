import { Injectable } from '@nestjs/common';
import { CollectionQueries, ReadModelQueries } from '@register/read-models';
import { Clock } from '@register/service-kit';
import { ReplicaBranch } from '../application/branch-replica';
import { BranchPostsDoc, CareerDoc, careerPosts, heldOn, officerPostsProjection, PostRow } from './officer-posts.projection';

const secretaries = (d: BranchPostsDoc | undefined) => (d?.posts ?? []).filter((p) => p.role === 'secretary');

/** The day the last secretary's post ended by `today` (a departure dated later is pending), or null. */
const lastSecretaryEnd = (d: BranchPostsDoc | undefined, today: string) =>
  secretaries(d).reduce<string | null>((last, p) => (p.endsOn !== null && p.endsOn <= today && (last === null || p.endsOn > last) ? p.endsOn : last), null);

/** The documents of these branches (those nobody was ever appointed to have none), read 500 at a time. */
export async function branchDocs(branchIds: string[], posts: CollectionQueries): Promise<Map<string, BranchPostsDoc>> {
  const docs = new Map<string, BranchPostsDoc>();
  for (let i = 0; i < branchIds.length; i += 500) {
    for (const d of (await posts.find({ _id: { $in: branchIds.slice(i, i + 500) } })) as unknown as BranchPostsDoc[]) docs.set(d._id, d);
  }
  return docs;
}

/**
 * Branches without a secretary today, and since when: the day the last secretary's post ended, or
 * the branch's establishment when it never had one (null when the replica does not know that date).
 * An appointment starting after today, or a departure dated after it, is pending (heldOn).
 * The branches come from the replica (organisation's events): a branch nobody was ever appointed
 * to has no document in personnel's read models.
 */
export async function vacancies(branches: ReplicaBranch[], posts: CollectionQueries, today: string) {
  const docs = await branchDocs(branches.map((b) => b.branchId), posts);
  return branches
    .filter((b) => {
      const d = docs.get(b.branchId);
      return !d || !heldOn(d, today).some((p) => p.role === 'secretary');
    })
    .map((b) => {
      const d = docs.get(b.branchId);
      const everHadSecretary = secretaries(d).some((p) => p.startsOn <= today);
      return { branchId: b.branchId, name: b.name, parentUnitId: b.parentUnitId, vacantSince: lastSecretaryEnd(d, today) ?? b.establishedOn, everHadSecretary };
    })
    .sort((a, b) => (a.vacantSince ?? '').localeCompare(b.vacantSince ?? '') || a.branchId.localeCompare(b.branchId));
}

/** Today's officers, careers and vacancies: the `officer-posts` read model, waited for up to `minPosition`. */
@Injectable()
export class OfficerPostsReads {
  constructor(
    private readonly readModels: ReadModelQueries,
    private readonly clock: Clock,
  ) {}

  private async model(minPosition?: number) {
    return this.readModels.of(officerPostsProjection).require(minPosition);
  }

  /**
   * Interim officers in post on a past `day` whose congress deadline had passed by then, of these
   * branches (every branch's without them), with how their post ended since (if it did): every post
   * with its end, not only those held today (a post ended since by a late congress was in breach that
   * day; a probe found it dropped from the report of that day).
   */
  async overdueInterimOn(day: string, branchIds?: string[], minPosition?: number): Promise<Array<Omit<PostRow, 'termEndsOn'>>> {
    const branches = (await this.model(minPosition)).collection('branches');
    const docs = branchIds ? [...(await branchDocs(branchIds, branches)).values()] : ((await branches.find({})) as unknown as BranchPostsDoc[]);
    return docs
      .flatMap((d) => d.posts)
      .filter((p) => p.method === 'interim' && p.congressDeadline !== null && p.congressDeadline < day && p.startsOn <= day && (p.endsOn === null || p.endsOn > day))
      .sort((a, b) => a.congressDeadline!.localeCompare(b.congressDeadline!) || a.branchId.localeCompare(b.branchId) || a.memberId.localeCompare(b.memberId))
      .map(({ branchId, memberId, role, method, source, startsOn, congressDeadline, endsOn, cause }) => ({ branchId, memberId, role, method, source, startsOn, congressDeadline, endsOn, cause }));
  }

  /** A branch's posts held now; undefined when nobody was ever appointed to it. */
  async branch(branchId: string, minPosition?: number): Promise<BranchPostsDoc | undefined> {
    return (await (await this.model(minPosition)).collection('branches').get(branchId)) as BranchPostsDoc | undefined;
  }

  async career(memberId: string, minPosition?: number) {
    return careerPosts((await (await this.model(minPosition)).collection('careers').get(memberId)) as CareerDoc | undefined);
  }

  /** Every post of these branches ever held (the documents by branch id), as the read model stands at `minPosition` or later. */
  async branches(branchIds: string[], minPosition?: number) {
    return branchDocs(branchIds, (await this.model(minPosition)).collection('branches'));
  }

  async vacancies(branches: ReplicaBranch[], minPosition?: number) {
    return vacancies(branches, (await this.model(minPosition)).collection('branches'), this.clock.today());
  }
}
