export const TRAINING_STORE = Symbol('TRAINING_STORE');
export const TRAINING_COMMANDS = Symbol('TRAINING_COMMANDS');
/** The log as stored: members' free text sealed (what the relay publishes). TRAINING_STORE is it opened. */
export const TRAINING_LOG = Symbol('TRAINING_LOG');
export const TRAINING_KEYS = Symbol('TRAINING_KEYS');
