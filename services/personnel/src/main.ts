import { runService } from '@register/service-kit';
import { PersonnelModule } from './personnel.module';

void runService('personnel', [PersonnelModule], 3102);
