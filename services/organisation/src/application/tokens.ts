export const ORGANISATION_STORE = Symbol('ORGANISATION_STORE');
export const ORGANISATION_COMMANDS = Symbol('ORGANISATION_COMMANDS');
/** The snapshots of the service's views, beside its log (undefined on EventStoreDB). */
export const ORGANISATION_SNAPSHOTS = Symbol('ORGANISATION_SNAPSHOTS');
