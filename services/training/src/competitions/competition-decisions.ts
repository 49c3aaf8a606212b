import { ConflictError, deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { Award, CompetitionEvent } from '@register/contracts';
import { Competition, competitionAggregate } from '../domain/competition';
import { checkAdmittedBy, checkMembers, checkOrganiserOpen, MemberFact } from '../domain/rules';

export type AnnounceCompetition = { type: 'AnnounceCompetition'; competitionId: string; organiserUnitId: string; organiserKnown: boolean; organiserClosedOn?: string | null; organiserEstablishedOn?: string | null; title: string; heldOn: string };
/** `on`: the effective date the caller gave (absent: the entry is recorded without one, late or not). */
export type EnterCompetition = { type: 'EnterCompetition'; competitionId: string; memberIds: string[]; members: Array<MemberFact | undefined>; on?: string };
/** The results; `today` is the day the command is recorded (the service's clock), `on` the effective date the caller gave. */
export type AwardCompetition = { type: 'AwardCompetition'; competitionId: string; awards: Award[]; today: string; on?: string };

export const announcementDecider = deciderOf(competitionAggregate, decideAnnouncement);
export const entryDecider = deciderOf(competitionAggregate, decideEntry);
export const awardDecider = deciderOf(competitionAggregate, decideAwards);

export function decideAnnouncement(c: AnnounceCompetition, s: Competition): CompetitionEvent[] {
  if (s.status !== 'none') throw new ConflictError('competition-exists', `competition ${c.competitionId} already exists`);
  if (!c.organiserKnown) throw new RuleViolation('unknown-unit', `unit ${c.organiserUnitId} is not a unit of the register`);
  checkOrganiserOpen(c.organiserUnitId, c.organiserClosedOn, c.heldOn, 'competition', c.organiserEstablishedOn);
  return [{ type: 'CompetitionAnnounced', data: { competitionId: c.competitionId, organiserUnitId: c.organiserUnitId, title: c.title, heldOn: c.heldOn } }];
}

/** Entrants are active members, each entered once, before the results. */
export function decideEntry(c: EnterCompetition, s: Competition): CompetitionEvent[] {
  checkNotDecided(s, c.competitionId);
  const twice = c.memberIds.filter((id) => s.entrants.includes(id));
  if (twice.length > 0) throw new ConflictError('already-entered', `already entered in competition ${c.competitionId}: ${twice.join(', ')}`, { memberIds: twice });
  checkMembers(c.memberIds, c.members);
  checkAdmittedBy(c.members, s.heldOn, 'admitted-after-competition', `competition ${c.competitionId} was held`);
  if (c.on !== undefined && c.on > s.heldOn) throw new RuleViolation('entry-after-competition', `competition ${c.competitionId} was held on ${s.heldOn}: nobody enters it on ${c.on}`, { heldOn: s.heldOn });
  return [{ type: 'CompetitionEntered', data: { competitionId: c.competitionId, memberIds: c.memberIds } }];
}

/** The awards go to entrants, once: they are kept with the competition and published for commendations. */
export function decideAwards(c: AwardCompetition, s: Competition): CompetitionEvent[] {
  checkNotDecided(s, c.competitionId);
  // Awards are won on the day: a competition still to be held has no results, and once published they take no change.
  if (s.heldOn > c.today) throw new RuleViolation('competition-not-held', `competition ${c.competitionId} is held on ${s.heldOn} (today is ${c.today}): its results come after it`);
  if (c.on !== undefined && c.on < s.heldOn) throw new RuleViolation('results-before-competition', `competition ${c.competitionId} is held on ${s.heldOn}: its results cannot take effect on ${c.on}`, { heldOn: s.heldOn });
  const strangers = c.awards.map((a) => a.memberId).filter((id) => !s.entrants.includes(id));
  if (strangers.length > 0) throw new RuleViolation('not-an-entrant', `not entered in competition ${c.competitionId}: ${strangers.join(', ')}`, { memberIds: strangers });
  return [{ type: 'CompetitionAwarded', data: { competitionId: c.competitionId, organiserUnitId: s.organiserUnitId, heldOn: s.heldOn, awards: c.awards } }];
}

function checkNotDecided(s: Competition, competitionId: string) {
  if (s.status === 'none') throw new NotFoundError('competition', competitionId);
  if (s.status === 'awarded') throw new RuleViolation('results-published', `the results of competition ${competitionId} are published: it takes no more changes`);
}
