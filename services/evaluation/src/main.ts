import { runService } from '@register/service-kit';
import { EvaluationModule } from './evaluation.module';
import { SUBJECT_SYNC } from './reactions/subject-sync.consumer';

void runService('evaluation', [EvaluationModule], 3104, SUBJECT_SYNC);
