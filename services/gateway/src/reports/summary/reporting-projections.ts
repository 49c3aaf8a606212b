import { AnyProjection } from '@register/read-models';
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
