export * from './roles';
export * from './jose-loader';
export * from './keys';
export * from './jwt';
export * from './api-keys';
export * from './rate-limit';
export * from './policy';
export * from './internal-actor';
