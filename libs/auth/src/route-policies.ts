// The route table: every route of the API, who may call it, and what in the tree it touches.
import { calendarDayOf } from '@register/event-sourcing';
import { Role } from './roles';

/**
 * What a write touches in the tree: a unit, a branch, a member (checked where their home branch
 * is now), or the top of the tree (no parent). `strictlyInside`: only from above (a unit's own
 * officers do not reach it; a branch's, or a member's branch's, own secretary does not).
 * `present`: a read of today, placed as a write's targets are (see authorise: a place closed by
 * today is the open unit's that took it over); `on`: a read of a past day, placed so when the place
 * was closed by that day (a roster of a day after the closure is not the closed place's to read).
 * `placedOn`: a past day whose tree places it (a rating of a past year: the units its branch stood
 * under then, not after a move). `postWithin`: a member placed by the branch of the last post they
 * held in that period (an officer's rating: its post's branch decides it, not the one they moved to).
 */
/** A period in which a member's post is looked for (an officer's rating's year). */
export type PostPeriod = { from: string; to: string };

export type Target = { kind: 'unit' | 'branch' | 'member'; id: string; strictlyInside?: boolean; present?: boolean; on?: string; placedOn?: string; postWithin?: PostPeriod } | { kind: 'root' };

export interface RouteRequest {
  params: Record<string, string | undefined>;
  body: unknown;
  query?: unknown;
  /** Today (YYYY-MM-DD), by the register's clock: a read of a day to come is placed by it. */
  today?: string;
}

export interface RoutePolicy {
  /** GET also answers HEAD, authorised exactly as the GET; no route names any other method. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route as Nest declares it, below /api/v1 (e.g. `/units/:id/moves`). */
  path: string;
  action: string;
  /** Roles that may perform the action besides central-admin (subject to scope). */
  roles: Role[];
  /**
   * A read any authenticated caller may make (OPEN_READS): the union's structure, posts, counts;
   * none of them shows members' personal data. No allow entry, no scope.
   */
  open?: boolean;
  /** The units and branches the command touches; absent fields the validation pipe will refuse are left out. */
  targets?: (request: RouteRequest) => Target[];
  /** An upload: the body is multipart/form-data (a file), not a JSON object; its targets come from the path and query. */
  multipart?: true;
  /** A POST that takes no required input: sent with no body at all (or an empty JSON one), it runs as with `{}`. */
  bodyOptional?: true;
}

/**
 * Input the gateway refuses before any look-up: an id in a body, path or query that is not an id,
 * or a list of ids longer than its DTO accepts (a body with 28,000 ids must not become 28,000
 * look-ups in the tree).
 */
export class MalformedTarget extends Error {
  constructor(
    readonly field: string,
    message = `${field} must be an id: letters, digits, _ . : - (at most 100)`,
    readonly rule: 'id' | 'arrayMaxSize' = 'id',
  ) {
    super(message);
    this.name = 'MalformedTarget';
  }
}

/**
 * How many ids of one list a request may name: the DTOs' @ArrayMaxSize (organisation's
 * reorganisation.dto.ts and unit-merger.dto.ts; test/gateway/openapi-route-policies.test.ts checks that they agree).
 * Checked before the first look-up, whoever calls.
 */
