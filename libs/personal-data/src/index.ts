export * from './sealing';
export * from './free-text';
export * from './shredding-event-store';
