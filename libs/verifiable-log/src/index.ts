export * from './verifier-core';
export * from './log-integrity';
export * from './log-ports';
export * from './tree-tiles';
export * from './log-bundle';
export * from './verification-runs';
export * from './testing/sealed-bundle';