export const TARGET_LIST_LIMITS = {
  /** BranchMergerRequest.sourceBranchIds */
  sourceBranchIds: 100,
  /** BranchSplitRequest.parts */
  parts: 20,
  /** BranchSplitRequest.into (api.md's word for parts) */
  into: 20,
  /** UnitMergerRequest.sourceUnitIds */
  sourceUnitIds: 50,
  /** Training's EnrolRequest.memberIds (services/training/src/courses/courses.dto.ts MAX_PARTICIPANTS) */
  memberIds: 500,
  /** Personnel's AdmitMembersRequest.members (services/personnel/src/admission-batches/admission-batches.dto.ts MAX_ADMISSIONS_PER_BATCH) */
  members: 500,
  /** Personnel's ChangeStatusesRequest.changes (services/personnel/src/status-change-batches/status-change-batches.dto.ts MAX_STATUS_CHANGES_PER_BATCH) */
  changes: 1000,
  /** Evaluation's RecordRatingsRequest.ratings (services/evaluation/src/rating-batches/rating-batches.dto.ts MAX_RATINGS_PER_BATCH) */
  ratings: 1000,
} as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
function idAt(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ID.test(value)) throw new MalformedTarget(field);
  return value;
}
/** A list the DTO caps at `max`: refused whole when longer, before any of its ids is looked at. */
function listAt(value: unknown, field: keyof typeof TARGET_LIST_LIMITS): unknown[] {
  if (!Array.isArray(value)) return [];
  const max = TARGET_LIST_LIMITS[field];
  if (value.length > max) throw new MalformedTarget(field, `${field} must contain no more than ${max} elements`, 'arrayMaxSize');
  return value;
}
const unit = (id: string | undefined, strictlyInside = false): Target[] => (id === undefined ? [] : [{ kind: 'unit', id, strictlyInside }]);
const branch = (id: string | undefined): Target[] => (id === undefined ? [] : [{ kind: 'branch', id }]);
/** A member where their home branch is today, or on `on` (a past day: their branch's then). */
const member = (id: string | undefined, on?: string): Target[] => (id === undefined ? [] : [{ kind: 'member', id, ...(on === undefined ? {} : { on }) }]);
const pathId = (r: RouteRequest) => idAt(r.params.id, 'id');
const body = (r: RouteRequest) => obj(r.body);
const query = (r: RouteRequest) => obj(r.query);
/**
 * A list of members: one branch's (branchId), a unit's subtree (unitId), or the whole register's
 * (neither: central administrators, auditors, unscoped keys). Both given, both must be in scope
 * (the service then refuses the pair with 400).
 */
const branchOrRegister = (r: RouteRequest): Target[] => {
  const { branchId, unitId, asOf, knownAt } = query(r);
  // A roster of a day to come names members who are not there yet (a transfer dated next month):
  // the register's to read, as the member's own read places them where they are today.
  if ((branchId === undefined && unitId === undefined) || isLaterDay(asOf, r.today)) return [{ kind: 'root' }];
  const targets = [...branch(idAt(branchId, 'branchId')), ...unit(idAt(unitId, 'unitId'))];
  // A roster of a unit or branch closed by the day the register's knowledge is read at (today, or
  // knownAt's, or an instant asOf's) is the open unit's that holds its members now: its own officers
  // read its rosters as known before its closure, not with the names and numbers corrected since
  // (two probes read them through today's roster, then yesterday's, then one of a day it was open).
  const knownBy = typeof knownAt === 'string' ? knownAt : typeof asOf === 'string' && asOf.length > 10 ? asOf : undefined;
  const on = knownBy !== undefined && isEarlierDay(knownBy, r.today) ? dayOfAsOf(knownBy) : r.today;
  return targets.map((t) => (on === undefined ? { ...t, present: true } : { ...t, on }));
};

/** `asOf` (a day, or an instant) falls before `today`. */
const isEarlierDay = (asOf: unknown, today: string | undefined) => typeof asOf === 'string' && today !== undefined && dayOfAsOf(asOf) < today;

/** The UTC day of `asOf` (a day, or an instant with its zone), as the services read it (asOfDay). */
const dayOfAsOf = (asOf: string) => {
  const at = asOf.length > 10 ? Date.parse(asOf) : Number.NaN;
  return Number.isNaN(at) ? asOf.slice(0, 10) : calendarDayOf(at);
};

/** `asOf` (a day, or an instant) falls after `today`. */
const isLaterDay = (asOf: unknown, today: string | undefined) => typeof asOf === 'string' && today !== undefined && dayOfAsOf(asOf) > today;

/** Who reads ratings, within their scope (auditors everywhere). */
const RATING_READERS: Role[] = ['unit-officer', 'branch-secretary', 'system-integrator', 'auditor'];

