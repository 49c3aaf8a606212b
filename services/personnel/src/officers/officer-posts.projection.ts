import { AppointmentMethod, DepartureCause, OfficerRole, OfficerSource, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';

type C = 'branches' | 'careers';

/** One post, held now or before (what a career lists, and a branch's officers now). */
export interface PostRow {
  branchId: string;
  memberId: string;
  role: OfficerRole;
  method: AppointmentMethod;
  source: OfficerSource;
  startsOn: string;
  congressDeadline: string | null;
  termEndsOn: string | null;
  endsOn: string | null;
  cause: DepartureCause | null;
}

/**
 * `officer-posts.branches`: one per branch that ever had an officer: the posts held now (in the
 * order of appointment), whether it has a secretary, and since when it has none.
 */
export interface BranchPostsDoc {
  _id: string;
  /** The posts not ended (a post starting later included): `held` takes today's from `posts`. */
  officers: PostRow[];
  /** Every post of the branch, in the order of appointment, with its end once a departure is recorded (a day later than today included). */
  posts: PostRow[];
  hasSecretary: boolean;
  everHadSecretary: boolean;
  /** The day the last secretary's post ended (the latest end of any secretary's post), or null. */
  lastSecretaryEndedOn: string | null;
  /** Without a secretary now: since `lastSecretaryEndedOn`; null while one is in post or none ever was (then: since the branch was established). */
  vacantSince: string | null;
  /** The revision of the stream `branch-officers-<branchId>` this document reflects: the ETag of `GET /branches/{id}/officers`. */
  version: number;
}

/** `officer-posts.careers`: one per member who ever held a post: every post, in any branch, in the order of appointment. */
export interface CareerDoc {
  _id: string;
  posts: PostRow[];
}

type E<T extends PersonnelEvent['type']> = RecordedEvent<Extract<PersonnelEvent, { type: T }>>;

const holds = (memberId: string, role: OfficerRole) => (p: PostRow) => p.memberId === memberId && p.role === role && p.endsOn === null;

function branchDoc(before: BranchPostsDoc | undefined, officers: PostRow[], posts: PostRow[], lastSecretaryEndedOn: string | null, version: number): Omit<BranchPostsDoc, '_id'> {
  const hasSecretary = officers.some((p) => p.role === 'secretary');
  const everHadSecretary = hasSecretary || (before?.everHadSecretary ?? false);
  return { officers, posts, hasSecretary, everHadSecretary, lastSecretaryEndedOn, vacantSince: hasSecretary ? null : lastSecretaryEndedOn, version };
}

/**
 * The posts held on `date` (started by then, not yet ended: a post ends at the start of `endsOn`).
 * The document holds every recorded post, so that a post starting or ending after today is pending
 * until its day without a write on that day: the read, not the projection, knows what today is.
 */
export const heldOn = (doc: Pick<BranchPostsDoc, 'posts'>, date: string): PostRow[] => doc.posts.filter((p) => p.startsOn <= date && (p.endsOn === null || p.endsOn > date));

/**
 * Each branch's officers now (with vacancies: the branches without a secretary and since when),
 * and each officer's career. One projection, so that a branch's posts and its officers' careers
 * always stand at the same log position. Both documents are replaced whole from what the earlier
 * events left (reads through the reader): an event writes each document once.
 */
export const officerPostsProjection = defineProjection<PersonnelEvent, C>({
  name: 'officer-posts',
  // 2: every post of a branch is kept (posts), for the posts held on a day.
  // 3: causes as OfficerDeparted 2 reads them (version 1's `resigned` is `unknown`).
  version: 3,
  collections: {
    branches: { indexes: [{ key: { hasSecretary: 1 } }] },
    careers: {},
  },
  handlers: {
    OfficerAppointed: async (e: E<'OfficerAppointed'>, reader) => {
      const { branchId, memberId, role, method, source, startsOn } = e.data;
      const post: PostRow = { branchId, memberId, role, method, source, startsOn, congressDeadline: e.data.congressDeadline ?? null, termEndsOn: e.data.termEndsOn ?? null, endsOn: null, cause: null };
      const branch = (await reader.read('branches', branchId)) as BranchPostsDoc | undefined;
      const career = (await reader.read('careers', memberId)) as CareerDoc | undefined;
      return [
        op.replace('branches', branchId, branchDoc(branch, [...(branch?.officers ?? []), post], [...(branch?.posts ?? []), post], branch?.lastSecretaryEndedOn ?? null, e.revision)),
        op.replace('careers', memberId, { posts: [...(career?.posts ?? []), post] }),
      ];
    },
    OfficerDeparted: async (e: E<'OfficerDeparted'>, reader) => {
      const { branchId, memberId, role, endsOn, cause } = e.data;
      const branch = (await reader.read('branches', branchId)) as BranchPostsDoc | undefined;
      const career = (await reader.read('careers', memberId)) as CareerDoc | undefined;
      const held = holds(memberId, role);
      const lastEnd = role === 'secretary' && (branch?.officers ?? []).some(held) ? [branch?.lastSecretaryEndedOn ?? '', endsOn].sort().pop()! : (branch?.lastSecretaryEndedOn ?? null);
      const posts = (branch?.posts ?? []).map((p) => (held(p) ? { ...p, endsOn, cause } : p));
      const ops = [op.replace<C>('branches', branchId, branchDoc(branch, (branch?.officers ?? []).filter((p) => !held(p)), posts, lastEnd, e.revision))];
      const ended = (p: PostRow) => p.branchId === branchId && held(p);
      if (career?.posts.some(ended)) ops.push(op.replace<C>('careers', memberId, { posts: career.posts.map((p) => (ended(p) ? { ...p, endsOn, cause } : p)) }));
      return ops;
    },
    // The post a reorganisation ended ended earlier: its end moves back, and so may the branch's last secretary's.
    OfficerDepartureBroughtForward: async (e: E<'OfficerDepartureBroughtForward'>, reader) => {
      const { branchId, memberId, role, endsOn, previousEndsOn, cause } = e.data;
      const branch = (await reader.read('branches', branchId)) as BranchPostsDoc | undefined;
      const career = (await reader.read('careers', memberId)) as CareerDoc | undefined;
      const ended = (p: PostRow) => p.branchId === branchId && p.memberId === memberId && p.role === role && p.endsOn === previousEndsOn;
      const shorten = (p: PostRow) => (ended(p) ? { ...p, endsOn, cause } : p);
      const posts = (branch?.posts ?? []).map(shorten);
      const lastEnd = posts.filter((p) => p.role === 'secretary' && p.endsOn !== null).map((p) => p.endsOn!).sort().pop() ?? null;
      const ops = [op.replace<C>('branches', branchId, branchDoc(branch, branch?.officers ?? [], posts, lastEnd, e.revision))];
      if (career?.posts.some(ended)) ops.push(op.replace<C>('careers', memberId, { posts: career.posts.map(shorten) }));
      return ops;
    },
  },
});

/** A career as the API shows it: the posts oldest first (by start, then appointment order). */
export const careerPosts = (career: CareerDoc | undefined): PostRow[] => [...(career?.posts ?? [])].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
