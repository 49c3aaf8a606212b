export const PERSONNEL_STORE = Symbol('PERSONNEL_STORE');
/** The log as stored, personal data sealed: what the relay publishes, so that Kafka never holds a name in clear. */
export const PERSONNEL_LOG = Symbol('PERSONNEL_LOG');
export const PERSONNEL_COMMANDS = Symbol('PERSONNEL_COMMANDS');
/** The key table of members' personal data (crypto-shredding); null where the log is not on SQL. */
export const PERSONNEL_KEYS = Symbol('PERSONNEL_KEYS');
/** Who read whose personal data (PersonalDataReadLog). */
export const PERSONNEL_READ_LOG = Symbol('PERSONNEL_READ_LOG');
/** The snapshots of the service's views, beside its log (undefined on EventStoreDB). */
export const PERSONNEL_SNAPSHOTS = Symbol('PERSONNEL_SNAPSHOTS');
/** Member imports' progress, kept beside the log (ImportRecords). */
export const PERSONNEL_IMPORT_RECORDS = Symbol('PERSONNEL_IMPORT_RECORDS');
