import { runService } from '@register/service-kit';
import { EvaluationModule } from './evaluation.module';

void runService('evaluation', [EvaluationModule], 3104);
