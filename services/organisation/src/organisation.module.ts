import { Module } from '@nestjs/common';
import { UNIT_PLACEMENT } from '@register/auth';
import { ReadModelsModule } from '@register/read-models';
import { ClockModule, relayProviders } from '@register/service-kit';
import { OrganisationLogModule } from './application/organisation-log.module';
import { organisationSchemas } from './application/schemas';
import { StructureService } from './application/structure.service';
import { StructurePlacement } from './application/unit-placement';
import { ORGANISATION_STORE } from './application/tokens';
import { BranchesController } from './branches/branches.controller';
import { DirectoryReads } from './directory/directory-read-model';
import { PeopleReplica } from './people/people-replica';
import { PeopleSyncConsumer, RatingsSyncConsumer } from './people/people-sync.consumer';
import { organisationProjections } from './projections';
import { ReorganisationController } from './reorganisation/reorganisation.controller';
import { UnitMergersController } from './reorganisation/unit-mergers.controller';
import { TreeReads } from './tree/tree-read-model';
import { UnitsController } from './units/units.controller';

export { organisationSchemas };

/**
 * The union's structure: units (central, provincial, district, grassroots) and branches (chi đoàn)
 * with their residential areas; establishments, moves, mergers (of branches, communes and
 * provinces), splits, dissolutions.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({
  imports: [ClockModule, OrganisationLogModule, ReadModelsModule.forFeature({ service: 'organisation', projections: organisationProjections, storeToken: ORGANISATION_STORE, imports: [OrganisationLogModule], schemas: organisationSchemas })],
  controllers: [UnitsController, BranchesController, ReorganisationController, UnitMergersController, PeopleSyncConsumer, RatingsSyncConsumer],
  providers: [StructureService, PeopleReplica, DirectoryReads, TreeReads, { provide: UNIT_PLACEMENT, useClass: StructurePlacement }, ...relayProviders('organisation', ORGANISATION_STORE)],
  exports: [StructureService, PeopleReplica, OrganisationLogModule],
})
export class OrganisationModule {}
