import { routedDecider } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { Member, memberAggregate } from '../domain/member';
import { AdmitMember, decideAdmission } from '../members/admit-member';
import { ChangeMemberStatus, decideStatusChange, ExtendStay, MarkUnassigned } from '../members/change-status';
import { decideErasure, EraseMemberPersonalData } from '../members/erase-personal-data';
import { decidePartyIntroduction, IntroduceToParty, RecordPartyOutcome } from '../members/party-introduction';
import { decideResidentialAffiliation, SetResidentialAffiliation } from '../members/residential-affiliation';
import { decideTransfer, TransferMember } from '../members/transfer-member';
import { decidePeriodMove, decidePeriodUnassign, MoveMemberForPeriod, UnassignForPeriod } from '../members/move-for-period';
import { CorrectPersonalData, decideCorrection } from '../members/correct-personal-data';

export type MemberCommand = AdmitMember | TransferMember | ChangeMemberStatus | ExtendStay | MarkUnassigned | EraseMemberPersonalData | IntroduceToParty | RecordPartyOutcome | SetResidentialAffiliation | MoveMemberForPeriod | UnassignForPeriod | CorrectPersonalData;

/**
 * Every member command in one decider, for specifications only: the service runs each
 * capability's own decider (admissionDecider, transferDecider, statusDecider, …).
 */
export const memberDecider = routedDecider<MemberCommand, MemberEvent, Member>(memberAggregate, {
  AdmitMember: decideAdmission,
  TransferMember: decideTransfer,
  ChangeMemberStatus: decideStatusChange,
  ExtendStay: decideStatusChange,
  MarkUnassigned: decideStatusChange,
  EraseMemberPersonalData: decideErasure,
  IntroduceToParty: decidePartyIntroduction,
  RecordPartyOutcome: decidePartyIntroduction,
  SetResidentialAffiliation: decideResidentialAffiliation,
  MoveMemberForPeriod: decidePeriodMove,
  UnassignForPeriod: decidePeriodUnassign,
  CorrectPersonalData: decideCorrection,
});
