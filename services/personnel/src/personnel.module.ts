import { Module } from '@nestjs/common';
import { CommandHandler, EventSchemas, EventStore } from '@register/event-sourcing';
import { PERSONNEL_SCHEMA_VERSIONS } from '@register/contracts';
import { EventStoreConnections, relayProviders } from '@register/service-kit';
import { BranchReplica } from './application/branch-replica';
import { PersonnelDirectory } from './application/personnel-directory';
import { PersonnelService } from './application/personnel.service';
import { PERSONNEL_COMMANDS, PERSONNEL_KEYS, PERSONNEL_LOG, PERSONNEL_READ_LOG, PERSONNEL_STORE } from './application/tokens';
import { InMemoryReadLog, PersonalDataReadLog, SqlReadLog } from './personal-data/read-log';
import { MembersController } from './members/members.controller';
import { OfficersController } from './officers/officers.controller';
import { KeyVault, SqlKeyVault } from './personal-data/sealing';
import { ShreddingEventStore } from './personal-data/shredding-event-store';
import { BranchSyncConsumer } from './reactions/branch-sync.consumer';
import { OrganisationReactions } from './reactions/organisation-reactions.service';
import { PersonnelReportsController } from './reports/personnel-reports.controller';

export const personnelSchemas = new EventSchemas(PERSONNEL_SCHEMA_VERSIONS);

/**
 * Like serviceEventStoreProviders('personnel', …), with members' personal data sealed at rest under
 * per-member keys (crypto-shredding). The key table lives in the service's SQL schema; on
 * EventStoreDB there is no key table yet and the log is written unsealed.
 */
const personnelStoreProviders = [
  { provide: PERSONNEL_LOG, inject: [EventStoreConnections], useFactory: (c: EventStoreConnections) => c.open('personnel', personnelSchemas) },
  // The tables beside the log wait for it (PERSONNEL_LOG injected, unused): Nest builds providers
  // concurrently, and two `create schema if not exists` racing on a fresh database, one fails.
  {
    provide: PERSONNEL_KEYS,
    inject: [EventStoreConnections, PERSONNEL_LOG],
    useFactory: async (c: EventStoreConnections): Promise<KeyVault | null> => {
      const sql = await c.sqlClient();
      return sql ? SqlKeyVault.open(sql, 'personnel') : null;
    },
  },
  {
    provide: PERSONNEL_STORE,
    inject: [PERSONNEL_LOG, PERSONNEL_KEYS],
    useFactory: (log: EventStore, keys: KeyVault | null): EventStore => (keys ? new ShreddingEventStore(log, keys) : log),
  },
  { provide: PERSONNEL_COMMANDS, inject: [PERSONNEL_STORE], useFactory: (store: EventStore) => new CommandHandler(store, personnelSchemas) },
  {
    provide: PERSONNEL_READ_LOG,
    inject: [EventStoreConnections, PERSONNEL_LOG],
    useFactory: async (c: EventStoreConnections): Promise<PersonalDataReadLog> => {
      const sql = await c.sqlClient();
      return sql ? SqlReadLog.open(sql, 'personnel') : new InMemoryReadLog();
    },
  },
];

/**
 * Members (đoàn viên) and branch officers: admissions, transfers, status changes, secretaries (bí thư) and deputies, and each secretary's career.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 * Streams: `member-<id>` per member, `branch-officers-<branchId>` per branch (see libs/contracts/src/personnel.ts).
 * The branch replica is fed by organisation's events: BranchSyncConsumer → OrganisationReactions.handle
 * (group `personnel.branch-sync` on Kafka, or the in-process bus). The relay publishes the sealed log.
 */
@Module({
  controllers: [MembersController, OfficersController, PersonnelReportsController, BranchSyncConsumer],
  providers: [...personnelStoreProviders, BranchReplica, PersonnelDirectory, PersonnelService, OrganisationReactions, ...relayProviders('personnel', PERSONNEL_LOG)],
  exports: [PersonnelService, PersonnelDirectory, BranchReplica, OrganisationReactions, PERSONNEL_STORE],
})
export class PersonnelModule {}
