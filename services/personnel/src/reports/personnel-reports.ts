import { Injectable } from '@nestjs/common';
import { OFFICER_SOURCES, OfficerSource } from '@register/contracts';
import { CollectionQueries, ReadModelQueries } from '@register/read-models';
import { PostInOfficeDoc, personnelReportsProjection, SourceCountDoc } from './personnel-reports.projection';

/** Interim officers (lâm thời) still in post whose congress deadline has passed by `on`, earliest deadline first. */
export async function overdueInterimOfficers(posts: CollectionQueries, on: string) {
  const found = (await posts.find({ method: 'interim', congressDeadline: { $ne: null, $lt: on } }, { sort: { congressDeadline: 1, branchId: 1, _id: 1 } })) as unknown as PostInOfficeDoc[];
  const docs = found.filter((p) => p.endsOn === undefined || p.endsOn > on);
  return docs.map((p) => ({ branchId: p.branchId, memberId: p.memberId, role: p.role, method: p.method, source: p.source, startsOn: p.startsOn, congressDeadline: p.congressDeadline, endsOn: null, cause: null }));
}

/** In post on the day: begun, and not ended by a departure recorded ahead. */
const heldOn = (p: PostInOfficeDoc, day: string) => p.startsOn <= day && (p.endsOn === undefined || p.endsOn > day);

/**
 * How many secretaries in post on `today` come from each source: districts see which sources work.
 * The counts kept include appointments that start later (few): those are taken off.
 */
export async function secretariesBySource(sources: CollectionQueries, posts: CollectionQueries, today: string, branchIds?: readonly string[]): Promise<Record<OfficerSource, number>> {
  const counts = Object.fromEntries(OFFICER_SOURCES.map((s) => [s, 0])) as Record<OfficerSource, number>;
  if (branchIds) {
    // A unit's: its branches' secretaries in post (the whole register's come counted already, below).
    for (const p of (await posts.find({ role: 'secretary', branchId: { $in: [...branchIds] } })) as unknown as PostInOfficeDoc[]) if (heldOn(p, today) && Object.hasOwn(counts, p.source)) counts[p.source] += 1;
    return counts;
  }
  for (const d of (await sources.find({})) as unknown as SourceCountDoc[]) if (Object.hasOwn(counts, d._id)) counts[d._id] = d.secretaries;
  for (const p of (await posts.find({ role: 'secretary', startsOn: { $gt: today } })) as unknown as PostInOfficeDoc[]) if (p.endsOn === undefined && Object.hasOwn(counts, p.source)) counts[p.source] -= 1;
  // Departures recorded ahead took their secretaries off the counts: until their day they are in post.
  for (const p of (await posts.find({ role: 'secretary', endsOn: { $gt: today } })) as unknown as PostInOfficeDoc[]) if (p.startsOn <= today && Object.hasOwn(counts, p.source)) counts[p.source] += 1;
  return counts;
}

/** The reports' own read model (`personnel-reports`), waited for up to `minPosition`. */
@Injectable()
export class PersonnelReportReads {
  constructor(private readonly readModels: ReadModelQueries) {}

  private async model(minPosition?: number) {
    return this.readModels.of(personnelReportsProjection).require(minPosition);
  }

  async overdueInterimOfficers(on: string, minPosition?: number) {
    return overdueInterimOfficers((await this.model(minPosition)).collection('posts'), on);
  }

  async secretariesBySource(today: string, minPosition?: number, branchIds?: readonly string[]) {
    const model = await this.model(minPosition);
    return secretariesBySource(model.collection('sources'), model.collection('posts'), today, branchIds);
  }
}
