import { ConflictError, deciderSpecification, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent, MemberStatus } from '@register/contracts';
import { admitted, huong } from '../domain/fixtures';
import { memberDecider } from '../testing/member-decider';
import { pastComingOfAge } from '../domain/rules';

const spec = deciderSpecification(memberDecider);
const rule = (name: string) => (e: RuleViolation) => e.rule === name;
const admit = (over: Record<string, unknown> = {}) => ({
  type: 'AdmitMember' as const,
  memberId: 'm1',
  branchId: 'b1',
  branchStatus: 'active' as const,
  personal: huong,
  admittedOn: '2020-03-26',
  today: '2026-12-06',
  ...over,
});
const status = (memberId: string, s: MemberStatus, previous: MemberStatus, on: string, branchId = 'b1'): MemberEvent => ({
  type: 'MemberStatusChanged',
  data: { memberId, branchId, status: s, previousStatus: previous, changedOn: on },
});

describe('admission', () => {
  it('admits an applicant of 19 into an active branch, with the decision and the introducer', () =>
    spec
      .given([])
      .when(admit({ decision: { number: '12-QĐ/ĐTN' }, introducerId: 'm0' }))
      .then([{ type: 'MemberAdmitted', data: { memberId: 'm1', branchId: 'b1', admittedOn: '2020-03-26', decision: { number: '12-QĐ/ĐTN' }, introducerId: 'm0', personal: huong } }]));

  it('admits on the 16th birthday and up to the day before the 31st', () => {
    spec.given([]).when(admit({ admittedOn: '2016-05-10' })).then([admitted('m1', 'b1', huong, '2016-05-10')]);
    spec.given([]).when(admit({ admittedOn: '2031-05-09' })).then([admitted('m1', 'b1', huong, '2031-05-09')]);
  });

  it('refuses an applicant born after the admission day, saying so rather than giving a negative age', () =>
    spec.given([]).when(admit({ admittedOn: '2020-03-26', personal: { ...huong, dateOfBirth: '2021-01-01' } })).thenThrows(RuleViolation, (e) => e.rule === 'admission-age' && e.message.includes('born on 2021-01-01, after the admission')));
  it('refuses a date of birth to come, a typo that would make a pending member of someone admitted in 2200 (day-not-come, naming the field)', () =>
    spec
      .given([])
      .when(admit({ admittedOn: '2200-01-01', personal: { ...huong, dateOfBirth: '2180-01-01' } }))
      .thenThrows(RuleViolation, (e) => e.rule === 'day-not-come' && e.details.field === 'dateOfBirth'));
  it('refuses an applicant under 16', () => spec.given([]).when(admit({ admittedOn: '2016-05-09' })).thenThrows(RuleViolation, rule('admission-age')));
  it('refuses an applicant over 30', () => spec.given([]).when(admit({ admittedOn: '2031-05-10' })).thenThrows(RuleViolation, rule('admission-age')));
  it('refuses a second admission of the same id', () => spec.given([admitted()]).when(admit()).thenThrows(ConflictError, (e) => e.rule === 'member-id-taken'));
  it('refuses a branch the replica does not know', () => spec.given([]).when(admit({ branchStatus: 'unknown' })).thenThrows(RuleViolation, rule('branch-unknown')));
  it('refuses a closed branch', () => spec.given([]).when(admit({ branchStatus: 'closed' })).thenThrows(RuleViolation, rule('branch-not-active')));
  it('records consent to the processing of personal data with its purposes', () =>
    spec
      .given([])
      .when(admit({ consent: { givenOn: '2020-03-20', purposes: ['membership-register'] } }))
      .then([{ type: 'MemberAdmitted', data: { memberId: 'm1', branchId: 'b1', admittedOn: '2020-03-26', consent: { givenOn: '2020-03-20', purposes: ['membership-register'] }, personal: huong } }]));
  it('refuses consent without a purpose', () =>
    spec.given([]).when(admit({ consent: { givenOn: '2020-03-20', purposes: [] } })).thenThrows(RuleViolation, rule('consent-needs-a-purpose')));
  it('takes effect on admittedOn or later, never before it (effective-before-admission)', () => {
    spec.given([]).when(admit({ admittedOn: '2020-03-26', effectiveOn: '2020-03-25' })).thenThrows(RuleViolation, rule('effective-before-admission'));
    spec.given([]).when(admit({ admittedOn: '2020-03-26', effectiveOn: '2020-03-26' })).then([admitted('m1', 'b1', huong, '2020-03-26')]);
    spec.given([]).when(admit({ admittedOn: '2020-03-26', effectiveOn: '2025-01-01' })).then([admitted('m1', 'b1', huong, '2020-03-26')]);
  });
  it('refuses an applicant introducing themselves', () => spec.given([]).when(admit({ introducerId: 'm1' })).thenThrows(RuleViolation, rule('introducer-is-applicant')));
  it('refuses an introducer the register does not know, or who was not in the union on the admission day (found by a black-box probe)', () => {
    spec.given([]).when(admit({ introducerId: 'khong-ton-tai', introducer: null })).thenThrows(RuleViolation, rule('introducer-unknown'));
    spec.given([]).when(admit({ introducerId: 'm0', introducer: { inUnion: false } })).thenThrows(RuleViolation, rule('introducer-not-a-member'));
    spec.given([]).when(admit({ introducerId: 'm0', introducer: { inUnion: true } })).then([{ type: 'MemberAdmitted', data: { memberId: 'm1', branchId: 'b1', admittedOn: '2020-03-26', introducerId: 'm0', personal: huong } }]);
  });
});

