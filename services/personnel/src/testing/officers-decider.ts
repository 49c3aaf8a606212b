import { routedDecider } from '@register/event-sourcing';
import { BranchOfficersEvent } from '@register/contracts';
import { BranchOfficers, branchOfficersAggregate } from '../domain/branch-officers';
import { AppointOfficer, decideAppointment } from '../officers/appoint-officer';
import { decideDeparture, DepartOfficer } from '../officers/depart-officer';

export type OfficersCommand = AppointOfficer | DepartOfficer;

/** Appointments and departures in one decider, for specifications only: the service runs appointmentDecider and departureDecider. */
export const branchOfficersDecider = routedDecider<OfficersCommand, BranchOfficersEvent, BranchOfficers>(branchOfficersAggregate, {
  AppointOfficer: decideAppointment,
  DepartOfficer: decideDeparture,
});
