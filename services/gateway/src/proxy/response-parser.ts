/** An HTTP/1.1 answer as the gateway passes it on. */
export interface ServiceAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** Larger heads than this are not an answer of ours: the connection is given up. */
const MAX_HEAD = 64 * 1024;

/**
 * Reads the answers of one HTTP/1.1 connection, in order, from the chunks the socket delivers:
 * the status line, the headers, and a body framed by content-length or chunked transfer coding.
 * Only what our services send over a kept-alive connection: an answer without either framing
 * (body to the end of the connection) is refused, as is anything malformed; the caller then
 * closes the connection.
 */
export class ResponseParser {
  private buffered: Buffer = Buffer.alloc(0);
  private answer?: ServiceAnswer;
  /** Bytes of body still expected (content-length), or -1 while reading chunks. */
  private remaining = 0;
  private chunks: Buffer[] = [];

  constructor(private readonly onAnswer: (answer: ServiceAnswer) => void) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.step());
  }

  /** Consumes one part of an answer from the buffer; false when it needs more bytes. */
  private step(): boolean {
    if (!this.answer) return this.readHead();
    if (this.remaining >= 0) return this.readBody();
    return this.readChunk();
  }

  private readHead(): boolean {
    const end = this.buffered.indexOf(HEAD_END);
    if (end < 0) {
      if (this.buffered.length > MAX_HEAD) throw new Error('answer head too large');
      return false;
    }
    const lines = this.buffered.toString('latin1', 0, end).split('\r\n');
    this.buffered = this.buffered.subarray(end + 4);
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!status) throw new Error(`not an HTTP/1.1 answer: ${lines[0].slice(0, 40)}`);
    const headers: ServiceAnswer['headers'] = {};
    for (let i = 1; i < lines.length; i++) addHeader(headers, lines[i]);
    this.answer = { status: Number(status[1]), headers, body: EMPTY };
    const length = headers['content-length'];
    if (this.answer.status === 204 || this.answer.status === 304) this.remaining = 0;
    else if (typeof headers['transfer-encoding'] === 'string' && /chunked$/i.test(headers['transfer-encoding'])) this.remaining = -1;
    else if (typeof length === 'string' && /^\d+$/.test(length)) this.remaining = Number(length);
    else throw new Error('answer without content-length or chunked coding');
    return true;
  }

  private readBody(): boolean {
    if (this.buffered.length < this.remaining) return false;
    this.chunks.push(this.buffered.subarray(0, this.remaining));
    this.buffered = this.buffered.subarray(this.remaining);
    this.finish();
    return true;
  }

  /** One chunk of a chunked body: its size line, its bytes and their CRLF (RFC 9112 §7.1). */
  private readChunk(): boolean {
    const line = this.buffered.indexOf('\r\n');
    if (line < 0) return false;
    const size = parseInt(this.buffered.toString('latin1', 0, line), 16);
    if (!Number.isInteger(size) || size < 0) throw new Error('malformed chunk size');
    if (size === 0) {
      // the last chunk, then trailers (none from our services) and a blank line
      const end = this.buffered.indexOf(HEAD_END, line);
      if (end < 0) return false;
      this.buffered = this.buffered.subarray(end + 4);
      this.finish();
      return true;
    }
    if (this.buffered.length < line + 2 + size + 2) return false;
    this.chunks.push(this.buffered.subarray(line + 2, line + 2 + size));
    this.buffered = this.buffered.subarray(line + 2 + size + 2);
    return true;
  }

  private finish() {
    const answer = this.answer!;
    answer.body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.answer = undefined;
    this.chunks = [];
    this.remaining = 0;
    this.onAnswer(answer);
  }
}

const EMPTY = Buffer.alloc(0);

function addHeader(headers: ServiceAnswer['headers'], line: string) {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new Error('malformed header line');
  const name = line.slice(0, colon).toLowerCase();
  const value = line.slice(colon + 1).trim();
  const before = headers[name];
  headers[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
}
