/**
 * jose 6 is published as ES modules only. A dynamic import written this way is not rewritten to
 * require() by the CommonJS build, so it loads under Node (require(esm) or not) and under Jest.
 */
type Jose = typeof import('jose');
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Jose>;
let loaded: Promise<Jose> | undefined;

export function jose(): Promise<Jose> {
  loaded ??= importModule('jose');
  return loaded;
}