/**
 * Whom a rating concerns: a branch, or a member (a member's or an officer's rating), checked where
 * they are now, or on `on` (a past day: where they were then). `above`: only the level above may
 * act (not the branch's own secretary); a member's decision is their branch's.
 */
function ratingTargets(subjectType: unknown, subjectId: string | undefined, above: boolean, on?: string, period?: PostPeriod): Target[] {
  if (subjectId === undefined) return [];
  if (subjectType === 'branch') return [{ kind: 'branch', id: subjectId, strictlyInside: above, ...(on === undefined ? {} : { placedOn: on }) }];
  // An officer's rating is the post's: its branch's units decide it, though the member moved on since (a probe found the commune they joined deciding it).
  if (subjectType === 'officer') return [{ kind: 'member', id: subjectId, strictlyInside: above, ...(on === undefined ? {} : { on }), ...(period === undefined ? {} : { postWithin: period }) }];
  return subjectType === 'member' ? member(subjectId, on) : [];
}

/**
 * The past day a rating of a period is placed by, as evaluation places it: its effective day
 * (today without one) within the period (a calendar year, or the school year from September of
 * `year`). Undefined for today or later, which is today's place: a member rated for a year spent in
 * a commune they have since left is that commune's to rate (a probe found the one they joined
 * deciding it, and the one they left refused).
 */
function ratingDay(year: unknown, period: unknown, effectiveDate: unknown, today: string | undefined): string | undefined {
  const days = periodOf(year, period);
  if (!days || today === undefined) return undefined;
  const { from, to } = days;
  return pastDay(typeof effectiveDate === 'string' ? clampDay(effectiveDate, from, to) : to < today ? to : clampDay(today, from, to), today);
}

/** A rating's period as days: a calendar year, or the school year from September of `year`; undefined for a malformed year. */
function periodOf(year: unknown, period: unknown): PostPeriod | undefined {
  const y = typeof year === 'number' ? year : typeof year === 'string' && /^\d{4}$/.test(year) ? Number(year) : Number.NaN;
  if (!Number.isInteger(y)) return undefined;
  return period === 'school' ? { from: `${y}-09-01`, to: `${y + 1}-08-31` } : { from: `${y}-01-01`, to: `${y}-12-31` };
}

const clampDay = (day: string, from: string, to: string) => (day < from ? from : day > to ? to : day);

/** A well-formed day before today, else undefined (today's place; a malformed day is the service's to refuse). */
const pastDay = (day: unknown, today: string | undefined): string | undefined =>
  typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && today !== undefined && day < today ? day : undefined;

/** A rating's id names its subject and period (`branch.2020.b-1`, `member.2024-2025.m-7`: see services/evaluation/src/domain/periods.ts); changes are the level above's. */
function ratedSubject(ratingId: unknown, field: string, today: string | undefined): Target[] {
  const m = /^(branch|member|officer)\.(\d{4})(-\d{4})?\.(.+)$/.exec(typeof ratingId === 'string' ? ratingId : '');
  const period = m ? (m[3] ? 'school' : 'calendar') : undefined;
  return m ? ratingTargets(m[1], idAt(m[4], field), true, ratingDay(m[2], period, undefined, today), periodOf(m[2], period)) : [];
}

/** Who reads courses and compliance, within their scope (auditors everywhere). */
const TRAINING_READERS: Role[] = ['unit-officer', 'system-integrator', 'auditor'];

/** Everyone who may read members' personal data, within their scope; a system key needs member.read. */
const MEMBER_READERS: Role[] = ['unit-officer', 'branch-secretary', 'system-integrator', 'auditor'];

/**
 * Reads any authenticated caller may make, explicitly: none shows a member's name, birth date or
 * contacts (a branch's officers are member ids and posts; the reports are branches and counts).
 * A read that is not here and not in ROUTE_POLICIES below is refused (deny by default).
 */
