import { BranchReportDoc, existedOn, inGradeOrder, subtreeOn, summarise, SummaryFacts, UnitSummary } from './summary';
import { rollupId, rollups } from './summary-rollups';
import { totalOn, valueOn } from './timeline';

const unit = (_id: string, parents: Record<string, string | null>, endedOn: string | null = null) => ({ _id, kind: 'grassroots', parents, endedOn });
const structure = (units: Record<string, string>, endedOn: string | null = null) => ({ units, residential: { '2015-01-01': true }, unitIds: Object.values(units), endedOn });

/** A district abolished in 2025: its commune x1 moved under the province p, x2 merged into x1. */
const facts = (): SummaryFacts => ({
  units: [unit('p', { '2015-01-01': null }), unit('d', { '2015-01-01': 'p' }, '2025-07-01'), unit('x1', { '2015-01-01': 'd', '2025-07-01': 'p' }), unit('x2', { '2015-01-01': 'd' }, '2025-07-01')],
  branches: [
    {
      _id: 'b1',
      structure: structure({ '2015-01-01': 'x1' }),
      membership: { members: { '2018-03-26': 3, '2020-03-26': 2, '2020-08-01': -1 }, away: { '2020-05-01': 1 }, admissions: { '2020-03-26': 2 }, introductions: { '2020-04-10': 2 }, partyAdmissions: { '2020-09-01': 1 }, secretaries: { '2019-09-01': { memberId: 'm1', source: 'teacher' } } },
      evaluation: {
        // the year's ratings decided in January of the next, as they usually are
        decisions: { 2020: { branch: { 'branch-classic': { strong: { '2021-01-15': 1 } } }, member: { 'member-classic': { good: { '2021-01-15': 2 }, weak: { '2021-01-15': 0 } } } }, 2023: { member: { 'four-level': { good: { '2024-01-10': 5 } } } } },
        commended: { 2020: { '2020-12-20': 1 } },
      },
      training: { trainees: [{ year: 2020, memberId: 'm1', courseId: 'c1' }, { year: 2019, memberId: 'm2', courseId: 'c0' }], completions: [{ year: 2020, memberId: 'm1', courseId: 'c1', completedOn: '2020-06-12', recordedAt: '2020-06-12T09:00:00.000Z' }] },
    },
    {
      _id: 'b2',
      structure: structure({ '2015-01-01': 'x2', '2025-07-01': 'x1' }),
      membership: { members: { '2018-03-26': 4 }, secretaries: { '2019-09-01': { memberId: 'm2', source: 'militia' }, '2020-10-01': null } },
      evaluation: { decisions: { 2020: { branch: { 'branch-classic': { good: { '2021-01-15': 1 } } }, member: { 'member-classic': { good: { '2021-01-15': 1 }, excellent: { '2021-01-15': 1 } } } } } },
    },
    { _id: 'b3', structure: structure({ '2015-01-01': 'x2' }, '2020-06-01') },
    // facts of a branch organisation's log does not (yet) name: counted nowhere
    { _id: 'b4', membership: { members: { '2018-03-26': 9 } } },
  ] satisfies BranchReportDoc[],
  courses: [{ _id: 'c1', organiserUnitId: 'd', year: 2020, cancelled: false, participantIds: ['m1', 'm3'], secretaryIds: ['m1'] }, { _id: 'c2', organiserUnitId: 'd', year: 2020, cancelled: true, participantIds: ['m2'], secretaryIds: [] }],
});

