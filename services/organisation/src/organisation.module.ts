import { Module } from '@nestjs/common';
import { EventSchemas } from '@register/event-sourcing';
import { ORGANISATION_SCHEMA_VERSIONS } from '@register/contracts';
import { relayProviders, serviceEventStoreProviders } from '@register/service-kit';
import { StructureService } from './application/structure.service';
import { ORGANISATION_COMMANDS, ORGANISATION_STORE } from './application/tokens';
import { BranchesController } from './branches/branches.controller';
import { PeopleReplica } from './people/people-replica';
import { ReorganisationController } from './reorganisation/reorganisation.controller';
import { UnitsController } from './units/units.controller';

export const organisationSchemas = new EventSchemas(ORGANISATION_SCHEMA_VERSIONS);

/**
 * The union's structure: units (central, provincial, district, grassroots) and branches (chi đoàn)
 * with their residential areas; establishments, moves, mergers, splits, dissolutions.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({
  controllers: [UnitsController, BranchesController, ReorganisationController],
  providers: [...serviceEventStoreProviders('organisation', organisationSchemas, ORGANISATION_STORE, ORGANISATION_COMMANDS), StructureService, PeopleReplica, ...relayProviders('organisation', ORGANISATION_STORE)],
  exports: [StructureService, PeopleReplica, ORGANISATION_STORE],
})
export class OrganisationModule {}
