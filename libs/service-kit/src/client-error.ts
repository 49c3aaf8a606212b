import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problemType, slugOf } from './problem-details';

/**
 * Answers a request that is not HTTP node can parse (a raw byte beyond ASCII in the path, a
 * header that does not end, a request that never finished arriving) with problem+json too, as
 * every other refusal of ours: Fastify's default answers its own JSON shape. The connection is
 * closed after, since what follows in it cannot be trusted to start a request.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ type: problemType(slugOf(status)), title: 'The request is not well-formed HTTP', status, detail: STATUS_CODES[status], rule: error.code });
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  socket.destroy();
}
