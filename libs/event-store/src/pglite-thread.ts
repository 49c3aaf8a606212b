import { Worker } from 'node:worker_threads';
import { pgliteOpening, PgliteOpening } from './pglite-template';
import type { SqlClient } from './sql-client';

type Request =
  | { id: number; op: 'query'; sql: string; params?: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'listen'; channel: string }
  | { id: number; op: 'unlisten'; listener: number }
  | { id: number; op: 'close' };

type Reply = { id: number; rows?: unknown[]; error?: Record<string, unknown> } | { notify: number; payload?: string };

/**
 * PGlite on a thread of its own, behind the SqlClient shape. In the embedded start every service's
 * log shares one PGlite, whose SQL runs in WebAssembly on the thread that calls it: on the main
 * thread, it stopped every HTTP request, projection and decision while it ran (about half of a
 * load's time, docs/scale.md). Here the statements run on a worker thread, and the main thread
 * goes on with its own work meanwhile; the two share a machine's cores.
 *
 * Statements run one at a time, in the order they were sent (PGlite's own queue), as on the main
 * thread. A NOTIFY reaches the listeners before the answer of the statement that sent it, as it does
 * in-thread. A database error comes back with its fields (`code`, `constraint`, `detail`...).
 */
export async function pgliteThreadClient(dataDir?: string, templateEnv?: string): Promise<SqlClient> {
  const thread = new PgliteThread(pgliteOpening(dataDir, templateEnv));
  await thread.request({ op: 'exec', sql: 'select 1' });
  return {
    query: (sql, params) => thread.request({ op: 'query', sql, params }) as never,
    exec: (sql) => thread.request({ op: 'exec', sql }),
    close: () => thread.close(),
    listen: (channel, listener) => thread.listen(channel, listener),
    notifiesEveryAppend: true,
    pagesAsJson: true,
    noAutovacuum: true,
    checkpointsHere: true,
  };
}

type Pending = { resolve: (rows: { rows: unknown[] }) => void; reject: (error: Error) => void };
type Payload = { [K in Request['op']]: Omit<Extract<Request, { op: K }>, 'id'> }[Request['op']];

class PgliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<number, (payload?: string) => void>();
  private next = 1;
  private failure?: Error;

  constructor(opening: PgliteOpening) {
    this.worker = new Worker(`(${pgliteWorker.toString()})()`, { eval: true, workerData: { pglitePath: require.resolve('@electric-sql/pglite'), opening } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the PGlite thread stopped (exit code ${code})`)));
  }

  request(payload: Payload): Promise<{ rows: unknown[] }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    // Held while a statement is under way, so that the process does not end with it unanswered.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...payload, id });
      } catch (error) {
        // A parameter the thread cannot be sent (a function, a symbol): refused here, and nothing left waiting.
        this.receive({ id, error: { message: `a statement's parameters cannot be sent to the PGlite thread: ${(error as Error).message}` } });
      }
    });
  }

  async listen(channel: string, listener: (payload?: string) => void): Promise<() => Promise<void>> {
    const { rows } = await this.request({ op: 'listen', channel });
    const id = rows[0] as number;
    this.listeners.set(id, listener);
    return async () => {
      this.listeners.delete(id);
      if (!this.failure) await this.request({ op: 'unlisten', listener: id });
    };
  }

  async close(): Promise<void> {
    if (!this.failure) await this.request({ op: 'close' });
    this.failure ??= new Error('the PGlite thread is closed');
    await this.worker.terminate();
  }

  private receive(reply: Reply): void {
    if ('notify' in reply) return this.listeners.get(reply.notify)?.(reply.payload);
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (!pending) return;
    if (reply.error) pending.reject(Object.assign(new Error(String(reply.error.message)), reply.error));
    else pending.resolve({ rows: reply.rows ?? [] });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** The part of PGlite the worker uses (a type only: the worker's code closes over nothing). */
interface WorkerDb {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<unknown>;
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The worker, as source text (evaluated, so that it runs the same from the compiled build and under
 * ts-jest, as read-ahead.ts's). Plain JavaScript only: no imports, no closure over this module.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
function pgliteWorker(): void {
  const { parentPort, workerData } = require('node:worker_threads');
  const { PGlite } = require(workerData.pglitePath);
  const opening = workerData.opening as PgliteOpening;
  const db = opening.dataDir ? PGlite.create(opening.dataDir) : opening.dump ? PGlite.create({ loadDataDir: new Blob([opening.dump]) }) : PGlite.create();
  const unlisten = new Map<number, () => Promise<void>>();
  let listeners = 0;
  const run = async (db: WorkerDb, message: Request): Promise<unknown[]> => {
    switch (message.op) {
      case 'query':
        return (await db.query(message.sql, message.params)).rows;
      case 'exec':
        await db.exec(message.sql);
        return [];
      case 'listen': {
        const id = ++listeners;
        unlisten.set(id, await db.listen(message.channel, (payload: string) => parentPort.postMessage({ notify: id, payload })));
        return [id];
      }
      case 'unlisten':
        await unlisten.get(message.listener)?.();
        unlisten.delete(message.listener);
        return [];
      case 'close':
        await db.close();
        return [];
    }
  };
  // A database error's fields are its own properties (code, constraint, detail...): sent as plain values.
  const fields = (error: unknown) => {
    const plain: Record<string, unknown> = { message: error instanceof Error ? error.message : String(error) };
    for (const [key, value] of Object.entries(error ?? {})) if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) plain[key] = value;
    return plain;
  };
  parentPort.on('message', (message: Request) => {
    db.then((opened: WorkerDb) => run(opened, message)).then(
      (rows: unknown[]) => parentPort.postMessage({ id: message.id, rows }),
      (error: unknown) => parentPort.postMessage({ id: message.id, error: fields(error) }),
    );
  });
}
