/**
 * jose 6 is published as ES modules only. Node ≥ 20.19 (our engines floor) loads it through
 * require (require(esm)); under Jest, jest.config.js compiles the package to CommonJS, as it does
 * for content-disposition. A dynamic import() here instead ran into Jest's ESM linker, which lost
 * the importing module in long runs ("reading 'identifier'"); require has no such path.
 */
type Jose = typeof import('jose');
let loaded: Promise<Jose> | undefined;

export function jose(): Promise<Jose> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= Promise.resolve(require('jose') as Jose);
  return loaded;
}