describe('the unit summary (pure)', () => {
  it('reads a timeline on a day: the latest change not after it, and sums dated changes', () => {
    expect(valueOn({ '2015-01-01': 'a', '2025-07-01': 'b' }, '2024-12-31')).toBe('a');
    expect(valueOn({ '2015-01-01': 'a', '2025-07-01': 'b' }, '2025-07-01')).toBe('b');
    expect(valueOn({ '2015-01-01': 'a' }, '2014-12-31')).toBeUndefined();
    expect(totalOn({ '2018-03-26': 3, '2020-08-01': -1 }, '2020-07-31')).toBe(3);
  });

  it('finds the subtree as the tree stood on the day, and none for a unit that had ended', () => {
    expect(subtreeOn(facts().units, 'd', '2020-12-31')).toEqual(new Set(['d', 'x1', 'x2']));
    expect(subtreeOn(facts().units, 'p', '2025-12-31')).toEqual(new Set(['p', 'x1']));
    expect(subtreeOn(facts().units, 'd', '2025-12-31')).toBeNull();
  });

  it('says up to which day the year\'s decisions count: the asOf asked, or null for every decision recorded (a probe read asOf 2025-12-31 beside ratings of 2026)', () => {
    const asked = summarise(facts(), 'd', 2020, '2020-12-31', '2020-12-31')!;
    const known = summarise(facts(), 'd', 2020, '2020-12-31')!;
    expect([asked.decisionsAsOf, asked.ratings.branches, known.decisionsAsOf, known.ratings.branches]).toEqual(['2020-12-31', {}, null, expect.objectContaining({ strong: 1 })]);
  });

  it("names the unit as it was called on the day asked: a commune renamed later keeps its old name in the years before (the workbook named it by its id)", () => {
    const named = facts();
    named.units[1] = { ...named.units[1], names: { '2015-01-01': 'Huyện đoàn Quỳ Châu', '2021-03-01': 'Huyện đoàn Quỳ Châu (mới)' } };
    expect([summarise(named, 'd', 2020, '2020-12-31')!.unitName, summarise(named, 'd', 2021, '2021-12-31')!.unitName]).toEqual(['Huyện đoàn Quỳ Châu', 'Huyện đoàn Quỳ Châu (mới)']);
    expect(summarise(facts(), 'd', 2020, '2020-12-31')).not.toHaveProperty('unitName');
  });

  it('counts structure, members and posts on the day and the year\'s counts over the year, scales kept apart, from one document per branch', () => {
    expect(summarise(facts(), 'd', 2020, '2020-12-31')).toEqual({
      unitId: 'd', year: 2020, asOf: '2020-12-31', decisionsAsOf: null,
      branches: { total: 2, residential: 2, withoutSecretary: 1, withoutMembers: 0 },
      members: { total: 8, admittedInYear: 2, away: 1 },
      secretaries: { total: 1, bySource: { teacher: 1 } },
      ratings: { branches: { strong: 1, good: 1 }, members: { good: 3, excellent: 1 } },
      ratingsByScale: { branches: { 'branch-classic': { strong: 1, good: 1 } }, members: { 'member-classic': { good: 3, excellent: 1 } } },
      // m2 held b2's post until October: a secretary of the year, as training-compliance counts them
      training: { courses: 1, participants: 2, secretaries: 2, secretariesTrained: 1, rate: 0.5 },
      party: { introduced: 2, admitted: 1 },
      commendations: 1,
    });
  });

  it('counts the secretary of a branch closed during the year in that year\'s training (as training-compliance does), not in the branches of the day', () => {
    const closedMidYear = facts();
    closedMidYear.branches[2] = { ...closedMidYear.branches[2], membership: { secretaries: { '2019-01-01': { memberId: 'm5', source: 'teacher' } } } };
    const s2020 = summarise(closedMidYear, 'd', 2020, '2020-12-31')!;
    expect([s2020.branches.total, s2020.training.secretaries]).toEqual([2, 3]);
    // Before its closure (1 June) the branch is open and counted once; the year after, it is gone.
    expect(summarise(closedMidYear, 'd', 2020, '2020-05-31')!.training.secretaries).toBe(3);
    expect(summarise(closedMidYear, 'd', 2021, '2021-12-31')!.training.secretaries).toBe(1);
    // The year asked again on a later day: the branch closed after the year was open in it, its secretary counts (a probe found them dropped).
    expect(summarise(closedMidYear, 'd', 2019, '2021-03-01')!.training).toMatchObject({ secretaries: 3, secretariesTrained: 0, rate: 0 });
    expect(summarise(closedMidYear, 'd', 2019, '2019-12-31')!.training.secretaries).toBe(3);
  });

  it('counts the courses of the year begun by the day: as of June, not the course of October', () => {
    const withDays = facts();
    withDays.courses = [{ ...withDays.courses[0], startsOn: '2020-10-01' }, withDays.courses[1]];
    expect(summarise(withDays, 'd', 2020, '2020-06-30')!.training).toMatchObject({ courses: 0, participants: 0 });
    expect(summarise(withDays, 'd', 2020, '2020-10-01')!.training).toMatchObject({ courses: 1, participants: 2 });
  });

  it("counts the year's admissions, ratings and courses of branches and units closed before the day (a commune merged on 31 December), not their day figures", () => {
    const closing = facts();
    closing.branches[2] = { ...closing.branches[2], membership: { members: { '2018-03-26': 5, '2020-05-31': -5 }, admissions: { '2020-02-01': 3 } }, evaluation: { decisions: { 2020: { branch: { 'branch-classic': { good: { '2020-05-20': 1 } } } } } } };
    // x2 itself closes on the year's last day (its branch b2 moves to x1 that day), with a course it organised that year
    closing.units = closing.units.map((u) => (u._id === 'x2' ? { ...u, endedOn: '2020-12-31' } : u));
    closing.branches[1] = { ...closing.branches[1], structure: structure({ '2015-01-01': 'x2', '2020-12-31': 'x1' }) };
    closing.courses.push({ _id: 'c3', organiserUnitId: 'x2', year: 2020, cancelled: false, participantIds: ['m9'], secretaryIds: [] });
    const s = summarise(closing, 'd', 2020, '2020-12-31')!;
    expect({ branches: s.branches.total, members: s.members.total, admitted: s.members.admittedInYear, ratings: s.ratings.branches, courses: s.training.courses }).toEqual({
      branches: 2, // b1, and b2 under x1 now; b3, closed on 31 May, is gone from the day's figures
      members: 4 + 4,
      admitted: 2 + 3, // b3's three admissions of the year stay the year's
      ratings: { strong: 1, good: 2 },
      courses: 2, // x2's course, though x2 closed on the day
    });
    // Closed after the day asked: counted on the day as it stood, once.
    expect(summarise(closing, 'd', 2020, '2020-12-30')!).toMatchObject({ branches: { total: 2 }, members: { admittedInYear: 5 }, training: { courses: 2 } });
  });

  it("the year-end rollups count a course of a unit closed in the year where it stood, as the live summary does (they left it out: found by a black-box probe)", () => {
    const closing = facts();
    closing.units = closing.units.map((u) => (u._id === 'x2' ? { ...u, endedOn: '2020-11-01' } : u));
    closing.courses.push({ _id: 'c3', organiserUnitId: 'x2', year: 2020, cancelled: false, participantIds: ['m9'], secretaryIds: [] });
    const stored = new Map([...rollups(closing, '2021-06-01')].map((r) => [r._id, r.summary]));
    for (const unitId of ['p', 'd']) {
      expect([unitId, stored.get(rollupId(unitId, 2020, '2020-12-31'))?.training.courses]).toEqual([unitId, summarise(closing, unitId, 2020, '2020-12-31')!.training.courses]);
      expect(stored.get(rollupId(unitId, 2020, '2020-12-31'))?.training.courses).toBe(2);
    }
  });

  it("counts a branch closed before its province merged away under the province's successor, as the lists do (a probe: a merged province's successor lost 4 of 8 branch ratings)", () => {
    const rated = (grade: string) => ({ decisions: { 2020: { branch: { 'branch-classic': { [grade]: { '2021-01-15': 1 } } } } } });
    const merged: SummaryFacts = {
      units: [unit('tw', { '2015-01-01': null }), unit('pa', { '2015-01-01': 'tw' }), { ...unit('pb', { '2015-01-01': 'tw' }, '2020-07-01'), successorId: 'pa' }, unit('cb', { '2015-01-01': 'pb', '2020-07-01': 'pa' })],
      branches: [
        { _id: 'bx', structure: structure({ '2015-01-01': 'cb' }, '2020-04-01'), evaluation: rated('good') },
        { _id: 'by', structure: structure({ '2015-01-01': 'cb' }), evaluation: rated('strong') },
      ],
      courses: [],
    };
    const grades = (unitId: string) => summarise(merged, unitId, 2020, '2020-12-31')!.ratings.branches;
    expect([grades('pa'), grades('tw'), grades('cb')]).toEqual([{ good: 1, strong: 1 }, { good: 1, strong: 1 }, { good: 1, strong: 1 }]);
    const stored = new Map([...rollups(merged, '2021-06-01')].map((r) => [r._id, r.summary.ratings.branches]));
    expect(['pa', 'tw', 'cb'].map((u) => stored.get(rollupId(u, 2020, '2020-12-31')))).toEqual([{ good: 1, strong: 1 }, { good: 1, strong: 1 }, { good: 1, strong: 1 }]);
  });

  it("counts the year of a unit merged away under its successor open on the day, once (a commune's course vanished from its successor and the successor's province: found by a black-box probe)", () => {
    const merged = facts();
    merged.units = merged.units.map((u) => (u._id === 'x2' ? { ...u, endedOn: '2020-07-01', successorId: 'x1' } : u));
    merged.courses.push({ _id: 'c3', organiserUnitId: 'x2', year: 2020, cancelled: false, participantIds: ['m9'], secretaryIds: [] });
    const courses = (unitId: string) => summarise(merged, unitId, 2020, '2020-12-31')!.training.courses;
    expect([courses('x1'), courses('d'), courses('p')]).toEqual([1, 2, 2]);
    // The year-end rollups agree, x2's successor given to every unit's (a unit not given it would count x2 where it stood).
    const stored = new Map([...rollups(merged, '2021-06-01')].map((r) => [r._id, r.summary.training.courses]));
    expect(['x1', 'd', 'p'].map((u) => stored.get(rollupId(u, 2020, '2020-12-31')))).toEqual([1, 2, 2]);
    // The successor's own course once, though the closed unit brings its successor along (a probe read it twice in the rollups).
    merged.courses.push({ _id: 'c4', organiserUnitId: 'x1', year: 2020, cancelled: false, participantIds: ['m8'], secretaryIds: [] });
    const withOwn = new Map([...rollups(merged, '2021-06-01')].map((r) => [r._id, r.summary.training.courses]));
    expect(['x1', 'd', 'p'].map((u) => [courses(u), withOwn.get(rollupId(u, 2020, '2020-12-31'))])).toEqual([[2, 2], [3, 3], [3, 3]]);
    // Merged into a unit of another subtree: counted there, in the rollups as in the live answer (not also where it stood).
    const across = facts();
    across.units = [...across.units.map((u) => (u._id === 'x2' ? { ...u, endedOn: '2020-07-01', successorId: 'y' } : u)), unit('y', { '2015-01-01': 'p' })];
    across.courses.push({ _id: 'c3', organiserUnitId: 'x2', year: 2020, cancelled: false, participantIds: ['m9'], secretaryIds: [] });
    const rolled = new Map([...rollups(across, '2021-06-01')].map((r) => [r._id, r.summary.training.courses]));
    expect(['d', 'y', 'p'].map((u) => [summarise(across, u, 2020, '2020-12-31')!.training.courses, rolled.get(rollupId(u, 2020, '2020-12-31'))])).toEqual([[1, 1], [1, 1], [2, 2]]);
    // Dissolved (no successor): where it stood on its last day open.
    const dissolved = facts();
    dissolved.units = dissolved.units.map((u) => (u._id === 'x2' ? { ...u, endedOn: '2020-07-01' } : u));
    dissolved.courses.push({ _id: 'c3', organiserUnitId: 'x2', year: 2020, cancelled: false, participantIds: ['m9'], secretaryIds: [] });
    expect([summarise(dissolved, 'x1', 2020, '2020-12-31')!.training.courses, summarise(dissolved, 'd', 2020, '2020-12-31')!.training.courses]).toEqual([0, 2]);
  });

  it('answers ratings as the contract\'s flat { grade: n }, grades of one name added across scales, the per-scale detail beside them', () => {
    const mixed = facts();
    mixed.branches[1].evaluation = { decisions: { 2020: { branch: { 'four-level': { good: { '2021-01-15': 1 } } }, member: { 'four-level': { good: { '2021-01-15': 2 }, completed: { '2021-01-15': 1 } } } } } };
    const s = summarise(mixed, 'd', 2020, '2020-12-31')!;
    expect(s.ratings).toEqual({ branches: { strong: 1, good: 1 }, members: { good: 4, completed: 1 } });
    expect(s.ratingsByScale).toEqual({
      branches: { 'branch-classic': { strong: 1 }, 'four-level': { good: 1 } },
      members: { 'member-classic': { good: 2 }, 'four-level': { good: 2, completed: 1 } },
    });
  });

  it("counts the year's ratings and commendations as decided by asOf, each change on its own day; without asOf, as the register knows them now", () => {
    const changed = facts();
    // b2's decision of 15 January changed from good to excellent on 1 March (approved then)
    changed.branches[1].evaluation = { decisions: { 2020: { branch: { 'branch-classic': { good: { '2021-01-15': 1, '2021-03-01': -1 }, excellent: { '2021-03-01': 1 } } } } } };
    const ratings = (decidedBy?: string) => summarise(changed, 'd', 2020, '2020-12-31', decidedBy)!.ratings.branches;
    expect(ratings('2020-12-31')).toEqual({});
    expect(ratings('2021-02-01')).toEqual({ strong: 1, good: 1 });
    expect(ratings('2021-03-01')).toEqual({ strong: 1, excellent: 1 });
    expect(ratings()).toEqual({ strong: 1, excellent: 1 });
    expect(summarise(changed, 'd', 2020, '2020-12-31', '2020-12-19')!.commendations).toBe(0);
    expect(summarise(changed, 'd', 2020, '2020-12-31', '2020-12-20')!.commendations).toBe(1);
  });

  it("counts both decisions of a subject rated for two periods of one year (a school branch's calendar and school years)", () => {
    const twice = facts();
    twice.branches[1].evaluation = { decisions: { 2020: { branch: { 'four-level': { good: { '2020-12-20': 1 }, excellent: { '2020-06-10': 1 } } } } } };
    expect(summarise(twice, 'd', 2020, '2020-12-31')!.ratingsByScale.branches).toEqual({ 'branch-classic': { strong: 1 }, 'four-level': { good: 1, excellent: 1 } });
  });

  it("counts the year's admissions and Party introductions up to the day asked, none of a year that had not begun", () => {
    const counts = (day: string, year = 2020) => {
      const s = summarise(facts(), 'd', year, day)!;
      return [s.members.admittedInYear, s.party.introduced, s.party.admitted];
    };
    expect(counts('2020-03-25')).toEqual([0, 0, 0]);
    expect(counts('2020-04-10')).toEqual([2, 2, 0]);
    expect(counts('2020-12-31')).toEqual([2, 2, 1]);
    expect(counts('2019-12-31')).toEqual([0, 0, 0]);
  });

  const withTraining = (training: BranchReportDoc['training'], on = 'b1') => ({ ...facts(), branches: facts().branches.map((b) => (b._id === on ? { ...b, training } : b._id === 'b1' ? { ...b, training: undefined } : b)) });
  const completion = (year: number, completedOn: string) => ({ year, memberId: 'm1', courseId: 'c1', completedOn, recordedAt: `${completedOn}T09:00:00.000Z` });

  it('counts a secretary trained when a branch document read records a course of the year they completed', () => {
    const trainedIn2019 = summarise(withTraining({ completions: [completion(2019, '2019-06-12')] }), 'd', 2020, '2020-12-31');
    expect(trainedIn2019?.training).toMatchObject({ secretaries: 2, secretariesTrained: 0, rate: 0 });
    const trainedOnAnotherBranch = summarise(withTraining({ completions: [completion(2020, '2020-06-12')] }, 'b3'), 'd', 2020, '2020-12-31');
    expect(trainedOnAnotherBranch?.training).toMatchObject({ secretariesTrained: 1, rate: 0.5 });
  });

  it('agrees with training-compliance: enrolled without completing is not trained, nor a completion after the day asked', () => {
    // enrolled in a course of the year, outcome not-completed: a trainee entry, no completion
    const notCompleted = summarise(withTraining({ trainees: [{ year: 2020, memberId: 'm1', courseId: 'c1' }] }), 'd', 2020, '2020-12-31');
    expect(notCompleted?.training).toMatchObject({ secretaries: 2, secretariesTrained: 0, rate: 0 });
    // completed on 12 June: not yet trained on 1 June, trained on 30 June
    expect(summarise(withTraining({ completions: [completion(2020, '2020-06-12')] }), 'd', 2020, '2020-06-01')?.training.secretariesTrained).toBe(0);
    expect(summarise(withTraining({ completions: [completion(2020, '2020-06-12')] }), 'd', 2020, '2020-06-30')?.training.secretariesTrained).toBe(1);
    // a course of the next year, completed: not training of this year
    expect(summarise(withTraining({ completions: [completion(2021, '2021-01-12')] }), 'd', 2020, '2020-12-31')?.training.secretariesTrained).toBe(0);
  });

  it('counts as secretaries of the year those of residential branches who held the post at some time of it up to the day, each once', () => {
    // on 1 June both m1 and m2 were in post; a day in 2019 before m1's appointment counts nobody
    expect(summarise(facts(), 'd', 2020, '2020-06-01')?.training).toMatchObject({ secretaries: 2 });
    const notResidential = { ...facts(), branches: facts().branches.map((b) => (b._id === 'b2' ? { ...b, structure: { ...b.structure!, residential: { '2015-01-01': false } } } : b)) };
    expect(summarise(notResidential, 'd', 2020, '2020-12-31')?.training).toMatchObject({ secretaries: 1, secretariesTrained: 1, rate: 1 });
    // a year with no secretary in post: compliance's rate of 1 (nobody left untrained)
    expect(summarise(facts(), 'd', 2019, '2019-06-30')?.training).toMatchObject({ secretaries: 0, secretariesTrained: 0, rate: 1 });
  });

  it('after the reform, the province counts the moved and merged communes\' branches; a day before the branch closed, three', () => {
    expect(summarise(facts(), 'p', 2025, '2025-12-31')?.branches.total).toBe(2);
    expect(summarise(facts(), 'd', 2020, '2020-05-31')?.branches).toEqual({ total: 3, residential: 3, withoutSecretary: 1, withoutMembers: 1 });
  });
});

