export * from './sealing';
export * from './free-text';
export * from './shredding-event-store';
export * from './erasure-reaction';
export * from './sql-key-vault';
