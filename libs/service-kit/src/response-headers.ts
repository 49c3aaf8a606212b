/** What every answer of the API says about itself, set where a handler did not. */
const API_HEADERS: Array<[string, string]> = [
  // Answers carry members' personal data: neither a browser nor a proxy between keeps a copy.
  ['cache-control', 'no-store'],
  // A CSV or JSON answer is never sniffed into something a browser would run.
  ['x-content-type-options', 'nosniff'],
];

interface HookedServer {
  addHook(name: 'onSend', hook: (request: { url: string }, reply: { hasHeader(n: string): boolean; header(n: string, v: string): unknown }, payload: unknown) => Promise<unknown>): unknown;
}

/** Sets API_HEADERS on every answer under `prefix` (the OpenAPI pages and health probes aside). */
export function installApiHeaders(server: HookedServer, prefix: string): void {
  server.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith(`/${prefix}/`)) for (const [name, value] of API_HEADERS) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });
}
