/**
 * The evaluation service's published events (topic `register.evaluation.events`), version 1:
 * yearly ratings (đánh giá, xếp loại) of branches, members and officers, their changes (four
 * eyes), commendations and support visits. Who, why, under which decision and when sit in each
 * event's metadata (actor, reason, decision, effectiveDate; recordedAt from the log). Other services
 * depend on these shapes: change them only by adding a new version and an upcaster.
 */
import { DomainEvent } from '@register/event-sourcing';

export const EVALUATION_TOPIC = 'register.evaluation.events';

export const RATING_SUBJECTS = ['branch', 'member', 'officer'] as const;
export type RatingSubject = (typeof RATING_SUBJECTS)[number];

/** Calendar year, or school year (September to August) for school branches. */
export const RATING_PERIODS = ['calendar', 'school'] as const;
export type RatingPeriod = (typeof RATING_PERIODS)[number];

export const RATING_STAGES = ['self-assessment', 'decision'] as const;
export type RatingStage = (typeof RATING_STAGES)[number];

/** four-level from 2023; the classic scales before (branches and members apart). */
export const RATING_SCALES = {
  'four-level': ['excellent', 'good', 'completed', 'not-completed'],
  'branch-classic': ['strong', 'good', 'average', 'weak'],
  'member-classic': ['excellent', 'good', 'average', 'weak'],
} as const;
export type RatingScale = keyof typeof RATING_SCALES;
export const SCALE_NAMES = Object.keys(RATING_SCALES) as RatingScale[];
/** Every grade of every scale. */
export const ALL_GRADES = [...new Set(Object.values(RATING_SCALES).flat())] as string[];
/** The first year rated on four levels. */
export const FOUR_LEVEL_FROM = 2023;

/** The grades good or better, on any scale (a branch so rated may elect its secretary directly). */
export const GOOD_OR_BETTER_GRADES = ['excellent', 'strong', 'good'] as const;

/** One stream per subject and period: the rating, its stages and its changes. */
export const ratingStream = (ratingId: string) => `rating-${ratingId}`;

/** Where the subject sat when rated: its branch and that branch's units, nearest first. */
export interface RatingPlacement {
  branchId: string | null;
  unitIds: string[];
}

interface RatingFacts {
  ratingId: string;
  subjectType: RatingSubject;
  subjectId: string;
  year: number;
  period: RatingPeriod;
  /** `2020`, or `2024-2025` for a school year. */
  periodKey: string;
  scale: RatingScale;
  grade: string;
  placement: RatingPlacement;
}

export type RatingSelfAssessed = DomainEvent<'RatingSelfAssessed', RatingFacts>;
export type RatingDecided = DomainEvent<'RatingDecided', RatingFacts>;
/** Whose rating a change concerns, so that other services apply it without the rating's earlier events. */
interface ChangeFacts {
  ratingId: string;
  changeId: string;
  subjectType: RatingSubject;
  subjectId: string;
  year: number;
  scale: RatingScale;
  fromGrade: string;
  toGrade: string;
  proposedBy: string;
}

export type RatingChangeProposed = DomainEvent<'RatingChangeProposed', ChangeFacts>;
export type RatingChangeApproved = DomainEvent<'RatingChangeApproved', ChangeFacts & { approvedBy: string }>;
export type RatingChangeRejected = DomainEvent<'RatingChangeRejected', ChangeFacts & { rejectedBy: string }>;

export type RatingEvent = RatingSelfAssessed | RatingDecided | RatingChangeProposed | RatingChangeApproved | RatingChangeRejected;

export const COMMENDATION_OCCASIONS = ['founding-day', 'year-end', 'competition', 'other'] as const;
export type CommendationOccasion = (typeof COMMENDATION_OCCASIONS)[number];

export const commendationStream = (commendationId: string) => `commendation-${commendationId}`;
export const supportVisitStream = (visitId: string) => `support-visit-${visitId}`;

/**
 * Tuyên dương, khen thưởng. `awardRef` cites a competition award from training's events,
 * `<competitionId>:<memberId>` (see `awardRefOf`), and `award` keeps that award's text (version 2;
 * version 1 took `awardRef` as free text and reads with `award: null`).
 */
export type CommendationIssued = DomainEvent<
  'CommendationIssued',
  {
    commendationId: string;
    subjectType: RatingSubject;
    subjectId: string;
    year: number;
    occasion: CommendationOccasion;
    title: string;
    issuedByUnitId: string;
    awardRef: string | null;
    award: string | null;
    placement: RatingPlacement;
  }
>;

/**
 * How evaluation names an award that training published (CompetitionAwarded gives a competition's
 * awards as `{ memberId, award }`, with no id of their own): the competition and the member.
 */
export const awardRefOf = (competitionId: string, memberId: string) => `${competitionId}:${memberId}`;
/** Thăm hỏi, tặng quà: a visit to a secretary in hardship. */
export type SupportVisitRecorded = DomainEvent<'SupportVisitRecorded', { visitId: string; memberId: string; visitedOn: string; byUnitId: string; gift: string | null; placement: RatingPlacement }>;

/**
 * Personnel erased a member's personal data, and evaluation shredded its own key of that member:
 * the free text of their records (reasons, decisions, titles, awards, gifts) reads "[erased]" from
 * then on. Names the records whose documents held that text, so that each read model clears them.
 */
export type MemberFreeTextErased = DomainEvent<'MemberFreeTextErased', { memberId: string; ratingIds: string[]; commendationIds: string[]; visitIds: string[] }>;

export type EvaluationEvent = RatingEvent | CommendationIssued | SupportVisitRecorded | MemberFreeTextErased;

export const EVALUATION_SCHEMA_VERSIONS: Record<EvaluationEvent['type'], number> = {
  RatingSelfAssessed: 1,
  RatingDecided: 1,
  // 2: a change names its subject, year and scale; version 1 named only its rating (read through the upcaster).
  RatingChangeProposed: 2,
  RatingChangeApproved: 2,
  RatingChangeRejected: 2,
  // 2: `award`, the cited award's text from training's events; version 1 reads with `award: null`.
  CommendationIssued: 2,
  SupportVisitRecorded: 1,
  MemberFreeTextErased: 1,
};
