export * from './organisation';
export * from './personnel';
export * from './evaluation';
export * from './training';
