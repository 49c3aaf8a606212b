export * from './envelope';
export * from './errors';
export * from './decider';
export * from './event-store';
export * from './catch-up-subscription';
export * from './upcasting';
export * from './command-handler';
export * from './testing/decider-specification';
