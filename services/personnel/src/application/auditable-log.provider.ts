import { Provider } from '@nestjs/common';
import { branchOfficersStream, memberStream } from '@register/contracts';
import { EventStore } from '@register/event-sourcing';
import { KeyVault, readOnlyKeys, ShreddingEventStore } from '@register/personal-data';
import { AuditableLog, auditableLogToken } from '@register/service-kit';
import { ReadLoggingAuditableLog } from '../personal-data/audited-log';
import { PersonalDataReadLog } from '../personal-data/read-log';
import { PersonnelDirectory } from './personnel-directory';
import { PERSONNEL_KEYS, PERSONNEL_LOG, PERSONNEL_READ_LOG } from './tokens';

const MEMBER_STREAM_PREFIX = memberStream('');

/**
 * The officers' streams of the branches a member was sent to lead (source
 * commune-administrative-branch): their posts there, which the member's own stream does not name
 * (a probe found them missing from the member's audit history). The write side's directory keeps
 * those branches for good, in order (PersonnelDirectory's `ledBranchIds`).
 */
export const postsElsewhere = (directory: Pick<PersonnelDirectory, 'member'>) => (streamId: string): string[] => {
  if (!streamId.startsWith(MEMBER_STREAM_PREFIX)) return [];
  return (directory.member(streamId.slice(MEMBER_STREAM_PREFIX.length))?.ledBranchIds ?? []).map(branchOfficersStream);
};

/**
 * Personnel's log as auditors read it: the reasons and decisions opened, never the names (still
 * sealed), through a read-only view of this service's vault: it shares the vault's cache (a key is
 * read once for the command, its projections and the gateway's reports), which every erasure here
 * updates at once. Each auditor's read is logged in the read log of the members it shows
 * (ReadLoggingAuditableLog); a member's posts elsewhere are related to their stream (postsElsewhere).
 */
export const personnelAuditableLogProvider: Provider = {
  provide: auditableLogToken('personnel'),
  inject: [PERSONNEL_LOG, PERSONNEL_READ_LOG, PERSONNEL_KEYS, PersonnelDirectory],
  useFactory: (log: EventStore, reads: PersonalDataReadLog, keys: KeyVault | null, directory: PersonnelDirectory): AuditableLog =>
    new ReadLoggingAuditableLog(keys ? new ShreddingEventStore(log, readOnlyKeys(keys), { openPersonal: false }) : log, reads, undefined, postsElsewhere(directory)),
};
