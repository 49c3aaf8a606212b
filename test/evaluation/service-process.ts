import { ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, until } from '../messaging/processes';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A service's own process (`node dist/services/<service>/src/main.js`, its consumer group on Kafka); SIGKILL runs no shutdown hook. */
export class ServiceProcess {
  private child?: ChildProcess;
  kills = 0;

  constructor(
    private readonly service: string,
    private readonly env: Record<string, string>,
    private readonly port: number,
  ) {}

  async start() {
    this.child = fork(join(ROOT, `dist/services/${this.service}/src/main.js`), [], { cwd: ROOT, execArgv: ['-r', join(ROOT, 'scripts/paths.js')], env: { ...process.env, ...this.env, PORT: String(this.port), REGISTER_KAFKA_LOG: 'nothing' }, stdio: 'ignore' });
    await until(`${this.service} to start`, async () => (await fetch(`http://127.0.0.1:${this.port}/health/live`).catch(() => undefined))?.ok ?? false);
  }

  async kill() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }
}
