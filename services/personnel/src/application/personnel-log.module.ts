import { Module } from '@nestjs/common';
import { MEMBER_EVENTS } from '@register/personal-data';
import { EventStoreConnections, sealedServiceEventStoreProviders, snapshotStoreProvider } from '@register/service-kit';
import { InMemoryReadLog, PersonalDataReadLog, SqlReadLog } from '../personal-data/read-log';
import { personnelSchemas } from './schemas';
import { PERSONNEL_COMMANDS, PERSONNEL_KEYS, PERSONNEL_LOG, PERSONNEL_READ_LOG, PERSONNEL_SNAPSHOTS, PERSONNEL_STORE } from './tokens';

/**
 * The personnel log with members' personal data sealed at rest under per-member keys
 * (crypto-shredding; sealedServiceEventStoreProviders with personnel's policy), beside it the
 * snapshots of its views and the read log; its auditors' log is the service module's
 * (auditable-log.provider.ts: reads logged, names sealed, a member's posts elsewhere related).
 * On EventStoreDB there is no key table yet and the log is written unsealed.
 */
const personnelStoreProviders = [
  ...sealedServiceEventStoreProviders('personnel', personnelSchemas, { log: PERSONNEL_LOG, keys: PERSONNEL_KEYS, store: PERSONNEL_STORE, commands: PERSONNEL_COMMANDS }, MEMBER_EVENTS, { auditableLog: false }),
  snapshotStoreProvider('personnel', PERSONNEL_SNAPSHOTS, PERSONNEL_LOG),
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
 * The personnel service's log (personal data sealed: PERSONNEL_STORE opens it, PERSONNEL_LOG is it
 * as stored), its command handler and the tables beside it, in a module of their own so that both
 * the service and its read models (ReadModelsModule follows PERSONNEL_STORE, the unsealing
 * instance: the member directory needs names, and drops them on erasure) import them.
 */
@Module({
  providers: personnelStoreProviders,
  exports: [PERSONNEL_LOG, PERSONNEL_KEYS, PERSONNEL_STORE, PERSONNEL_COMMANDS, PERSONNEL_READ_LOG, PERSONNEL_SNAPSHOTS],
})
export class PersonnelLogModule {}