const transfer = (over: Record<string, unknown> = {}) => ({
  type: 'TransferMember' as const,
  memberId: 'm1',
  toBranchId: 'b2',
  toBranchStatus: 'active' as const,
  transferredOn: '2024-06-15',
  duesSettledUpTo: '2024-06-30',
  cause: 'transfer' as const,
  ...over,
});

describe('transfer', () => {
  it('moves a member to another branch with dues settled', () =>
    spec
      .given([admitted()])
      .when(transfer())
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: '2024-06-30', cause: 'transfer' } }]));
  it('records a transfer that does not say how far dues are settled (api.md names only toBranchId)', () =>
    spec
      .given([admitted()])
      .when(transfer({ duesSettledUpTo: undefined }))
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'transfer' } }]));
  it('refuses unsettled dues', () => spec.given([admitted()]).when(transfer({ duesSettledUpTo: '2024-04-30' })).thenThrows(RuleViolation, rule('dues-not-settled')));
  it('refuses a transfer to the same branch', () => spec.given([admitted()]).when(transfer({ toBranchId: 'b1' })).thenThrows(RuleViolation, rule('transfer-to-same-branch')));
  it('refuses an unknown or closed target', () => {
    spec.given([admitted()]).when(transfer({ toBranchStatus: 'unknown' })).thenThrows(RuleViolation, rule('target-branch-unknown'));
    spec.given([admitted()]).when(transfer({ toBranchStatus: 'closed' })).thenThrows(RuleViolation, rule('branch-not-active'));
  });
  it('refuses a member who left', () =>
    spec.given([admitted(), status('m1', 'left', 'active', '2023-01-01')]).when(transfer()).thenThrows(RuleViolation, rule('member-not-in-union')));
  it('404s an unknown member', () => spec.given([]).when(transfer()).thenThrows(NotFoundError));
  it('refuses a member who holds a post in the branch they leave (member-holds-post), naming it; a post elsewhere does not hold them', () => {
    spec.given([admitted()]).when(transfer({ postsHeld: [{ branchId: 'b1', role: 'deputy-secretary' }] })).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'member-holds-post' && e.message.includes('deputy-secretary of branch b1'));
    spec
      .given([admitted()])
      .when(transfer({ postsHeld: [{ branchId: 'b7', role: 'secretary' }] }))
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: '2024-06-30', cause: 'transfer' } }]);
  });
  it('a merger recorded late moves a member who left the union after its day (the branch was theirs then), and nobody who left on or before it', () => {
    const merger = transfer({ cause: 'merger', fromBranchId: 'b1', duesSettledUpTo: undefined });
    spec
      .given([admitted(), status('m1', 'came-of-age', 'active', '2024-10-15')])
      .when(merger)
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'merger' } }]);
    spec.given([admitted(), status('m1', 'left', 'active', '2024-06-15')]).when(merger).thenNothingHappens();
  });
  it('a merger moves the member once; replayed, it does nothing', () => {
    const merger = transfer({ cause: 'merger', fromBranchId: 'b1', duesSettledUpTo: '2024-06-15' });
    spec
      .given([admitted()])
      .when(merger)
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: '2024-06-15', cause: 'merger' } }]);
    spec.given([admitted(), { type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: '2024-06-15', cause: 'merger' } }]).when(merger).thenNothingHappens();
  });
  it('refuses a transfer dated before the member arrived in their branch (dated-before-last-transfer); a reorganisation dated so moves them on the day they arrived', () => {
    const arrived = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'transfer' as const } };
    spec.given([admitted(), arrived]).when(transfer({ toBranchId: 'b3', transferredOn: '2024-01-01', duesSettledUpTo: undefined })).thenThrows(RuleViolation, rule('dated-before-last-transfer'));
    spec
      .given([admitted(), arrived])
      .when(transfer({ toBranchId: 'b3', transferredOn: '2024-01-01', cause: 'merger', fromBranchId: 'b2', duesSettledUpTo: undefined }))
      // effectiveOn: the event takes effect on the day they arrived, so a fold of a day between keeps them where they were.
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b2', toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'merger' }, effectiveOn: '2024-06-15' }]);
  });
  it('a transfer dated before a merger recorded already takes the merger\'s move back and transfers from the branch the member was in that day; one before a transfer of their own is still refused', () => {
    const merged = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b5', transferredOn: '2024-09-01', duesSettledUpTo: null, cause: 'merger' as const } };
    spec
      .given([admitted(), merged])
      .when(transfer({ toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: undefined }))
      .then([
        { type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'transfer' } },
        { type: 'MemberMoveTakenBack', data: { memberId: 'm1', fromBranchId: 'b5', toBranchId: 'b3', movedOn: '2024-09-01', leftOn: '2024-06-15', cause: 'merger' }, effectiveOn: '2024-09-01' },
      ]);
    // Folded, the member is in b3 from the transfer's day, and never was in b5.
    const [transferred, takenBack] = memberDecider.decide(transfer({ toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: undefined }), [admitted(), merged].reduce(memberDecider.evolve, memberDecider.initialState()));
    const folded = [admitted(), merged, transferred, takenBack].reduce(memberDecider.evolve, memberDecider.initialState());
    expect([folded.branchId, folded.branches.map((b) => `${b.branchId}@${b.since}`)]).toEqual(['b3', ['b1@2020-03-26', 'b3@2024-06-15']]);
    // Back to the branch they were in that day: the same branch. A post held there that day refuses it, as in any transfer.
    spec.given([admitted(), merged]).when(transfer({ toBranchId: 'b1', transferredOn: '2024-06-15', duesSettledUpTo: undefined })).thenThrows(RuleViolation, rule('transfer-to-same-branch'));
    spec.given([admitted(), merged]).when(transfer({ toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: undefined, postsHeld: [{ branchId: 'b1', role: 'secretary', until: '2024-09-01' }] })).thenThrows(RuleViolation, rule('member-holds-post'));
    const own = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b5', toBranchId: 'b6', transferredOn: '2024-10-01', duesSettledUpTo: null, cause: 'transfer' as const } };
    spec.given([admitted(), merged, own]).when(transfer({ toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: undefined })).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'dated-before-last-transfer' && e.message.includes('transferred to branch b6 on 2024-10-01'));
  });
  it('a transfer into a branch merged away after its day (the merger recorded already) is taken, and the member moves with the merger, and the next one, on their days', () => {
    const mergers = [{ on: '2024-09-01', intoBranchId: 'b5' }, { on: '2025-07-01', intoBranchId: 'b9' }];
    const moved = (from: string, to: string, on: string): MemberEvent => ({ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: from, toBranchId: to, transferredOn: on, duesSettledUpTo: null, cause: 'merger' }, effectiveOn: on });
    spec
      .given([admitted()])
      .when(transfer({ toBranchId: 'b3', toBranchMergers: mergers, duesSettledUpTo: undefined }))
      .then([
        { type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'transfer' } },
        moved('b3', 'b5', '2024-09-01'),
        moved('b5', 'b9', '2025-07-01'),
      ]);
    // Both branches went into one successor by the same merger, which moved the member from b1 already: that move is taken back, and made again from b3.
    const fromB1 = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b5', transferredOn: '2024-09-01', duesSettledUpTo: null, cause: 'merger' as const } };
    const command = transfer({ toBranchId: 'b3', toBranchMergers: mergers.slice(0, 1), duesSettledUpTo: undefined });
    spec.given([admitted(), fromB1]).when(command).then([
      { type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2024-06-15', duesSettledUpTo: null, cause: 'transfer' } },
      { type: 'MemberMoveTakenBack', data: { memberId: 'm1', fromBranchId: 'b5', toBranchId: 'b3', movedOn: '2024-09-01', leftOn: '2024-06-15', cause: 'merger' }, effectiveOn: '2024-09-01' },
      moved('b3', 'b5', '2024-09-01'),
    ]);
    const start = [admitted(), fromB1].reduce(memberDecider.evolve, memberDecider.initialState());
    const folded = memberDecider.decide(command, start).reduce(memberDecider.evolve, start);
    expect([folded.branchId, folded.branches.map((b) => `${b.branchId}@${b.since}`)]).toEqual(['b5', ['b1@2020-03-26', 'b3@2024-06-15', 'b5@2024-09-01']]);
  });

  it('refuses an admission into a branch merged away after its day when it is in force only on or after the merger (a probe\'s landed in the closed branch)', () =>
    spec
      .given([])
      .when(admit({ admittedOn: '2024-02-01', effectiveOn: '2024-09-05', branchMergers: [{ on: '2024-09-01', intoBranchId: 'b5' }] }))
      .thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'branch-not-active' && e.details.field === 'effectiveDate' && e.message.includes('merged into b5 on 2024-09-01')));

  it('an admission into a branch merged away after its day is taken, the member moving with the merger on its day', () =>
    spec
      .given([])
      .when(admit({ branchMergers: [{ on: '2024-09-01', intoBranchId: 'b5' }] }))
      .then([
        admitted('m1', 'b1', huong, '2020-03-26'),
        { type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b5', transferredOn: '2024-09-01', duesSettledUpTo: null, cause: 'merger' }, effectiveOn: '2024-09-01' },
      ]));

  it('a merger dated before a pending admission (recorded before it, dated after it) moves the member on the day they are admitted; a transfer so dated is refused', () => {
    spec
      .given([admitted()])
      .when(transfer({ toBranchId: 'b3', transferredOn: '2020-01-01', cause: 'merger', fromBranchId: 'b1', duesSettledUpTo: undefined }))
      .then([{ type: 'MemberTransferred', data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2020-03-26', duesSettledUpTo: null, cause: 'merger' }, effectiveOn: '2020-03-26' }]);
    spec.given([admitted()]).when(transfer({ toBranchId: 'b3', transferredOn: '2020-01-01', duesSettledUpTo: undefined })).thenThrows(RuleViolation, rule('transfer-before-admission'));
  });
  it('an unassigned member becomes active again in the new branch', () => {
    const s = memberDecider.evolve(memberDecider.evolve(memberDecider.initialState(), admitted()), status('m1', 'unassigned', 'active', '2024-01-01'));
    const after = memberDecider.evolve(s, memberDecider.decide(transfer(), s)[0]);
    expect(after).toMatchObject({ status: 'active', branchId: 'b2' });
    expect(after.branches.map((b) => b.branchId)).toEqual(['b1', 'b2']);
  });
});

const change = (s: string, on = '2024-06-01') => ({ type: 'ChangeMemberStatus' as const, memberId: 'm1', status: s as 'active', on });

describe('status changes', () => {
  it('marks a member away for work, and back', () => {
    spec.given([admitted()]).when(change('away-work')).then([status('m1', 'away-work', 'active', '2024-06-01')]);
    spec.given([admitted(), status('m1', 'away-work', 'active', '2024-06-01')]).when(change('active', '2024-09-01')).then([status('m1', 'active', 'away-work', '2024-09-01')]);
  });
  it('does not bring back as active a member who came of age while away (member-past-coming-of-age); a stay lets them back until it ends', () => {
    const away = status('m1', 'away-work', 'active', '2029-06-01');
    spec.given([admitted(), away]).when(change('active', '2030-05-10')).thenThrows(RuleViolation, rule('member-past-coming-of-age'));
    spec.given([admitted(), away]).when(change('active', '2030-05-09')).then([status('m1', 'active', 'away-work', '2030-05-09')]);
    const stay = { type: 'MemberStayExtended' as const, data: { memberId: 'm1', requestedOn: '2030-04-01', until: '2035-05-09' } };
    spec.given([admitted(), away, stay]).when(change('active', '2031-01-01')).then([status('m1', 'active', 'away-work', '2031-01-01')]);
    spec.given([admitted(), away, stay]).when(change('active', '2035-05-10')).thenThrows(RuleViolation, rule('member-past-coming-of-age'));
  });
  it('marks a member away for study', () => spec.given([admitted()]).when(change('away-study')).then([status('m1', 'away-study', 'active', '2024-06-01')]));
  it('refuses "back" for a member who is not away (unassigned)', () =>
    spec.given([admitted(), status('m1', 'unassigned', 'active', '2024-01-01')]).when(change('active')).thenThrows(RuleViolation, rule('member-not-away')));
  it('"back" for an active member does nothing', () => spec.given([admitted()]).when(change('active')).thenNothingHappens());
  it('a repeated change does nothing', () => spec.given([admitted(), status('m1', 'away-work', 'active', '2024-06-01')]).when(change('away-work')).thenNothingHappens());
  it('a member comes of age at 30', () => spec.given([admitted()]).when(change('came-of-age', '2030-05-10')).then([status('m1', 'came-of-age', 'active', '2030-05-10')]));
  it('refuses coming of age before 30', () => spec.given([admitted()]).when(change('came-of-age', '2030-05-09')).thenThrows(RuleViolation, rule('not-yet-of-age')));
  it('refuses a change dated before a leaving recorded already, saying the day they left (a probe read today\'s words alone)', () => {
    const left = [admitted(), status('m1', 'left', 'active', '2025-05-10')];
    spec.given(left).when(change('away-work', '2025-04-20')).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'member-not-in-union' && e.message.includes('(left since 2025-05-10): a change dated 2025-04-20, before that day'));
    spec.given(left).when(change('away-work', '2025-06-01')).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'member-not-in-union' && e.message.endsWith('(left since 2025-05-10)'));
  });
  it('records a member who left, and refuses changes afterwards', () => {
    spec.given([admitted()]).when(change('left')).then([status('m1', 'left', 'active', '2024-06-01')]);
    spec.given([admitted(), status('m1', 'left', 'active', '2024-06-01')]).when(change('away-work')).thenThrows(RuleViolation, rule('member-not-in-union'));
  });
  it('refuses the leaving or the coming of age of a member who holds a post in their branch until they leave it (officers stay in the union while in post)', () => {
    const holding = { postsHeld: [{ branchId: 'b1', role: 'secretary' as const }] };
    spec.given([admitted()]).when({ ...change('left'), ...holding }).thenThrows(RuleViolation, rule('member-holds-post'));
    spec.given([admitted()]).when({ ...change('left'), postsHeld: [{ branchId: 'b9', role: 'secretary' as const }] }).then([status('m1', 'left', 'active', '2024-06-01')]);
    spec.given([admitted()]).when({ ...change('came-of-age', '2030-05-10'), ...holding }).thenThrows(RuleViolation, rule('member-holds-post'));
    spec.given([admitted()]).when({ ...change('came-of-age', '2030-05-10'), postsHeld: [] }).then([status('m1', 'came-of-age', 'active', '2030-05-10')]);
  });
  it('refuses a change dated while the member held a post that a merger has since ended, in the branch the merger moved them out of', () => {
    const merged = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b5', transferredOn: '2025-08-01', duesSettledUpTo: null, cause: 'merger' as const } };
    const heldInB1 = { postsHeld: [{ branchId: 'b1', role: 'secretary' as const, until: '2025-08-01' }] };
    spec.given([admitted(), merged]).when({ ...change('away-work', '2025-06-01'), ...heldInB1 }).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'member-holds-post' && e.message.includes('secretary of branch b1 until 2025-08-01'));
    spec.given([admitted(), merged]).when({ ...change('away-work', '2025-08-01'), postsHeld: [] }).then([{ type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b5', status: 'away-work', previousStatus: 'active', changedOn: '2025-08-01' } }]);
  });
  it('refuses a change dated before the last one (dated-before-last-status-change): it would be folded after it', () => {
    spec.given([admitted(), status('m1', 'away-work', 'active', '2022-01-01')]).when(change('active', '2021-06-01')).thenThrows(RuleViolation, rule('dated-before-last-status-change'));
    spec.given([admitted(), status('m1', 'away-work', 'active', '2022-01-01')]).when(change('active', '2022-01-01')).then([{ type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b1', status: 'active', previousStatus: 'away-work', changedOn: '2022-01-01' } }]);
  });
  it('refuses leaving the union dated before the member\'s last transfer (dated-before-last-transfer), takes back the reorganisation moves after it; going away before either is no contradiction', () => {
    const moved = (cause: 'transfer' | 'merger') => ({ type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2023-01-01', duesSettledUpTo: null, cause } });
    spec.given([admitted(), moved('transfer')]).when(change('left', '2021-01-01')).thenThrows(RuleViolation, rule('dated-before-last-transfer'));
    spec.given([admitted(), moved('transfer')]).when(change('left', '2023-01-01')).then([{ type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b3', status: 'left', previousStatus: 'active', changedOn: '2023-01-01' } }]);
    // A merger's move recorded already: leaving before it takes the move back, from the branch they were in (a probe found it taken in the successor, then refused).
    spec.given([admitted(), moved('merger')]).when(change('left', '2022-06-01')).then([
      { type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b1', status: 'left', previousStatus: 'active', changedOn: '2022-06-01' } },
      { type: 'MemberMoveTakenBack', data: { memberId: 'm1', fromBranchId: 'b3', toBranchId: 'b1', movedOn: '2023-01-01', leftOn: '2022-06-01', cause: 'merger' }, effectiveOn: '2023-01-01' },
    ]);
    // Two moves after it (a merger, then a split of the successor): both taken back, the latest first; a transfer of their own after it is still refused.
    const split = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b3', toBranchId: 'b4', transferredOn: '2024-01-01', duesSettledUpTo: null, cause: 'split' as const } };
    spec.given([admitted(), moved('merger'), split]).when(change('left', '2022-06-01')).then([
      { type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b1', status: 'left', previousStatus: 'active', changedOn: '2022-06-01' } },
      { type: 'MemberMoveTakenBack', data: { memberId: 'm1', fromBranchId: 'b4', toBranchId: 'b3', movedOn: '2024-01-01', leftOn: '2022-06-01', cause: 'split' }, effectiveOn: '2024-01-01' },
      { type: 'MemberMoveTakenBack', data: { memberId: 'm1', fromBranchId: 'b3', toBranchId: 'b1', movedOn: '2023-01-01', leftOn: '2022-06-01', cause: 'merger' }, effectiveOn: '2023-01-01' },
    ]);
    const own = { type: 'MemberTransferred' as const, data: { memberId: 'm1', fromBranchId: 'b3', toBranchId: 'b6', transferredOn: '2024-01-01', duesSettledUpTo: null, cause: 'transfer' as const } };
    spec.given([admitted(), moved('merger'), own]).when(change('left', '2022-06-01')).thenThrows(RuleViolation, rule('dated-before-last-transfer'));
    spec.given([admitted(), moved('merger')]).when(change('away-work', '2022-06-01')).then([{ type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b3', status: 'away-work', previousStatus: 'active', changedOn: '2022-06-01' } }]);
    // Going away before a transfer (one dated ahead, recorded already) is no contradiction.
    spec.given([admitted(), moved('transfer')]).when(change('away-work', '2022-06-01')).then([{ type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b3', status: 'away-work', previousStatus: 'active', changedOn: '2022-06-01' } }]);
  });
  it('refuses a change dated before admission', () => spec.given([admitted()]).when(change('left', '2019-01-01')).thenThrows(RuleViolation, rule('status-change-before-admission')));
  it('lets a member of 30 stay on request until the day before 35', () =>
    spec.given([admitted()]).when({ type: 'ExtendStay', memberId: 'm1', on: '2030-04-01' }).then([{ type: 'MemberStayExtended', data: { memberId: 'm1', requestedOn: '2030-04-01', until: '2035-05-09' } }]));
  it('refuses a stay at 35 or far before 30', () => {
    spec.given([admitted()]).when({ type: 'ExtendStay', memberId: 'm1', on: '2035-05-10' }).thenThrows(RuleViolation, rule('stay-beyond-35'));
    spec.given([admitted()]).when({ type: 'ExtendStay', memberId: 'm1', on: '2025-05-10' }).thenThrows(RuleViolation, rule('stay-request-too-early'));
  });
  it('a member past 30 without a stay is past coming of age; with one, not until it ends', () => {
    expect(pastComingOfAge('2000-05-10', null, '2030-05-09')).toBe(false);
    expect(pastComingOfAge('2000-05-10', null, '2030-05-10')).toBe(true);
    expect(pastComingOfAge('2000-05-10', '2035-05-09', '2033-01-01')).toBe(false);
    expect(pastComingOfAge(null, null, '2050-01-01')).toBe(false);
  });
  it('a dissolved branch leaves its members unassigned, once', () => {
    const unassign = { type: 'MarkUnassigned' as const, memberId: 'm1', fromBranchId: 'b1', on: '2025-07-01' };
    spec.given([admitted()]).when(unassign).then([status('m1', 'unassigned', 'active', '2025-07-01')]);
    spec.given([admitted(), status('m1', 'unassigned', 'active', '2025-07-01')]).when(unassign).thenNothingHappens();
    spec.given([admitted()]).when({ ...unassign, fromBranchId: 'b9' }).thenNothingHappens();
  });
});

describe('erasure of personal data', () => {
  const erase = { type: 'EraseMemberPersonalData' as const, memberId: 'm1', on: '2026-02-01', today: '2026-02-01' };
  it('records the erasure once; the member keeps their history without personal data', () => {
    spec.given([admitted()]).when(erase).then([{ type: 'MemberPersonalDataErased', data: { memberId: 'm1', erasedOn: '2026-02-01' } }]);
    spec.given([admitted(), { type: 'MemberPersonalDataErased', data: { memberId: 'm1', erasedOn: '2026-02-01' } }]).when(erase).thenNothingHappens();
    const s = [admitted(), { type: 'MemberPersonalDataErased', data: { memberId: 'm1', erasedOn: '2026-02-01' } } as MemberEvent].reduce(memberDecider.evolve, memberDecider.initialState());
    expect(s).toMatchObject({ exists: true, personal: null, erased: true, branchId: 'b1' });
  });
  it('404s an unknown member', () => spec.given([]).when(erase).thenThrows(NotFoundError));
  it('refuses a day after today (it takes effect when recorded) or before the admission', () => {
    spec.given([admitted()]).when({ ...erase, on: '2026-02-02' }).thenThrows(RuleViolation, (e) => e.rule === 'erasure-dated-later');
    spec.given([admitted()]).when({ ...erase, on: '2010-01-01' }).thenThrows(RuleViolation, (e) => e.rule === 'effective-before-admission');
  });
});

describe('introduction to the Party', () => {
  const introduce = { type: 'IntroduceToParty' as const, memberId: 'm1', on: '2025-05-19' };
  const introduced: MemberEvent = { type: 'MemberIntroducedToParty', data: { memberId: 'm1', introducedOn: '2025-05-19' } };
  const outcome = (o: 'admitted' | 'not-admitted', on = '2025-12-22') => ({ type: 'RecordPartyOutcome' as const, memberId: 'm1', outcome: o, on });

  it('introduces an active member, then records that the Party admitted them', () => {
    spec.given([admitted()]).when(introduce).then([introduced]);
    spec.given([admitted(), introduced]).when(outcome('admitted')).then([{ type: 'MemberPartyOutcomeRecorded', data: { memberId: 'm1', outcome: 'admitted', decidedOn: '2025-12-22' } }]);
  });
  it('refuses a second introduction while one is pending (409), and one after admission (422)', () => {
    spec.given([admitted(), introduced]).when(introduce).thenThrows(ConflictError, (e) => e.rule === 'introduction-open');
    spec
      .given([admitted(), introduced, { type: 'MemberPartyOutcomeRecorded', data: { memberId: 'm1', outcome: 'admitted', decidedOn: '2025-12-22' } }])
      .when(introduce)
      .thenThrows(RuleViolation, rule('already-party-member'));
  });
  it('may introduce again after a refusal', () =>
    spec.given([admitted(), introduced, { type: 'MemberPartyOutcomeRecorded', data: { memberId: 'm1', outcome: 'not-admitted', decidedOn: '2025-12-22' } }]).when({ ...introduce, on: '2026-05-19' }).then([
      { type: 'MemberIntroducedToParty', data: { memberId: 'm1', introducedOn: '2026-05-19' } },
    ]));
  it('refuses an introduction dated before the admission, or before the last introduction\'s outcome', () => {
    spec.given([admitted()]).when({ ...introduce, on: '2019-01-01' }).thenThrows(RuleViolation, rule('introduction-before-admission'));
    const refused: MemberEvent = { type: 'MemberPartyOutcomeRecorded', data: { memberId: 'm1', outcome: 'not-admitted', decidedOn: '2025-12-22' } };
    spec.given([admitted(), introduced, refused]).when({ ...introduce, on: '2024-01-01' }).thenThrows(RuleViolation, rule('introduction-before-last-outcome'));
    spec.given([admitted(), introduced, refused]).when({ ...introduce, on: '2025-12-22' }).then([{ type: 'MemberIntroducedToParty', data: { memberId: 'm1', introducedOn: '2025-12-22' } }]);
  });
  it('refuses an introduction or an outcome dated after the day it is recorded (day-not-come)', () => {
    spec.given([admitted()]).when({ ...introduce, today: '2025-05-18' }).thenThrows(RuleViolation, (e) => e.rule === 'day-not-come' && e.details.field === 'effectiveDate');
    spec.given([admitted()]).when({ ...introduce, today: '2025-05-19' }).then([introduced]);
    spec.given([admitted(), introduced]).when({ ...outcome('admitted'), today: '2025-12-21' }).thenThrows(RuleViolation, rule('day-not-come'));
  });
  it('refuses an outcome without an introduction, or dated before it', () => {
    spec.given([admitted()]).when(outcome('admitted')).thenThrows(RuleViolation, rule('no-open-introduction'));
    spec.given([admitted(), introduced]).when(outcome('admitted', '2025-01-01')).thenThrows(RuleViolation, rule('outcome-before-introduction'));
  });
  it('refuses to introduce a member who left', () =>
    spec.given([admitted(), status('m1', 'left', 'active', '2024-01-01')]).when(introduce).thenThrows(RuleViolation, rule('member-not-active')));
});

describe('residential affiliation', () => {
  const affiliate = (branchId: string | null, branchStatus: 'active' | 'closed' | 'unknown' = 'active') => ({ type: 'SetResidentialAffiliation' as const, memberId: 'm1', branchId, branchStatus, on: '2025-01-01' });
  it('a member working elsewhere also takes part where they live; the affiliation can end', () => {
    spec.given([admitted()]).when(affiliate('b7')).then([{ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: 'b7', since: '2025-01-01' } }]);
    spec
      .given([admitted(), { type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: 'b7', since: '2025-01-01' } }])
      .when(affiliate(null))
      .then([{ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: null, since: '2025-01-01' } }]);
  });
  it('refuses a change dated before the last one, which would be folded after it and be today\'s (a probe found the earlier one shown today)', () => {
    const set = { type: 'MemberResidentialAffiliationSet' as const, data: { memberId: 'm1', branchId: 'b7', since: '2025-01-01' } };
    spec.given([admitted(), set]).when({ ...affiliate('b8'), on: '2024-06-01' }).thenThrows(RuleViolation, rule('dated-before-last-affiliation'));
    spec.given([admitted(), set]).when({ ...affiliate('b8'), on: '2025-01-01' }).then([{ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: 'b8', since: '2025-01-01' } }]);
  });
  it('refuses the home branch, or a closed or unknown branch', () => {
    spec.given([admitted()]).when(affiliate('b1')).thenThrows(RuleViolation, rule('affiliation-is-home-branch'));
    spec.given([admitted()]).when(affiliate('b7', 'closed')).thenThrows(RuleViolation, rule('branch-not-active'));
    spec.given([admitted()]).when(affiliate('b7', 'unknown')).thenThrows(RuleViolation, rule('branch-unknown'));
  });
  it('follows a reorganisation of its branch: to the successor, to none where that is the home branch, on the last change\'s day when recorded late; nothing for one not affiliated', () => {
    const set = { type: 'MemberResidentialAffiliationSet' as const, data: { memberId: 'm1', branchId: 'b7', since: '2025-01-01' } };
    const follow = (branchId: string | null, on = '2025-07-01') => ({ ...affiliate(branchId), on, followsReorganisation: true });
    spec.given([admitted(), set]).when(follow('b9')).then([{ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: 'b9', since: '2025-07-01' } }]);
    spec.given([admitted(), set]).when(follow('b1')).then([{ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: null, since: '2025-07-01' } }]);
    spec.given([admitted(), set]).when(follow(null, '2024-01-01')).then([{ type: 'MemberResidentialAffiliationSet', data: { memberId: 'm1', branchId: null, since: '2025-01-01' } }]);
    spec.given([admitted()]).when(follow('b1')).thenNothingHappens();
  });
});
