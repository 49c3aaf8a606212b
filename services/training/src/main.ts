import { runService } from '@register/service-kit';
import { TrainingModule } from './training.module';

void runService('training', [TrainingModule], 3103);
