export * from './sql-event-store';
export * from './postgres';
export * from './pglite';
export * from './eventstoredb';
export { APPEND_LOCK_KEY } from './sql-schema';
export * from './sql-checkpoints';
export { READ_AHEAD_APPLICATION } from './read-ahead';
export * from './sql-snapshots';
export * from './sql-log-chain';
