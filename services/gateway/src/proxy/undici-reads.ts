import { BalancedPool, Dispatcher, Pool } from 'undici';

/** A service's answer, whole: forwarded bodies are a few hundred bytes to a page of a list. */
export interface ServiceAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A read the service has not answered for this long fails, with every read behind it. */
const ANSWER_MS = 30_000;
/** A connection with nothing to do for this long is closed, well before the service would. */
const IDLE_MS = 4_000;
/** What undici says of a connection that closed under a request. */
const CLOSED = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);

/**
 * GETs to one service, pipelined by undici up to `depth` deep over `size` kept-alive HTTP/1.1
 * connections. bench:gateway measured the gateway's own hand-written pipelined client against this
 * in the same runs at 1.03x-1.13x (docs/architecture-notes.md): not the 1.2x that would justify
 * keeping a protocol client of our own, so undici it is. A read whose connection closes before
 * its answer is sent once more: safe for a GET, and what a restarting service needs.
 */
export class UndiciReads {
  private readonly pool: Dispatcher;

  /** `upstream`: the service's URL, or its instances' URLs separated by commas (see upstreamPool). */
  constructor(upstream: URL | string, size: number, depth: number) {
    this.pool = upstreamPool(String(upstream), { connections: size, pipelining: depth, headersTimeout: ANSWER_MS, bodyTimeout: ANSWER_MS, keepAliveTimeout: IDLE_MS, keepAliveMaxTimeout: IDLE_MS });
  }

  async get(path: string, headers: Record<string, string>): Promise<ServiceAnswer> {
    try {
      return await this.once(path, headers);
    } catch (error) {
      if (!CLOSED.has((error as { code?: string }).code ?? '')) throw error;
      return this.once(path, headers);
    }
  }

  close() {
    void this.pool.destroy();
  }

  private once(path: string, headers: Record<string, string>): Promise<ServiceAnswer> {
    return new Promise((resolve, reject) => this.pool.dispatch({ method: 'GET', path, headers }, collect(resolve, reject)));
  }
}

/**
 * Connections to a service: to its one URL (a cluster's Service spreads them over the instances),
 * or, given several URLs separated by commas (instances of the service started side by side, as
 * deploy/dev/distributed.sh does), undici's BalancedPool over them, each connection to one instance.
 */
export function upstreamPool(urls: string, options: Pool.Options): Dispatcher {
  const origins = urls.split(',').map((url) => new URL(url.trim()).origin);
  return origins.length === 1 ? new Pool(origins[0], options) : new BalancedPool(origins, options);
}

/**
 * A dispatch handler that gathers the answer into a buffer: undici's request() would wrap every
 * answer in a stream first, a cost per forwarded request for bodies of a few hundred bytes.
 */
export function collect(resolve: (answer: ServiceAnswer) => void, reject: (error: Error) => void): Dispatcher.DispatchHandler {
  let status = 502;
  let headers: ServiceAnswer['headers'] = {};
  const chunks: Buffer[] = [];
  return {
    // undici treats a handler without onRequestStart as one of its older interface.
    onRequestStart: () => undefined,
    onResponseStart: (_controller, statusCode, responseHeaders) => {
      status = statusCode;
      headers = responseHeaders;
    },
    onResponseData: (_controller, chunk) => void chunks.push(chunk),
    onResponseEnd: () => resolve({ status, headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }),
    onResponseError: (_controller, error) => reject(error),
  };
}
