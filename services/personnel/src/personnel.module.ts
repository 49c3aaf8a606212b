import { AdmissionBatchesController } from './admission-batches/admission-batches.controller';
import { AdmitMembersHandler } from './admission-batches/admit-members.handler';
import { Module } from '@nestjs/common';
import { MEMBER_PLACEMENT } from '@register/auth';
import { ReadModelsModule } from '@register/read-models';
import { ClockModule, relayProviders } from '@register/service-kit';
import { branchGateProvider } from './application/branch-gate';
import { BranchReplica } from './application/branch-replica';
import { PersonnelDirectory } from './application/personnel-directory';
import { personnelAuditableLogProvider } from './application/auditable-log.provider';
import { PersonnelLogModule } from './application/personnel-log.module';
import { PersonnelService } from './application/personnel.service';
import { personnelSchemas } from './application/schemas';
import { PERSONNEL_LOG, PERSONNEL_STORE } from './application/tokens';
import { MemberImportsController } from './member-imports/member-imports.controller';
import { MemberPlacementToday } from './members/member-placement';
import { MemberImports } from './member-imports/member-imports.service';
import { importRecordsProvider } from './member-imports/import-records';
import { MemberDirectoryReads } from './members/member-directory.read-model';
import { MemberListAsOf } from './members/member-list-as-of';
import { MemberStreams } from './members/member-streams';
import { AdmitMemberHandler } from './members/admit-member.handler';
import { NationalIdMatches } from './personal-data/national-id-matches';
import { ErasePersonalDataHandler } from './members/erase-personal-data.handler';
import { CorrectPersonalDataHandler } from './members/correct-personal-data.handler';
import { TransferMemberHandler } from './members/transfer-member.handler';
import { ChangeStatusHandler } from './members/change-status.handler';
import { MembersController } from './members/members.controller';
import { MemberPlacementController } from './members/member-placement.controller';
import { AppointOfficerHandler } from './officers/appoint-officer.handler';
import { OfficerPostsReads } from './officers/officer-posts.read-model';
import { OfficersController } from './officers/officers.controller';
import { personnelProjections } from './projections';
import { BranchRatingsConsumer, BranchSyncConsumer } from './reactions/branch-sync.consumer';
import { OrganisationReactions } from './reactions/organisation-reactions.service';
import { PersonnelReportReads } from './reports/personnel-reports';
import { PersonnelReportsController } from './reports/personnel-reports.controller';
import { SecretaryTurnoverController, SecretaryTurnoverReads } from './reports/secretary-turnover.controller';
import { ChangeStatusesHandler } from './status-change-batches/change-statuses.handler';
import { StatusChangeBatchesController } from './status-change-batches/status-change-batches.controller';

export { personnelSchemas };

/**
 * Members (đoàn viên) and branch officers: admissions, transfers, status changes, secretaries (bí thư) and deputies, and each secretary's career.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 * Streams: `member-<id>` per member, `branch-officers-<branchId>` per branch (see libs/contracts/src/personnel.ts).
 * The branch replica is fed by organisation's events: BranchSyncConsumer → OrganisationReactions.handle
 * (group `personnel.branch-sync` on Kafka, or the in-process bus). The relay publishes the sealed log.
 * Reads of today come from the read models (projections.ts: member-directory, officer-posts,
 * personnel-reports), which follow PERSONNEL_STORE (personal data opened); history (`asOf`) and
 * single-member reads fold the streams; the write side decides on PersonnelDirectory, its own view.
 */
@Module({
  imports: [
    ClockModule,
    PersonnelLogModule,
    ReadModelsModule.forFeature({ service: 'personnel', projections: personnelProjections, storeToken: PERSONNEL_STORE, imports: [PersonnelLogModule], schemas: personnelSchemas }),
  ],
  controllers: [MembersController, AdmissionBatchesController, StatusChangeBatchesController, MemberImportsController, MemberPlacementController, OfficersController, PersonnelReportsController, SecretaryTurnoverController, BranchSyncConsumer, BranchRatingsConsumer],
  providers: [
    // Where a member sits now, for authorisation (a port: the gateway imports nothing of personnel).
    MemberPlacementToday,
    { provide: MEMBER_PLACEMENT, useExisting: MemberPlacementToday },
    BranchReplica,
    branchGateProvider,
    PersonnelDirectory,
    personnelAuditableLogProvider,
    PersonnelService,
    AppointOfficerHandler,
    ErasePersonalDataHandler,
    CorrectPersonalDataHandler,
    AdmitMemberHandler,
    NationalIdMatches,
    AdmitMembersHandler,
    ChangeStatusesHandler,
    MemberImports,
    importRecordsProvider,
    TransferMemberHandler,
    ChangeStatusHandler,
    OrganisationReactions,
    MemberDirectoryReads,
    MemberListAsOf,
    MemberStreams,
    OfficerPostsReads,
    PersonnelReportReads,
    SecretaryTurnoverReads,
    ...relayProviders('personnel', PERSONNEL_LOG),
  ],
  exports: [PersonnelService, PersonnelDirectory, BranchReplica, OrganisationReactions, PersonnelLogModule],
})
export class PersonnelModule {}
