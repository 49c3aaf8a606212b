import { Module } from '@nestjs/common';
import { serviceEventStoreProviders, snapshotStoreProvider } from '@register/service-kit';
import { organisationSchemas } from './schemas';
import { ORGANISATION_COMMANDS, ORGANISATION_SNAPSHOTS, ORGANISATION_STORE } from './tokens';

/**
 * The organisation service's log and command handler, in a module of their own so that both the
 * service and its read models (ReadModelsModule, which follows the same EventStore instance) import them.
 */
@Module({
  providers: [...serviceEventStoreProviders('organisation', organisationSchemas, ORGANISATION_STORE, ORGANISATION_COMMANDS), snapshotStoreProvider('organisation', ORGANISATION_SNAPSHOTS, ORGANISATION_STORE)],
  exports: [ORGANISATION_STORE, ORGANISATION_COMMANDS, ORGANISATION_SNAPSHOTS],
})
export class OrganisationLogModule {}
