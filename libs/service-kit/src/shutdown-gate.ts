import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { problemType } from './problem-details';

/**
 * The first step of a stop (the root module's onModuleDestroy): no new request is taken (503
 * `stopping`, and the connection is closed, so that a client's next request goes elsewhere or
 * waits for the restart), and the requests under way are answered while everything they need still
 * runs. Before it, a command sent after the stop began waited for views already stopped and got a
 * 503 some seconds later (a black-box probe of stops under load).
 */
@Injectable()
export class ShutdownGate {
  private inFlight = 0;
  private closed = false;
  private drained?: () => void;

  /** Counts the app's requests and turns new ones away once closed (configureHttpApp). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (_request, reply, done) => {
      if (this.closed) {
        reply.status(503).header('connection', 'close').header('retry-after', '5').header('content-type', 'application/problem+json; charset=utf-8');
        reply.send(JSON.stringify({ type: problemType('stopping'), title: 'The register is stopping', status: 503, detail: 'this process is stopping; send the request again in a few seconds' }));
        return;
      }
      this.inFlight++;
      // Released when the response ends or its connection does: a request cut by Node's request
      // timeout (its 408 written by the server) or by the client never reaches onResponse, and
      // counted for ever, it made every later stop wait the whole grace.
      let released = false;
      reply.raw.once('close', () => {
        if (released) return;
        released = true;
        if (--this.inFlight === 0) this.drained?.();
      });
      done();
    });
  }

  /** Takes no new request; resolves once those under way are answered, or after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.drained = () => (clearTimeout(timer), resolve());
    });
  }
}
