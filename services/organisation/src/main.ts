import { runService } from '@register/service-kit';
import { OrganisationModule } from './organisation.module';

void runService('organisation', [OrganisationModule], 3101);
