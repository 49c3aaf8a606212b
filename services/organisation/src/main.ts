import { runService } from '@register/service-kit';
import { OrganisationModule } from './organisation.module';
import { PEOPLE_SYNC } from './people/people-sync.consumer';

void runService('organisation', [OrganisationModule], 3101, PEOPLE_SYNC);
