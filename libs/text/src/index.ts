export * from './vietnamese';
export * from './look-alike';
