/** The services the distributed gateway forwards to, and where each listens inside the cluster. */
export type ServiceName = 'organisation' | 'personnel' | 'training' | 'evaluation';

const DEFAULT_URLS: Record<ServiceName, string> = {
  organisation: 'http://127.0.0.1:3101',
  personnel: 'http://127.0.0.1:3102',
  training: 'http://127.0.0.1:3103',
  evaluation: 'http://127.0.0.1:3104',
};

/** Each service's URL, or its instances' URLs separated by commas (`PERSONNEL_URL=http://a:3102,http://b:3112`). */
export function serviceUrls(env: NodeJS.ProcessEnv = process.env): Record<ServiceName, string> {
  return {
    organisation: env.ORGANISATION_URL ?? DEFAULT_URLS.organisation,
    personnel: env.PERSONNEL_URL ?? DEFAULT_URLS.personnel,
    training: env.TRAINING_URL ?? DEFAULT_URLS.training,
    evaluation: env.EVALUATION_URL ?? DEFAULT_URLS.evaluation,
  };
}

/** A branch's mentors live in training although their path sits under /branches/{id}. */
const TRAINING_UNDER_BRANCHES = /^\/branches\/[^/]+\/mentors$/;

/** Branch officers live in personnel although their paths sit under /branches/{id}. */
const PERSONNEL_UNDER_BRANCHES = /^\/branches\/[^/]+\/(officer-appointments|officer-departures|officers)$/;

/** Secretary turnover is computed where the posts are kept: personnel (the other reports are the gateway's). */
const PERSONNEL_REPORTS = /^\/reports\/units\/[^/]+\/secretary-turnover$/;

const BY_FIRST_SEGMENT: Record<string, ServiceName> = {
  units: 'organisation',
  branches: 'organisation',
  'branch-mergers': 'organisation',
  'branch-splits': 'organisation',
  'unit-mergers': 'organisation',
  members: 'personnel',
  'admission-batches': 'personnel',
  'status-change-batches': 'personnel',
  'member-imports': 'personnel',
  'personnel-reports': 'personnel',
  'training-courses': 'training',
  'training-records': 'training',
  'training-compliance': 'training',
  competitions: 'training',
  'mentor-assignments': 'training',
  ratings: 'evaluation',
  'rating-batches': 'evaluation',
  'rating-changes': 'evaluation',
  commendations: 'evaluation',
  'support-visits': 'evaluation',
};

/** The service that owns a path below /api/v1, or undefined for one no service serves. */
export function owningService(path: string): ServiceName | undefined {
  if (PERSONNEL_UNDER_BRANCHES.test(path) || PERSONNEL_REPORTS.test(path)) return 'personnel';
  if (TRAINING_UNDER_BRANCHES.test(path)) return 'training';
  return BY_FIRST_SEGMENT[path.split('/')[1] ?? ''];
}
