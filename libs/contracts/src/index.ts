export * from './organisation';
export * from './personnel';
