import { ConflictError, deciderSpecification, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { postsOn } from '../domain/branch-officers';
import { BranchOfficersEvent } from '@register/contracts';
import { branchOfficersDecider } from '../testing/officers-decider';
import { appointed, facts } from '../domain/fixtures';
import { fold } from '@register/event-sourcing';

const spec = deciderSpecification(branchOfficersDecider);
const rule = (name: string) => (e: RuleViolation) => e.rule === name;
const conflict = (name: string) => (e: ConflictError) => e.rule === name;

/** The rule violation a command meets, to read its message and details. */
function refused(command: ReturnType<typeof appoint>): RuleViolation {
  try {
    branchOfficersDecider.decide(command as never, branchOfficersDecider.initialState());
  } catch (error) {
    if (error instanceof RuleViolation) return error;
    throw error;
  }
  throw new Error('the command was not refused');
}

const appoint = (over: Record<string, unknown> = {}) => ({
  type: 'AppointOfficer' as const,
  branchId: 'b1',
  memberId: 'm1',
  role: 'secretary' as const,
  method: 'appointed' as const,
  source: 'teacher' as const,
  startsOn: '2024-03-01',
  branch: { status: 'active' as const, memberCount: 12, lastRating: null },
  member: facts(),
  communes: { branch: 'xa-1', member: 'xa-1' },
  ...over,
});

describe('appointments', () => {
  it('appoints an active member of the branch as secretary, recording the source', () =>
    spec
      .given([])
      .when(appoint())
      .then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]));

  it('appoints in a branch merged away after the post\'s first day (recorded already): the post ends with the merger, the member checked on its eve, not as now', () => {
    const merged = { branch: { status: 'active' as const, memberCount: 12, lastRating: null, mergedOn: '2025-03-01' }, member: facts({ branchId: 'b9' }) };
    spec
      .given([])
      .when(appoint({ ...merged, memberBeforeMerger: { branchId: 'b1', status: 'active', commune: 'xa-1' } }))
      .then([
        { type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } },
        { type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2025-03-01', cause: 'merger' }, effectiveOn: '2025-03-01' },
      ]);
    // Left the branch (or the union) before the merger: the post would have ended then, so it is not recorded as one the merger ended.
    spec.given([]).when(appoint({ ...merged, memberBeforeMerger: { branchId: 'b2', status: 'active', commune: 'xa-1' } })).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'member-not-in-branch' && e.message.includes('on 2025-02-28, the day before branch b1 was merged'));
    spec.given([]).when(appoint({ ...merged, memberBeforeMerger: { branchId: 'b1', status: 'left', commune: 'xa-1' } })).thenThrows(RuleViolation, rule('member-not-active'));
    // A post of theirs the merger ended, overlapping the new one, is a post held (a review found a secretary made deputy too).
    const heldUntilMerger: BranchOfficersEvent[] = [appointed('m1'), { type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2025-03-01', cause: 'merger' } }];
    spec.given(heldUntilMerger).when(appoint({ ...merged, role: 'deputy-secretary', startsOn: '2024-06-01', memberBeforeMerger: { branchId: 'b1', status: 'active', commune: 'xa-1' } })).thenThrows(ConflictError, conflict('member-already-officer'));
  });

  it('one secretary at a time: a second is refused with 409 secretary-post-taken', () =>
    spec.given([appointed('m0')]).when(appoint()).thenThrows(ConflictError, conflict('secretary-post-taken')));

  it('a secretary who departed leaves the post free', () =>
    spec
      .given([appointed('m0'), { type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm0', role: 'secretary', endsOn: '2024-02-01', cause: 'resigned' } }])
      .when(appoint())
      .then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]));

  it('… from the day of the departure, not before: a successor starting while the leaver still holds it is 409 secretary-post-taken', () => {
    const leaving = (endsOn: string) => [appointed('m0'), { type: 'OfficerDeparted' as const, data: { branchId: 'b1', memberId: 'm0', role: 'secretary' as const, endsOn, cause: 'away-work' as const } }];
    spec.given(leaving('2024-06-30')).when(appoint()).thenThrows(ConflictError, conflict('secretary-post-taken'));
    spec.given(leaving('2024-03-01')).when(appoint()).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]);
  });

  it('a member holds one post at a time', () =>
    spec.given([appointed('m1', 'deputy-secretary')]).when(appoint()).thenThrows(ConflictError, conflict('member-already-officer')));

  it('a branch under 9 members has at most one deputy', () =>
    spec
      .given([appointed('m0', 'deputy-secretary')])
      .when(appoint({ role: 'deputy-secretary', branch: { status: 'active', memberCount: 8, lastRating: null } }))
      .thenThrows(RuleViolation, rule('one-deputy-in-small-branch')));

  it('… counting a deputy whose departure is dated after the new one starts: the two would serve together', () => {
    const departing = (endsOn: string) => [appointed('m0', 'deputy-secretary'), { type: 'OfficerDeparted' as const, data: { branchId: 'b1', memberId: 'm0', role: 'deputy-secretary' as const, endsOn, cause: 'resigned' as const } }];
    const deputy = appoint({ role: 'deputy-secretary', branch: { status: 'active', memberCount: 5, lastRating: null } });
    spec.given(departing('2024-06-01')).when(deputy).thenThrows(RuleViolation, rule('one-deputy-in-small-branch'));
    spec.given(departing('2024-03-01')).when(deputy).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'deputy-secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]);
  });

  it('a branch of 9 or more may have a second deputy', () =>
    spec
      .given([appointed('m0', 'deputy-secretary')])
      .when(appoint({ role: 'deputy-secretary', branch: { status: 'active', memberCount: 9, lastRating: null } }))
      .then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'deputy-secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]));

  it('refuses a member who is away (member-away)', () => {
    spec.given([]).when(appoint({ member: facts({ status: 'away-work' }) })).thenThrows(RuleViolation, rule('member-away'));
    spec.given([]).when(appoint({ member: facts({ status: 'away-study' }) })).thenThrows(RuleViolation, rule('member-away'));
    // Away from a day after the post would start: the refusal says from when, as the member reads active until then.
    spec.given([]).when(appoint({ member: facts({ status: 'away-study', statusSince: '2024-09-01' }) })).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'member-away' && e.message.includes('away (away-study) from 2024-09-01'));
  });

  it('checks the member on the post\'s first day too: away, not yet in the branch or of another commune then is refused, naming the day', () => {
    const onStart = (over: Record<string, unknown>) => ({ memberOnStart: { branchId: 'b1', status: 'active', commune: 'xa-1', ...over } });
    expect(refused(appoint(onStart({ status: 'away-work' }))).message).toContain('on 2024-03-01');
    spec.given([]).when(appoint(onStart({ status: 'away-work' }))).thenThrows(RuleViolation, rule('member-away'));
    spec.given([]).when(appoint(onStart({ status: 'left' }))).thenThrows(RuleViolation, rule('member-not-active'));
    spec.given([]).when(appoint(onStart({ branchId: 'b2' }))).thenThrows(RuleViolation, rule('member-not-in-branch'));
    spec.given([]).when(appoint({ source: 'commune-administrative-branch', ...onStart({ branchId: 'b9', commune: 'xa-2' }) })).thenThrows(RuleViolation, rule('member-not-in-commune'));
    spec.given([]).when(appoint(onStart({}))).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]);
  });

  it('refuses a member who left, came of age or is unassigned', () => {
    for (const status of ['left', 'came-of-age', 'unassigned'] as const) {
      spec.given([]).when(appoint({ member: facts({ status }) })).thenThrows(RuleViolation, rule('member-not-active'));
    }
  });

  it('refuses a member of another branch, naming neither that branch nor its commune', () => {
    spec.given([]).when(appoint({ member: facts({ branchId: 'b2' }) })).thenThrows(RuleViolation, rule('member-not-in-branch'));
    const refusal = refused(appoint({ member: facts({ branchId: 'b-secret' }), communes: { branch: 'xa-1', member: 'xa-secret' } }));
    expect([refusal.rule, refusal.message.includes('b-secret'), refusal.message.includes('xa-secret'), JSON.stringify(refusal.details)]).toEqual(['member-not-in-branch', false, false, '{"memberId":"m1"}']);
  });

  it("accepts a member sent from the commune's administrative branch: a branch of the same commune", () =>
    spec
      .given([])
      .when(appoint({ member: facts({ branchId: 'admin' }), source: 'commune-administrative-branch' }))
      .then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'commune-administrative-branch' } }]));

  it("refuses a member of a residential branch of the commune as sent from the administrative branch (member-not-in-administrative-branch), now or on the post's first day", () => {
    const sent = (residentialBranches: string[]) => appoint({ member: facts({ branchId: 'b3' }), source: 'commune-administrative-branch', residentialBranches });
    spec.given([]).when(sent(['b3'])).thenThrows(RuleViolation, rule('member-not-in-administrative-branch'));
    const onStartIn = { memberOnStart: { branchId: 'b3', status: 'active' as const, commune: 'xa-1' } };
    spec.given([]).when(appoint({ member: facts({ branchId: 'admin' }), source: 'commune-administrative-branch', residentialBranches: ['b3'], ...onStartIn })).thenThrows(RuleViolation, rule('member-not-in-administrative-branch'));
    spec.given([]).when(sent([])).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'commune-administrative-branch' } }]);
  });

  it("refuses a member of another commune (or of a branch the replica does not know) as sent from the administrative branch, naming neither", () => {
    const sent = (member: string | null, branch: string | null = 'xa-1') =>
      appoint({ member: facts({ branchId: 'b-elsewhere' }), source: 'commune-administrative-branch', communes: { branch, member } });
    spec.given([]).when(sent('xa-9')).thenThrows(RuleViolation, rule('member-not-in-commune'));
    spec.given([]).when(sent(null)).thenThrows(RuleViolation, rule('member-not-in-commune'));
    spec.given([]).when(sent(null, null)).thenThrows(RuleViolation, rule('member-not-in-commune'));
    const refusal = refused(sent('xa-9'));
    expect([refusal.message.includes('b-elsewhere'), refusal.message.includes('xa-9'), JSON.stringify(refusal.details)]).toEqual([false, false, '{"memberId":"m1"}']);
  });

  it('refuses a post that starts before the member was admitted (appointment-before-admission)', () => {
    spec.given([]).when(appoint({ startsOn: '2020-03-25' })).thenThrows(RuleViolation, rule('appointment-before-admission'));
    spec.given([]).when(appoint({ startsOn: '2020-03-26' })).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2020-03-26', source: 'teacher' } }]);
  });

  it('refuses a post that starts before the branch was established (appointment-before-branch); an unknown date is not checked', () => {
    const branch = (establishedOn: string | null) => ({ status: 'active' as const, memberCount: 12, lastRating: null, establishedOn });
    spec.given([]).when(appoint({ branch: branch('2024-03-02') })).thenThrows(RuleViolation, rule('appointment-before-branch'));
    for (const establishedOn of ['2024-03-01', null]) {
      spec.given([]).when(appoint({ branch: branch(establishedOn) })).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2024-03-01', source: 'teacher' } }]);
    }
  });

  it('refuses an unknown member', () => spec.given([]).when(appoint({ member: null })).thenThrows(RuleViolation, rule('member-unknown')));
  it('404s an unknown branch, refuses a closed one', () => {
    spec.given([]).when(appoint({ branch: { status: 'unknown', memberCount: 0, lastRating: null } })).thenThrows(NotFoundError);
    spec.given([]).when(appoint({ branch: { status: 'closed', memberCount: 0, lastRating: null } })).thenThrows(RuleViolation, rule('branch-not-active'));
  });

  it('refuses a member past coming of age, unless they stay on request', () => {
    spec.given([]).when(appoint({ startsOn: '2030-05-10' })).thenThrows(RuleViolation, rule('member-past-coming-of-age'));
    spec
      .given([])
      .when(appoint({ startsOn: '2030-05-10', member: facts({ stayUntil: '2035-05-09' }) }))
      .then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'appointed', startsOn: '2030-05-10', source: 'teacher' } }]);
  });

  it('direct election of the secretary needs a last rating of good or better; unknown is allowed', () => {
    const elected = (lastRating: string | null) => appoint({ method: 'elected', branch: { status: 'active', memberCount: 12, lastRating } });
    spec.given([]).when(elected('average')).thenThrows(RuleViolation, rule('direct-election-needs-good-rating'));
    spec.given([]).when(elected('completed')).thenThrows(RuleViolation, rule('direct-election-needs-good-rating'));
    for (const grade of ['good', 'strong', 'excellent', null]) {
      spec.given([]).when(elected(grade)).then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'elected', startsOn: '2024-03-01', source: 'teacher' } }]);
    }
  });

  it('an interim officer gets a congress deadline 6 months on, or an earlier one given', () => {
    spec
      .given([])
      .when(appoint({ method: 'interim', startsOn: '2025-08-31' }))
      .then([
        { type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'interim', startsOn: '2025-08-31', source: 'teacher', congressDeadline: '2026-02-28' } },
      ]);
    spec
      .given([])
      .when(appoint({ method: 'interim', congressDeadline: '2024-06-01' }))
      .then([{ type: 'OfficerAppointed', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', method: 'interim', startsOn: '2024-03-01', source: 'teacher', congressDeadline: '2024-06-01' } }]);
  });

  it('refuses a congress deadline beyond 6 months, or on a non-interim officer', () => {
    spec.given([]).when(appoint({ method: 'interim', congressDeadline: '2024-09-02' })).thenThrows(RuleViolation, rule('congress-deadline-too-late'));
    spec.given([]).when(appoint({ congressDeadline: '2024-06-01' })).thenThrows(RuleViolation, rule('congress-deadline-only-for-interim'));
  });

  it('refuses a term that ends before it starts', () => spec.given([]).when(appoint({ termEndsOn: '2024-01-01' })).thenThrows(RuleViolation, rule('term-ends-before-start')));
});

