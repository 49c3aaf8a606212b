export * from './verifier-core';
export * from './log-integrity';