export const OPEN_READS = [
  '/units/:id',
  '/units/:id/tree',
  '/units/:id/lineage',
  '/branches',
  '/branches/:id',
  '/branches/:id/lineage',
  '/branches/:id/officers',
  '/branches/:id/mentors',
  '/personnel-reports/vacancies',
  '/personnel-reports/overdue-interim-officers',
  '/personnel-reports/secretaries-by-source',
] as const;

/**
 * Every route of the API, with who may call it and how to find what it touches. A method and path
 * not in this table is refused, to every caller (deny by default).
 */
export const ROUTE_POLICIES: RoutePolicy[] = [
  // units
  {
    method: 'POST', path: '/units', action: 'unit.establish', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const parent = body(r).parentId;
      return parent === undefined || parent === null ? [{ kind: 'root' }] : unit(idAt(parent, 'parentId'));
    },
  },
  { method: 'POST', path: '/units/:id/moves', action: 'unit.move', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...unit(pathId(r), true), ...unit(idAt(body(r).toParentId, 'toParentId'))] },
  { method: 'POST', path: '/units/:id/renames', action: 'unit.rename', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(pathId(r)) },
  { method: 'POST', path: '/units/:id/dissolution', action: 'unit.dissolve', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(pathId(r), true) },
  // branches
  { method: 'POST', path: '/branches', action: 'branch.establish', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(idAt(body(r).parentUnitId, 'parentUnitId')) },
  { method: 'POST', path: '/branches/:id/moves', action: 'branch.move', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...branch(pathId(r)), ...unit(idAt(body(r).toUnitId, 'toUnitId'))] },
  { method: 'POST', path: '/branches/:id/renames', action: 'branch.rename', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  { method: 'POST', path: '/branches/:id/dissolution', action: 'branch.dissolve', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  // reorganisation
  {
    method: 'POST', path: '/branch-mergers', action: 'branch.merge', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const b = body(r);
      const sources = listAt(b.sourceBranchIds, 'sourceBranchIds').flatMap((id, i) => branch(idAt(id, `sourceBranchIds.${i}`)));
      const into = obj(b.into);
      return [...sources, ...branch(idAt(into.branchId, 'into.branchId')), ...unit(idAt(into.parentUnitId, 'into.parentUnitId'))];
    },
  },
  {
    method: 'POST', path: '/branch-splits', action: 'branch.split', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const b = body(r);
      // api.md's words stand for the DTO's (sourceBranchIds for sourceBranchId, into for parts): both are scoped.
      const parts = (['parts', 'into'] as const).flatMap((key) => listAt(b[key], key).flatMap((p, i) => unit(idAt(obj(p).parentUnitId, `${key}.${i}.parentUnitId`))));
      const sources = listAt(b.sourceBranchIds, 'sourceBranchIds').flatMap((id, i) => branch(idAt(id, `sourceBranchIds.${i}`)));
      return [...branch(idAt(b.sourceBranchId, 'sourceBranchId')), ...sources, ...parts];
    },
  },
  // Communes or provinces merge: decided by the level above every source (strictly above: a
  // commune's officers do not merge their own commune away), inside the caller's scope.
  {
    method: 'POST', path: '/unit-mergers', action: 'unit.merge', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const b = body(r);
      const sources = listAt(b.sourceUnitIds, 'sourceUnitIds').flatMap((id, i) => unit(idAt(id, `sourceUnitIds.${i}`), true));
      const into = obj(b.into);
      return [...sources, ...unit(idAt(into.unitId, 'into.unitId')), ...unit(idAt(into.parentId, 'into.parentId'))];
    },
  },
  // members (personnel): admissions and transfers are the level above's; a branch secretary
  // records what happens in their own branch (away and back, introductions to the Party).
  { method: 'POST', path: '/members', action: 'member.admit', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(idAt(body(r).branchId, 'branchId')) },
  // A batch of admissions: every item's branch must be the caller's to admit into, as each would be alone.
  { method: 'POST', path: '/admission-batches', action: 'member.admit', roles: ['unit-officer', 'system-integrator'], targets: (r) => listAt(body(r).members, 'members').flatMap((item, k) => branch(idAt(obj(item).branchId, `members.${k}.branchId`))) },
  { method: 'POST', path: '/members/:id/transfers', action: 'member.transfer', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...member(pathId(r)), ...branch(idAt(body(r).toBranchId, 'toBranchId'))] },
  { method: 'POST', path: '/members/:id/status-changes', action: 'member.change-status', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => member(pathId(r)) },
  // A batch of status changes (a yearly review): every item's member must be the caller's to change, as each would be alone.
  {
    method: 'POST', path: '/status-change-batches', action: 'member.change-status', roles: ['unit-officer', 'branch-secretary', 'system-integrator'],
    targets: (r) => listAt(body(r).changes, 'changes').flatMap((item, k) => member(idAt(obj(item).memberId, `changes.${k}.memberId`))),
  },
  {
    method: 'POST', path: '/members/:id/residential-affiliations', action: 'member.affiliate', roles: ['unit-officer', 'branch-secretary', 'system-integrator'],
    targets: (r) => [...member(pathId(r)), ...branch(idAt(body(r).branchId ?? undefined, 'branchId'))],
  },
  { method: 'POST', path: '/members/:id/party-introductions', action: 'member.introduce-to-party', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => member(pathId(r)) },
  { method: 'POST', path: '/members/:id/party-introduction-outcomes', action: 'member.record-party-outcome', roles: ['unit-officer', 'system-integrator'], targets: (r) => member(pathId(r)) },
  // Bulk admission into a unit's subtree (each row's branch is looked for there, by id or name); an
  // import's id begins with its unit's id (`<unitId>:<hex>`), so its progress (which names the rows'
  // applicants) is read within that scope, as the member lists are.
  { method: 'POST', path: '/member-imports', action: 'member.admit', roles: ['unit-officer', 'system-integrator'], multipart: true, targets: (r) => (query(r).unitId === undefined ? [{ kind: 'root' }] : unit(idAt(query(r).unitId, 'unitId'))) },
  { method: 'GET', path: '/member-imports/:id', action: 'member.read', roles: ['unit-officer', 'system-integrator', 'auditor'], targets: (r) => unit(idAt(pathId(r)?.replace(/:[^:]*$/, ''), 'id')) },
  // Corrections of personal data: the officers who admit, and the systems that keep members' records.
  { method: 'POST', path: '/members/:id/personal-data-corrections', action: 'member.correct-personal-data', roles: ['unit-officer', 'system-integrator'], targets: (r) => member(pathId(r)) },
  // Erasure under the personal-data law: an officer of the level above, never a system key.
  { method: 'POST', path: '/members/:id/personal-data-erasure', action: 'member.erase-personal-data', roles: ['unit-officer'], targets: (r) => member(pathId(r)) },
  // branch officers (personnel)
  // The appointee is checked where they are now, as the branch is: a member outside the caller's
  // subtree is not made an officer inside it, whatever the source (commune-administrative-branch
  // included); an unknown member is refused the same way, so the answer tells nothing of either.
  { method: 'POST', path: '/branches/:id/officer-appointments', action: 'officer.appoint', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...branch(pathId(r)), ...member(idAt(body(r).memberId, 'memberId'))] },
  { method: 'POST', path: '/branches/:id/officer-departures', action: 'officer.depart', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  // reads of members' personal data (Law 91/2025): within the caller's scope; auditors read all;
  // a system key needs member.read. A list without branchId spans the whole register.
  ...['/members/:id', '/members/:id/history', '/members/:id/career', '/members/:id/personal-data-reads', '/members/:id/placement'].map(
    (path): RoutePolicy => ({ method: 'GET', path, action: 'member.read', roles: MEMBER_READERS, targets: (r) => member(pathId(r)) }),
  ),
  // The lists show names: one branch's (branchId) or one unit's subtree (unitId) within scope, the whole register's otherwise.
  ...['/members', '/personnel-reports/members-away', '/personnel-reports/unassigned-members'].map(
    (path): RoutePolicy => ({ method: 'GET', path, action: 'member.read', roles: MEMBER_READERS, targets: branchOrRegister }),
  ),
  // evaluation: a self-assessment by the subject's own branch, a decision (and any change of it, four
  // eyes) by the level above: strictly above a branch or an officer, so that a branch's secretary
  // never decides their own branch's rating; a member's branch decides the member's.
  { method: 'POST', path: '/ratings', action: 'rating.record', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => ratingTargets(body(r).subjectType, idAt(body(r).subjectId, 'subjectId'), body(r).stage === 'decision', ratingDay(body(r).year, body(r).period, body(r).effectiveDate, r.today), periodOf(body(r).year, body(r).period)) },
  // A batch of ratings: every item's subject must be the caller's to rate, as each would be alone.
  {
    method: 'POST', path: '/rating-batches', action: 'rating.record', roles: ['unit-officer', 'branch-secretary', 'system-integrator'],
    targets: (r) =>
      listAt(body(r).ratings, 'ratings').flatMap((item, k) =>
        ratingTargets(obj(item).subjectType, idAt(obj(item).subjectId, `ratings.${k}.subjectId`), obj(item).stage === 'decision', ratingDay(obj(item).year, obj(item).period, body(r).effectiveDate, r.today), periodOf(obj(item).year, obj(item).period)),
      ),
  },
  { method: 'POST', path: '/rating-changes', action: 'rating.change', roles: ['unit-officer', 'system-integrator'], targets: (r) => ratedSubject(body(r).ratingId, 'ratingId', r.today) },
  ...['/rating-changes/:id/approval', '/rating-changes/:id/rejection'].map(
    (path): RoutePolicy => ({ method: 'POST', path, action: 'rating.change', roles: ['unit-officer', 'system-integrator'], targets: (r) => ratedSubject(idAt(r.params.id, 'id')?.replace(/^c\d+\./, ''), 'id', r.today) }),
  ),
  { method: 'GET', path: '/ratings', action: 'rating.read', roles: RATING_READERS, targets: (r) => (query(r).unitId === undefined ? [{ kind: 'root' }] : unit(idAt(query(r).unitId, 'unitId'))) },
  { method: 'GET', path: '/ratings/:subjectType/:subjectId', action: 'rating.read', roles: RATING_READERS, targets: (r) => ratingTargets(r.params.subjectType, idAt(r.params.subjectId, 'subjectId'), false, ratingDay(query(r).year, query(r).period, undefined, r.today), periodOf(query(r).year, query(r).period)) },
  // commendations and support visits: decided by a unit above the subject, within the caller's scope
  {
    method: 'POST', path: '/commendations', action: 'commendation.issue', roles: ['unit-officer', 'system-integrator'],
    // The subject where they were on the commendation's day, as evaluation checks the issuer against.
    targets: (r) => [...unit(idAt(body(r).issuedByUnitId, 'issuedByUnitId')), ...ratingTargets(body(r).subjectType, idAt(body(r).subjectId, 'subjectId'), false, pastDay(body(r).effectiveDate, r.today))],
  },
  { method: 'POST', path: '/support-visits', action: 'support-visit.record', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...unit(idAt(body(r).byUnitId, 'byUnitId')), ...member(idAt(body(r).memberId, 'memberId'), pastDay(body(r).visitedOn, r.today))] },
  // Listed by a unit's subtree, or by one subject (a member's visits, a subject's commendations) placed as a read of them is; the whole register's otherwise.
  {
    method: 'GET', path: '/commendations', action: 'rating.read', roles: RATING_READERS,
    targets: (r) => {
      if (query(r).unitId !== undefined) return unit(idAt(query(r).unitId, 'unitId'));
      const subject = ratingTargets(query(r).subjectType, idAt(query(r).subjectId, 'subjectId'), false);
      return subject.length > 0 ? subject : [{ kind: 'root' }];
    },
  },
  {
    method: 'GET', path: '/support-visits', action: 'rating.read', roles: RATING_READERS,
    targets: (r) => (query(r).unitId !== undefined ? unit(idAt(query(r).unitId, 'unitId')) : query(r).memberId !== undefined ? member(idAt(query(r).memberId, 'memberId')) : [{ kind: 'root' }]),
  },
  // training: a unit officer runs the courses its subtree organises and enrols its subtree's members.
  // Which unit organises a course is the training service's fact: for commands on a course (and its
  // read) the service checks the organiser against the caller's scope (TrainingScope), 403 outside it.
  { method: 'POST', path: '/training-courses', action: 'training.schedule', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(idAt(body(r).organiserUnitId, 'organiserUnitId')) },
  {
    method: 'POST', path: '/training-courses/:id/enrolments', action: 'training.enrol', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => listAt(body(r).memberIds, 'memberIds').flatMap((id, i) => member(idAt(id, `memberIds.${i}`))),
  },
  ...['/training-courses/:id/attendance', '/training-courses/:id/completion', '/training-courses/:id/cancellation'].map(
    (path): RoutePolicy => ({ method: 'POST', path, action: 'training.run', roles: ['unit-officer', 'system-integrator'] }),
  ),
  { method: 'GET', path: '/training-courses', action: 'training.read', roles: TRAINING_READERS, targets: (r) => (query(r).organiserUnitId === undefined ? [{ kind: 'root' }] : unit(idAt(query(r).organiserUnitId, 'organiserUnitId'))) },
  { method: 'GET', path: '/training-courses/:id', action: 'training.read', roles: TRAINING_READERS },
  // One member's courses: a branch secretary reads their branch's members (their own record among them).
  { method: 'GET', path: '/training-records', action: 'training.read', roles: MEMBER_READERS, targets: (r) => member(idAt(query(r).memberId, 'memberId')) },
  { method: 'GET', path: '/training-compliance', action: 'training.read', roles: TRAINING_READERS, targets: (r) => unit(idAt(query(r).unitId, 'unitId')) },
  // competitions: announced by a unit (in scope), entered by its subtree's members; results on the
  // competition's organiser, which the service checks. Mentors: a branch and a mentor, both in scope;
  // ending an assignment is checked by the service on the assignment's branch.
  { method: 'POST', path: '/competitions', action: 'training.competition.announce', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(idAt(body(r).organiserUnitId, 'organiserUnitId')) },
  {
    method: 'POST', path: '/competitions/:id/entries', action: 'training.competition.enter', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => listAt(body(r).memberIds, 'memberIds').flatMap((id, i) => member(idAt(id, `memberIds.${i}`))),
  },
  { method: 'POST', path: '/competitions/:id/results', action: 'training.competition.award', roles: ['unit-officer', 'system-integrator'] },
  { method: 'GET', path: '/competitions', action: 'training.read', roles: TRAINING_READERS, targets: (r) => (query(r).organiserUnitId === undefined ? [{ kind: 'root' }] : unit(idAt(query(r).organiserUnitId, 'organiserUnitId'))) },
  { method: 'GET', path: '/competitions/:id', action: 'training.read', roles: TRAINING_READERS },
  { method: 'POST', path: '/mentor-assignments', action: 'training.mentor.assign', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...branch(idAt(body(r).branchId, 'branchId')), ...member(idAt(body(r).mentorMemberId, 'mentorMemberId'))] },
  { method: 'POST', path: '/mentor-assignments/:id/ending', action: 'training.mentor.end', roles: ['unit-officer', 'system-integrator'] },
  // reports: figures of a unit's subtree (no names), for its officers and systems within scope, auditors everywhere
  { method: 'GET', path: '/reports/units/:id/summary', action: 'report.read', roles: ['unit-officer', 'system-integrator', 'auditor'], targets: (r) => unit(pathId(r)) },
  { method: 'GET', path: '/reports/units/:id/secretary-turnover', action: 'report.read', roles: ['unit-officer', 'system-integrator', 'auditor'], targets: (r) => unit(pathId(r)) },
  // audit: auditors and central administrators only
  { method: 'GET', path: '/audit/events', action: 'audit.read', roles: ['auditor'] },
  { method: 'GET', path: '/audit/entities/:type/:id/history', action: 'audit.read', roles: ['auditor'] },
  // the logs' proof of integrity: verification reads every log, so auditors (and central administrators)
  { method: 'POST', path: '/audit/verifications', action: 'audit.read', roles: ['auditor'], bodyOptional: true },
  { method: 'GET', path: '/audit/checkpoints', action: 'audit.read', roles: ['auditor'] },
  { method: 'GET', path: '/audit/logs/:service/events/:position/proof', action: 'audit.read', roles: ['auditor'] },
  { method: 'GET', path: '/audit/exports', action: 'audit.read', roles: ['auditor'] },
  // the structure, posts and counts: any authenticated caller
  ...OPEN_READS.map((path): RoutePolicy => ({ method: 'GET', path, action: 'register.read', roles: [], open: true })),
];

