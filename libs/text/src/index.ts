export * from './vietnamese';
export * from './look-alike';
export * from './collation';
