import { runService } from '@register/service-kit';
import { FACTS_SYNC } from './reactions/facts-sync.consumer';
import { TrainingModule } from './training.module';

void runService('training', [TrainingModule], 3103, FACTS_SYNC);