const byRoute = new Map(ROUTE_POLICIES.map((p) => [`${p.method} ${p.path}`, p]));

/** HEAD is a GET without its body: the same route, authorised exactly as the GET. */
const verbOf = (method: string) => {
  const verb = method.toUpperCase();
  return verb === 'HEAD' ? 'GET' : verb;
};

/** The policy of a declared route (`/units/:id/moves`); HEAD finds the GET's. */
/** Every action a route names: what `allow` of a token or an API key may list. */
export const KNOWN_ACTIONS: readonly string[] = [...new Set(ROUTE_POLICIES.map((p) => p.action))].sort();

/** The roles that may perform an action on some route (central administrators may do every one; an open read, any caller). */
export function rolesOfAction(action: string): Role[] | 'any' {
  const policies = ROUTE_POLICIES.filter((p) => p.action === action);
  if (policies.some((p) => p.open)) return 'any';
  return [...new Set<Role>(['central-admin', ...policies.flatMap((p) => p.roles)])];
}

export function policyOf(method: string, path: string): RoutePolicy | undefined {
  return byRoute.get(`${verbOf(method)} ${path}`);
}

/** The methods a declared route answers, for a 405's Allow header: GET brings HEAD. */
export function methodsOf(path: string): string[] {
  const methods = ROUTE_POLICIES.filter((p) => p.path === path).map((p) => p.method as string);
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}

