import { ConflictError, deciderSpecification, NotFoundError, routedDecider, RuleViolation } from '@register/event-sourcing';
import { CompetitionEvent } from '@register/contracts';
import { competitionAggregate } from '../domain/competition';
import { AnnounceCompetition, AwardCompetition, decideAnnouncement, decideAwards, decideEntry, EnterCompetition } from './competition-decisions';

const spec = deciderSpecification(
  routedDecider<AnnounceCompetition | EnterCompetition | AwardCompetition, CompetitionEvent, ReturnType<typeof competitionAggregate.initialState>>(competitionAggregate, {
    AnnounceCompetition: decideAnnouncement,
    EnterCompetition: decideEntry,
    AwardCompetition: decideAwards,
  }),
);
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;
const announced: CompetitionEvent = { type: 'CompetitionAnnounced', data: { competitionId: 'k1', organiserUnitId: 'qp', title: 'Hội thi Bí thư chi đoàn giỏi', heldOn: '2025-03-20' } };
const entered: CompetitionEvent = { type: 'CompetitionEntered', data: { competitionId: 'k1', memberIds: ['m1', 'm2'] } };
const member = (memberId: string, active = true) => ({ memberId, branchId: 'b1', active, away: false });
const enter = (ids: string[], members = ids.map((id) => member(id))) => ({ type: 'EnterCompetition' as const, competitionId: 'k1', memberIds: ids, members });
const award = (awards: Array<{ memberId: string; award: string }>, today = '2025-03-20') => ({ type: 'AwardCompetition' as const, competitionId: 'k1', awards, today });

describe('competitions', () => {
  it('announces a competition of a known unit', () =>
    spec.given([]).when({ type: 'AnnounceCompetition', competitionId: 'k1', organiserUnitId: 'qp', organiserKnown: true, title: 'Hội thi Bí thư chi đoàn giỏi', heldOn: '2025-03-20' }).then([announced]));
  it('refuses a competition held before its organiser was established (422 organiser-not-established)', () =>
    spec.given([]).when({ type: 'AnnounceCompetition', competitionId: 'k1', organiserUnitId: 'qp', organiserKnown: true, organiserEstablishedOn: '2025-11-01', title: 'Hội thi', heldOn: '2025-03-20' }).thenThrows(RuleViolation, rule('organiser-not-established')));
  it('refuses a competition of a unit merged or dissolved by its day (422 organiser-closed)', () =>
    spec.given([]).when({ type: 'AnnounceCompetition', competitionId: 'k1', organiserUnitId: 'qp', organiserKnown: true, organiserClosedOn: '2025-01-01', title: 'Hội thi', heldOn: '2025-03-20' }).thenThrows(RuleViolation, rule('organiser-closed')));
  it('refuses an unknown organiser (422)', () =>
    spec.given([]).when({ type: 'AnnounceCompetition', competitionId: 'k1', organiserUnitId: 'zz', organiserKnown: false, title: 'x', heldOn: '2025-03-20' }).thenThrows(RuleViolation, rule('unknown-unit')));
  it('enters active members', () => spec.given([announced]).when(enter(['m1'])).then([{ type: 'CompetitionEntered', data: { competitionId: 'k1', memberIds: ['m1'] } }]));
  it('refuses an entrant twice (409) and whoever is not an active member (422)', () => {
    spec.given([announced, entered]).when(enter(['m2'])).thenThrows(ConflictError, rule('already-entered'));
    spec.given([announced]).when(enter(['m3'], [member('m3', false)])).thenThrows(RuleViolation, rule('not-an-active-member'));
  });
  it('keeps the awards with the competition, with its organiser and day, for commendations', () =>
    spec.given([announced, entered]).when(award([{ memberId: 'm1', award: 'Giải nhất' }])).then([{ type: 'CompetitionAwarded', data: { competitionId: 'k1', organiserUnitId: 'qp', heldOn: '2025-03-20', awards: [{ memberId: 'm1', award: 'Giải nhất' }] } }]));
  it('awards entrants only (422 not-an-entrant), once (422 results-published), and takes no entries after them', () => {
    spec.given([announced, entered]).when(award([{ memberId: 'm9', award: 'Giải ba' }])).thenThrows(RuleViolation, rule('not-an-entrant'));
    const awarded: CompetitionEvent = { type: 'CompetitionAwarded', data: { competitionId: 'k1', organiserUnitId: 'qp', heldOn: '2025-03-20', awards: [] } };
    spec.given([announced, entered, awarded]).when(award([])).thenThrows(RuleViolation, rule('results-published'));
    spec.given([announced, entered, awarded]).when(enter(['m3'])).thenThrows(RuleViolation, rule('results-published'));
  });
  it('publishes no results before the competition is held (422 competition-not-held)', () =>
    spec.given([announced, entered]).when(award([{ memberId: 'm1', award: 'Giải nhất' }], '2025-03-19')).thenThrows(RuleViolation, rule('competition-not-held')));
  it('takes no entry dated after the day it was held (422 entry-after-competition), nor results dated before it (422 results-before-competition); an entry recorded late without a date is taken', () => {
    spec.given([announced]).when({ ...enter(['m1']), on: '2025-03-21' }).thenThrows(RuleViolation, rule('entry-after-competition'));
    spec.given([announced]).when({ ...enter(['m1']), on: '2025-03-20' }).then([{ type: 'CompetitionEntered', data: { competitionId: 'k1', memberIds: ['m1'] } }]);
    spec.given([announced, entered]).when({ ...award([{ memberId: 'm1', award: 'Giải nhất' }], '2025-04-01'), on: '2025-03-19' }).thenThrows(RuleViolation, rule('results-before-competition'));
  });
  it('refuses an entrant admitted only after the day it was held (422 admitted-after-competition)', () => {
    const heldOn = (announced.data as { heldOn: string }).heldOn;
    const admitted = (on: string) => ({ ...member('m5'), admittedOn: on });
    spec.given([announced]).when(enter(['m5'], [admitted('2099-01-01')])).thenThrows(RuleViolation, rule('admitted-after-competition'));
    spec.given([announced]).when(enter(['m5'], [admitted(heldOn)])).then([{ type: 'CompetitionEntered', data: { competitionId: 'k1', memberIds: ['m5'] } }]);
  });
  it('answers 404 for a competition that does not exist', () => spec.given([]).when(enter(['m1'])).thenThrows(NotFoundError));
});
