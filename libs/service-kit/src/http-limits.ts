import type { Server } from 'node:http';

/**
 * How long and how many: the limits every HTTP server of the register runs with (the embedded
 * start, each distributed service, the gateway, the metrics listener). Without them a caller who
 * opens connections and never finishes a request holds them for Node's 5 minutes, and enough such
 * callers exhaust the process's sockets.
 */
export interface HttpLimits {
  /** The request line and headers must have arrived within this (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived within this (Node's requestTimeout); the answer may take longer. */
  requestTimeoutMs: number;
  /** A connection on which nothing moves for this long, in either direction, is closed (the socket's idle timeout). */
  idleTimeoutMs: number;
  /** An idle kept-alive connection between requests is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many at once are closed as they arrive. */
  maxConnections: number;
  /** On close, requests in flight get this long to be answered before their connections are cut (http-close.ts). */
  closeGraceMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Longer than the request's: a body that stops arriving is answered 408 by the request timeout,
  // rather than its connection closed in silence at the same moment.
  idleTimeoutMs: 35_000,
  // Fastify's default: longer than the idle timeouts of the usual load balancers in front
  // (60 s), so that one never sends a request on a connection we are closing.
  keepAliveTimeoutMs: 72_000,
  maxConnections: 1_000,
  // Within the 30 s a container orchestrator usually waits between its stop signal and a kill.
  closeGraceMs: 10_000,
};

const ENV: Record<keyof HttpLimits, string> = {
  headersTimeoutMs: 'REGISTER_HTTP_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'REGISTER_HTTP_REQUEST_TIMEOUT_MS',
  idleTimeoutMs: 'REGISTER_HTTP_IDLE_TIMEOUT_MS',
  keepAliveTimeoutMs: 'REGISTER_HTTP_KEEP_ALIVE_TIMEOUT_MS',
  maxConnections: 'REGISTER_HTTP_MAX_CONNECTIONS',
  closeGraceMs: 'REGISTER_HTTP_CLOSE_GRACE_MS',
};

/** The limits from the environment (REGISTER_HTTP_*), each a positive whole number; the defaults otherwise. */
export function httpLimitsFromEnv(env: NodeJS.ProcessEnv = process.env, given: Partial<HttpLimits> = {}): HttpLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS };
  for (const key of Object.keys(ENV) as Array<keyof HttpLimits>) {
    const raw = env[ENV[key]];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${ENV[key]} must be a positive whole number, not ${JSON.stringify(raw)}`);
    limits[key] = value;
  }
  Object.assign(limits, given);
  // Node refuses a header timeout longer than the request's.
  limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return limits;
}

/**
 * Node checks the header and request timeouts on an interval (30 s by default, which would let a
 * slow request live up to twice its timeout): check often enough that one ends within about a
 * tenth of its timeout, and at least every second.
 */
export const checkingIntervalOf = (limits: HttpLimits) => Math.max(25, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 10)));

/** The options of http.createServer that carry the limits (the rest are set on the server). */
export function serverOptionsOf(limits: HttpLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: checkingIntervalOf(limits),
  };
}

/** Puts the limits on a Node HTTP server (for one not made with serverOptionsOf, or to be sure). */
export function applyHttpLimits(server: Server, limits: HttpLimits) {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs);
}
