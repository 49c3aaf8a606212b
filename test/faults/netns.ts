import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../messaging/processes';

/** The connections of one port, which a partition holds still (both ways) until it heals. */
class Gate {
  closed = false;
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly held: Array<() => void> = [];

  /** Joins the two sockets now, or when the partition heals. */
  admit(inner: Socket, open: () => Socket): void {
    const join = () => {
      const pair: [Socket, Socket] = [inner, open()];
      this.pairs.add(pair);
      splice(...pair, () => this.pairs.delete(pair));
    };
    if (this.closed) {
      inner.pause();
      this.held.push(join);
    } else join();
  }

  /** Nothing passes: the bytes stay in the sockets' buffers, as packets a partition drops are sent again later. */
  close(): void {
    this.closed = true;
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }

  open(): void {
    this.closed = false;
    for (const [a, b] of this.pairs) {
      a.pipe(b);
      b.pipe(a);
    }
    for (const join of this.held.splice(0)) join();
  }
}

/** Each socket's bytes to the other, and both closed when either ends. */
export function splice(a: Socket, b: Socket, closed: () => void = () => undefined): void {
  a.pipe(b);
  b.pipe(a);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    x.on('error', () => y.destroy());
    x.on('close', () => {
      y.destroy();
      closed();
    });
  }
}

/**
 * A network namespace of a fault run's own, for one service: `unshare --net` gives it a loopback of
 * its own and no other interface, so the service (started in it with `nsenter --net`) reaches the
 * host's 127.0.0.1 only through this bridge: each port it connects to (PostgreSQL, Kafka, FerretDB,
 * the other services) and the port it serves are carried over Unix sockets (netns-entry.ts inside,
 * this class outside). `partition(port)` holds that port's traffic still, both ways, without closing
 * anything, as a partition does; `heal` lets it flow again. No iptables needed (this machine has none).
 */
export class NetworkNamespace {
  private readonly gates = new Map<number, Gate>();
  private readonly servers: Server[] = [];
  private holder?: ChildProcess;

  constructor(
    private readonly dir: string,
    /** Host ports the process in the namespace connects to. */
    private readonly outbound: number[],
    /** Ports it serves, reached from the host on the same number. */
    private readonly inbound: number[],
  ) {}

  /** The namespace's file, for `nsenter --net=`. */
  get path(): string {
    return `/proc/${this.holder!.pid}/ns/net`;
  }

  /** The command prefix that runs a program inside the namespace. */
  get enter(): string[] {
    return ['nsenter', `--net=${this.path}`, '--'];
  }

  async create(entry: string, paths: string, log: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    for (const port of this.outbound) {
      const gate = new Gate();
      this.gates.set(port, gate);
      await this.listen(createServer((s) => gate.admit(s, () => connect(port, '127.0.0.1'))), join(this.dir, `out-${port}.sock`));
    }
    const out = openSync(log, 'a');
    const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
    this.holder = spawn('unshare', ['--net', '--', process.execPath, '-r', paths, entry, this.dir, this.outbound.join(','), this.inbound.join(',')], { cwd: ROOT, env, stdio: ['pipe', 'pipe', out] });
    await new Promise<void>((resolve, reject) => {
      this.holder!.once('exit', (code) => reject(new Error(`the network namespace's bridge exited (${code}); see ${log}`)));
      this.holder!.stdout!.once('data', () => resolve());
    });
    for (const port of this.inbound) await this.listen(createServer((s) => splice(s, connect(join(this.dir, `in-${port}.sock`)))), port, '127.0.0.1');
  }

  partition(port: number): void {
    this.gates.get(port)!.close();
  }

  heal(port: number): void {
    this.gates.get(port)!.open();
  }

  async destroy(): Promise<void> {
    for (const gate of this.gates.values()) gate.open();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    this.holder?.stdin?.end();
    this.holder?.kill('SIGTERM');
  }

  private listen(server: Server, at: string | number, host?: string): Promise<void> {
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      if (host) server.listen(at as number, host, resolve);
      else server.listen(at, resolve);
    });
  }
}