describe('the summary in grade order', () => {
  it('lists grades best first and the scales in their order, whatever order the decisions came in (found by a black-box probe)', () => {
    const s = { ratings: { branches: { good: 2, completed: 4, 'not-completed': 1, excellent: 4 }, members: { weak: 1, strong: 2 } }, ratingsByScale: { branches: { 'branch-classic': { weak: 1, strong: 2 }, 'four-level': { completed: 4, excellent: 4 } }, members: {} } } as unknown as UnitSummary;
    const ordered = inGradeOrder(s);
    expect(Object.keys(ordered.ratings.branches)).toEqual(['excellent', 'good', 'completed', 'not-completed']);
    expect(Object.keys(ordered.ratings.members)).toEqual(['strong', 'weak']);
    expect(Object.keys(ordered.ratingsByScale.branches)).toEqual(['four-level', 'branch-classic']);
    expect(Object.keys(ordered.ratingsByScale.branches['four-level'])).toEqual(['excellent', 'completed']);
    expect(ordered.ratings.branches).toEqual(s.ratings.branches);
  });
});

describe('whether a unit or branch stood on a day', () => {
  it('takes a missing endedOn as open, as a null one (FerretDB drops a null in $setOnInsert)', () => {
    const parents = { '2025-01-01': 'na' };
    expect([existedOn(parents, undefined, '2026-12-06'), existedOn(parents, null, '2026-12-06'), existedOn(parents, '2026-01-01', '2026-12-06'), existedOn(parents, undefined, '2024-12-31')]).toEqual([true, true, false, false]);
  });
});