// Static routes before those with parameters, so that `/members/:id` never shadows a fixed path.
const patterns = ROUTE_POLICIES.map((p) => ({
  policy: p,
  names: [...p.path.matchAll(/:(\w+)/g)].map((m) => m[1]),
  regex: new RegExp(`^${p.path.replace(/:\w+/g, '([^/]+)')}$`),
})).sort((a, b) => a.names.length - b.names.length);

/**
 * For a gateway that forwards requests it does not route itself: the declared route of a concrete
 * path (`/units/xa-1/moves` → `/units/:id/moves`) with its parameters, when the table has one for
 * this method (HEAD: the GET's).
 */
export function matchRoute(method: string, path: string): { route: string; params: Record<string, string> } | undefined {
  const verb = verbOf(method);
  const found = match(path, (p) => p.method === verb);
  return found && { route: found.policy.path, params: found.params };
}

/** The declared route a concrete path is, whatever the method: a request with another method is a 405, not a 404. */
export function declaredRouteOf(path: string): string | undefined {
  return match(path, () => true)?.policy.path;
}

function match(path: string, accept: (p: RoutePolicy) => boolean): { policy: RoutePolicy; params: Record<string, string> } | undefined {
  for (const { policy, names, regex } of patterns) {
    if (!accept(policy)) continue;
    const m = regex.exec(path);
    if (!m) continue;
    try {
      return { policy, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
