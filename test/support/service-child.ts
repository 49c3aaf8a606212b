import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../messaging/processes';

const SHOWN_LINES = 200;

/**
 * A service's compiled main as its own process, as it runs in production (`node
 * dist/services/<service>/src/main.js`). The output of its current start is kept (`output`), and
 * its last lines are shown when a start fails: a start that ends with the process gone fails at
 * once, one that never becomes ready says what readiness answered last. SIGTERM runs the shutdown
 * hooks; SIGKILL runs none.
 */
export class ServiceChild {
  private child?: ChildProcess;
  private printed = '';
  kills = 0;

  constructor(
    private readonly service: string,
    private readonly env: Record<string, string>,
    readonly port: number,
    readonly metricsPort?: number,
  ) {}

  /** Starts it and waits until `/health/<probe>` answers 200 (`ready`: the consumer group caught up with what its topics held). */
  async start(probe: 'live' | 'ready' = 'live', timeoutMs = 180_000): Promise<void> {
    this.printed = '';
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: String(this.port), REGISTER_KAFKA_LOG: this.env.REGISTER_KAFKA_LOG ?? 'error' };
    if (this.metricsPort !== undefined) env.METRICS_PORT = String(this.metricsPort);
    const child = fork(join(ROOT, `dist/services/${this.service}/src/main.js`), [], { cwd: ROOT, execArgv: ['-r', join(ROOT, 'scripts/paths.js')], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (text: string) => this.keep(text));
    await this.untilAnswers(child, probe, timeoutMs);
  }

  private keep(text: string) {
    this.printed += text;
  }

  /** What the process printed since its last start. */
  get output(): string {
    return this.printed;
  }

  private async untilAnswers(child: ChildProcess, probe: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw this.failure(`${this.service} exited (${child.exitCode ?? child.signalCode}) before /health/${probe} answered`);
      const answer = await fetch(`http://127.0.0.1:${this.port}/health/${probe}`, { signal: AbortSignal.timeout(5_000) }).then(
        async (r) => ({ ok: r.ok, text: `${r.status} ${await r.text()}` }),
        (error: Error) => ({ ok: false, text: error.message }),
      );
      if (answer.ok) return;
      last = answer.text;
      if (Date.now() > deadline) throw this.failure(`${this.service} did not answer /health/${probe} in ${timeoutMs / 1000} s; last answer: ${last}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private failure(what: string): Error {
    return new Error(`${what}\n--- its last output ---\n${this.printed.split('\n').slice(-SHOWN_LINES).join('\n')}`);
  }

  async stop(signal: 'SIGTERM' | 'SIGINT' | 'SIGKILL' = 'SIGKILL') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    if (signal === 'SIGKILL') this.kills++;
  }

  async restart() {
    await this.stop('SIGKILL');
    await this.start();
  }

  /** Messages the service's consumer group handled since this process started (needs a metrics port). */
  async handled(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('register_consumer_messages_handled_total{'));
    return line ? Number(line.split(' ').pop()) : 0;
  }
}
