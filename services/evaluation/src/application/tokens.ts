export const EVALUATION_STORE = Symbol('EVALUATION_STORE');
export const EVALUATION_COMMANDS = Symbol('EVALUATION_COMMANDS');
/** The log as stored: members' free text sealed (what the relay publishes). EVALUATION_STORE is it opened. */
export const EVALUATION_LOG = Symbol('EVALUATION_LOG');
export const EVALUATION_KEYS = Symbol('EVALUATION_KEYS');
