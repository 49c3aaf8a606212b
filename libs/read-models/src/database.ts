/**
 * Each service keeps its read models in a database of its own, `<database of the URL>_<service>`
 * (e.g. register_organisation), as it keeps its own log: services never read each other's.
 */
export function readModelDatabase(mongoUrl: string, service: string): string {
  const base = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(mongoUrl)?.[1] || 'register';
  return `${base}_${service}`;
}
