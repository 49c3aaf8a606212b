export const PERSONNEL_STORE = Symbol('PERSONNEL_STORE');
export const PERSONNEL_COMMANDS = Symbol('PERSONNEL_COMMANDS');
/** The key table of members' personal data (crypto-shredding); null where the log is not on SQL. */
export const PERSONNEL_KEYS = Symbol('PERSONNEL_KEYS');
/** Who read whose personal data (PersonalDataReadLog). */
export const PERSONNEL_READ_LOG = Symbol('PERSONNEL_READ_LOG');
