import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Closing an HTTP app without waiting on its callers' connections. Node's `server.close()` ends
 * idle keep-alive connections, but a connection whose request was answered before its body was
 * read (an upload refused as too large, a body refused on its headers) never counts as idle, and
 * close waited for the keep-alive timeout, 72 s. On close, a connection with no request in flight
 * is ended at once; one with a request in flight is ended once its answer is sent; whatever is
 * still open `graceMs` after the close began is cut.
 */
export function closeConnectionsOnClose(fastify: FastifyInstance, graceMs: number): void {
  const inFlight = new Map<Socket, number>();
  const open = new Set<Socket>();
  let closing = false;
  fastify.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      inFlight.delete(socket);
    });
  });
  const settle = (socket: Socket, change: number) => {
    const left = (inFlight.get(socket) ?? 0) + change;
    if (left > 0) inFlight.set(socket, left);
    else inFlight.delete(socket);
    if (closing && left <= 0) socket.destroySoon();
  };
  fastify.addHook('onRequest', (request, _reply, done) => {
    settle(request.raw.socket, 1);
    done();
  });
  // onResponse runs once the answer is written (or the caller went away), never twice per request.
  fastify.addHook('onResponse', (request, _reply, done) => {
    settle(request.raw.socket, -1);
    done();
  });
  fastify.addHook('preClose', (done) => {
    closing = true;
    for (const socket of open) if (!inFlight.has(socket)) socket.destroySoon();
    const cut = setTimeout(() => fastify.server.closeAllConnections(), graceMs);
    cut.unref();
    fastify.server.once('close', () => clearTimeout(cut));
    done();
  });
}