describe('departures', () => {
  const depart = (over: Record<string, unknown> = {}) => ({ type: 'DepartOfficer' as const, branchId: 'b1', memberId: 'm0', endsOn: '2024-12-31', cause: 'resigned' as const, ...over });

  it('a secretary resigns', () =>
    spec.given([appointed('m0')]).when(depart()).then([{ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm0', role: 'secretary', endsOn: '2024-12-31', cause: 'resigned' } }]));
  it('a deputy is relieved', () =>
    spec
      .given([appointed('m0', 'deputy-secretary')])
      .when(depart({ cause: 'relieved' }))
      .then([{ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm0', role: 'deputy-secretary', endsOn: '2024-12-31', cause: 'relieved' } }]));
  it.each(['away-work', 'away-study', 'came-of-age', 'moved-up', 'unknown'] as const)('records the cause asked at departure: %s', (cause) =>
    spec.given([appointed('m0')]).when(depart({ cause })).then([{ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm0', role: 'secretary', endsOn: '2024-12-31', cause } }]));
  it('refuses someone who holds no post', () => spec.given([]).when(depart()).thenThrows(RuleViolation, rule('not-an-officer')));
  it('a reaction for someone who holds no post does nothing', () => spec.given([]).when(depart({ ifHeld: true, cause: 'merger' })).thenNothingHappens());
  it('refuses an end before the start, or on it (a post of no days, its tenure erased)', () => {
    spec.given([appointed('m0')]).when(depart({ endsOn: '2023-12-31' })).thenThrows(RuleViolation, rule('ends-before-start'));
    spec.given([appointed('m0')]).when(depart({ endsOn: '2024-01-01' })).thenThrows(RuleViolation, rule('ends-before-start'));
  });
  it('a reorganisation that closes the branch before a post starts ends the post on its first day: never held, not left open', () =>
    spec
      .given([appointed('m0')])
      .when(depart({ endsOn: '2023-12-31', ifHeld: true, cause: 'merger' }))
      .then([{ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm0', role: 'secretary', endsOn: '2024-01-01', cause: 'merger' } }]));

  it('a departure dated before the merger that ended the post, recorded after it, brings its end forward; one after the merger, or as a reorganisation, is refused', () => {
    const merged = { type: 'OfficerDeparted' as const, data: { branchId: 'b1', memberId: 'm0', role: 'secretary' as const, endsOn: '2025-03-01', cause: 'merger' as const } };
    const given = [appointed('m0', 'secretary', '2024-01-01'), merged];
    spec.given(given).when(depart({ endsOn: '2025-02-10', cause: 'came-of-age' })).then([
      { type: 'OfficerDepartureBroughtForward', data: { branchId: 'b1', memberId: 'm0', role: 'secretary', endsOn: '2025-02-10', previousEndsOn: '2025-03-01', cause: 'came-of-age' } },
    ]);
    const s = fold(branchOfficersDecider, [...given, ...branchOfficersDecider.decide(depart({ endsOn: '2025-02-10' }) as never, fold(branchOfficersDecider, given))]);
    expect([postsOn(s, '2025-02-09').map((p) => p.memberId), postsOn(s, '2025-02-10'), s.history[0].cause]).toEqual([['m0'], [], 'resigned']);
    spec.given(given).when(depart({ endsOn: '2025-03-05' })).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'not-an-officer' && e.message.includes('secretary from 2024-01-01, ended on 2025-03-01 (merger)'));
    spec.given(given).when(depart({ endsOn: '2023-06-01' })).thenThrows(RuleViolation, rule('not-an-officer'));
    // On the post's first day: a post of no days, its tenure erased (a probe's); refused.
    spec.given(given).when(depart({ endsOn: '2024-01-01' })).thenThrows(RuleViolation, rule('not-an-officer'));
    spec.given(given).when(depart({ endsOn: '2025-02-10', cause: 'split' })).thenThrows(RuleViolation, rule('not-an-officer'));
    // A post that ended by the officer's own departure is not brought forward.
    spec.given([appointed('m0', 'secretary', '2024-01-01'), { ...merged, data: { ...merged.data, cause: 'resigned' as const } }]).when(depart({ endsOn: '2025-02-10' })).thenThrows(RuleViolation, rule('not-an-officer'));
  });

  it('knows the officers as of any date', () => {
    const s = fold(branchOfficersDecider, [
      appointed('m0', 'secretary', '2022-01-01'),
      { type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm0', role: 'secretary', endsOn: '2024-01-01', cause: 'resigned' } },
      appointed('m1', 'secretary', '2024-02-01'),
    ]);
    expect(postsOn(s, '2023-06-01').map((p) => p.memberId)).toEqual(['m0']);
    expect(postsOn(s, '2024-01-15')).toEqual([]);
    expect(postsOn(s, '2024-03-01').map((p) => p.memberId)).toEqual(['m1']);
    expect(s.current.map((p) => p.memberId)).toEqual(['m1']);
  });
});
