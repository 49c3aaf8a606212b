export * from './verifier-core';
