export const REGISTER_CONFIG = Symbol('REGISTER_CONFIG');
