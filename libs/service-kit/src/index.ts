export * from './config';
export * from './tokens';
export * from './event-store.module';
export * from './problem-details';
export * from './validation';
export * from './health';
export * from './bootstrap';
