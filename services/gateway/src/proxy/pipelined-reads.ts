import { connect, Socket } from 'node:net';
import { ResponseParser, ServiceAnswer } from './response-parser';

export interface ReadTimeouts {
  /** A connection with nothing to do for this long is closed, well before the service would. */
  idleMs: number;
  /** A read the service has not answered for this long fails, with every read behind it. */
  answerMs: number;
}
const TIMEOUTS: ReadTimeouts = { idleMs: 4_000, answerMs: 30_000 };
/** What a header value may hold: no CR or LF, nothing that one byte cannot carry (requests go out as latin1). */
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** Nor in a path, which ends at the first space; every character is written as one byte. */
const UNSAFE_PATH = /[^\x21-\x7e\x80-\xff]/;

interface Read {
  head: string;
  resolve: (answer: ServiceAnswer) => void;
  reject: (error: Error) => void;
  /** Sent again once already, after its connection closed before answering. */
  retried: boolean;
}

/**
 * GETs to one service, pipelined up to `depth` deep over at most `size` kept-alive HTTP/1.1
 * connections, written and read by the gateway itself.
 *
 * Why not undici, which the gateway uses for everything else: on a 2-core VM a forwarded read's
 * largest cost is the hop, and undici spent about 17% of the gateway process's CPU on it in
 * bench:gateway, two thirds of that in its own JavaScript (request objects, header checks, its
 * handler chain, its wasm parser's callbacks). Here a request is one string written at once, and
 * an answer one search for its head and a few string splits: our services answer with
 * content-length or chunked bodies only (response-parser.ts). In bench:gateway distributed reads
 * went from 0.42-0.50x the bare handler to 0.52-0.65x, the gateway's CPU per read from about 410
 * to 280-350 µs.
 * Writing the requests of one turn of the event loop together, in one system call, measured no
 * better, and was dropped.
 *
 * Only GETs come here, reads that answer at once (ServiceClient.readsOf): a read whose connection
 * closes before its answer is sent once more on another, as undici would not but may safely do
 * for a GET.
 */
export class PipelinedReads {
  private readonly connections = new Set<ReadConnection>();
  private readonly waiting: Read[] = [];
  private readonly host: string;
  private shut = false;

  constructor(
    private readonly origin: URL,
    private readonly size: number,
    private readonly depth: number,
    private readonly timeouts = TIMEOUTS,
  ) {
    this.host = origin.host;
  }

  get(path: string, headers: Record<string, string>): Promise<ServiceAnswer> {
    let head: string;
    try {
      head = requestHead(this.host, path, headers);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.send({ head, resolve, reject, retried: false }));
  }

  close() {
    this.shut = true;
    for (const connection of this.connections) connection.destroy();
    for (const read of this.waiting.splice(0)) read.reject(new Error('the gateway is shutting down'));
  }

  private send(read: Read) {
    if (this.shut) return read.reject(new Error('the gateway is shutting down'));
    const connection = this.leastBusy();
    if (connection) connection.send(read);
    else this.waiting.push(read);
  }

  /** The open connection with the fewest reads on it and room for one more, or a new one. */
  private leastBusy(): ReadConnection | undefined {
    let best: ReadConnection | undefined;
    for (const c of this.connections) if (c.open && c.inFlight < this.depth && (!best || c.inFlight < best.inFlight)) best = c;
    if (best?.inFlight === 0 || this.connections.size >= this.size) return best;
    const connection = new ReadConnection(this.origin, this.timeouts, {
      free: () => {
        const next = this.waiting.shift();
        if (next) connection.send(next);
      },
      closed: (unanswered, error) => {
        this.connections.delete(connection);
        for (const read of unanswered) {
          if (read.retried) read.reject(error);
          else this.send({ ...read, retried: true });
        }
        // reads waiting for room may now start a connection of their own
        for (let n = this.waiting.length; n > 0 && this.connections.size < this.size; n--) this.send(this.waiting.shift()!);
      },
    });
    this.connections.add(connection);
    return connection;
  }
}

interface ConnectionEvents {
  /** An answer has come, so the connection has room for one more read. */
  free(): void;
  /** The connection is gone, with the reads it had not answered. */
  closed(unanswered: Read[], error: Error): void;
}

class ReadConnection {
  private readonly socket: Socket;
  private readonly sent: Read[] = [];
  private readonly parser = new ResponseParser((answer) => this.answered(answer));
  private ended = false;
  private error?: Error;

  constructor(
    origin: URL,
    private readonly timeouts: ReadTimeouts,
    private readonly events: ConnectionEvents,
  ) {
    this.socket = connect({ host: origin.hostname, port: Number(origin.port || 80), noDelay: true });
    this.socket.setTimeout(timeouts.answerMs);
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('timeout', () => this.timedOut());
    this.socket.on('error', (error) => (this.error = error)); // 'close' follows, with the reads to fail or send again
    this.socket.on('close', () => this.closed());
  }

  get inFlight() {
    return this.sent.length;
  }

  get open() {
    return !this.ended && !this.socket.destroyed;
  }

  send(read: Read) {
    this.sent.push(read);
    if (this.sent.length === 1) this.socket.setTimeout(this.timeouts.answerMs);
    this.socket.write(read.head, 'latin1');
  }

  destroy() {
    this.socket.destroy();
  }

  private received(chunk: Buffer) {
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.socket.destroy(error as Error);
    }
  }

  private answered(answer: ServiceAnswer) {
    const read = this.sent.shift();
    if (!read) return this.socket.destroy(new Error('an answer to no request'));
    if (/close/i.test(String(answer.headers.connection ?? ''))) this.ended = true;
    read.resolve(answer);
    if (this.sent.length === 0) this.socket.setTimeout(this.timeouts.idleMs);
    if (!this.ended) this.events.free();
  }

  /** Idle: closed quietly. Waiting for an answer: those reads fail, and are not sent again. */
  private timedOut() {
    if (this.sent.length === 0) return this.socket.destroy();
    for (const read of this.sent) read.retried = true;
    this.socket.destroy(new Error(`the service did not answer within ${this.timeouts.answerMs} ms`));
  }

  private closed() {
    this.ended = true;
    const unanswered = this.sent.splice(0);
    this.events.closed(unanswered, this.error ?? new Error('the connection to the service closed before it answered'));
  }
}

/** The request line and headers of a GET, or an error if any of them could break the framing. */
function requestHead(host: string, path: string, headers: Record<string, string>): string {
  if (UNSAFE_PATH.test(path)) throw new Error('a path that cannot be forwarded');
  let head = `GET ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (UNSAFE_VALUE.test(value)) throw new Error(`a ${name} header that cannot be forwarded`);
    head += `${name}: ${value}\r\n`;
  }
  return head + '\r\n';
}
