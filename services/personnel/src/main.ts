import { runService } from '@register/service-kit';
import { PersonnelModule } from './personnel.module';
import { BRANCH_SYNC } from './reactions/branch-sync.consumer';

void runService('personnel', [PersonnelModule], 3102, BRANCH_SYNC);
