import { AnyProjection, liveTarget, ReadStore, SharedField, SharedFieldsStore } from '@register/read-models';
import { evaluationFacts } from './evaluation-facts.projection';
import { membershipFacts } from './membership-facts.projection';
import { structureFacts } from './structure-facts.projection';
import { trainingFacts } from './training-facts.projection';

export const REPORTED_SERVICES = ['organisation', 'personnel', 'training', 'evaluation'] as const;
export type ReportedService = (typeof REPORTED_SERVICES)[number];

/** The reporting read model: one projection per service's log, each with its own checkpoint (a position in that log). */
export const REPORTING_PROJECTIONS: Record<ReportedService, AnyProjection> = {
  organisation: structureFacts,
  personnel: membershipFacts,
  training: trainingFacts,
  evaluation: evaluationFacts,
};

/** The read store's name: the reporting read model's own database (`<database>_reporting`). */
export const REPORTING_STORE = 'reporting';

/** One reporting document per branch: each projection's `branches` is its own field of it. */
export const REPORT_BRANCHES = 'report.branches';

/** The field of a branch's reporting document each service's projection writes. */
export const BRANCH_FIELDS = { organisation: 'structure', personnel: 'membership', training: 'training', evaluation: 'evaluation' } as const satisfies Record<ReportedService, string>;

const SHARED: Record<string, SharedField> = Object.fromEntries(
  REPORTED_SERVICES.map((s) => [liveTarget(REPORTING_PROJECTIONS[s]).collection('branches'), { collection: REPORT_BRANCHES, field: BRANCH_FIELDS[s] }]),
);

/** The reporting read model's store: every projection's `branches` written into the shared branch documents, the rest as is. */
export const reportingStore = (inner: ReadStore): SharedFieldsStore => new SharedFieldsStore(inner, SHARED);
