export * from './vietnamese';
export * from './look-alike';
export * from './collation';
export * from './marked-search';
