import { ChildProcess, execFile, execFileSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port';

// From test/messaging (ts-jest) or dist/test/messaging (a compiled benchmark): the repository root.
const up2 = resolve(__dirname, '../..');
export const ROOT = basename(up2) === 'dist' ? resolve(up2, '..') : up2;
const PATHS = join(ROOT, 'scripts/paths.js');

/**
 * The sources under `dirs` whose compiled file is older than they are and than the last build of
 * this project that passed (`stamp`: tsc does not write again a file whose text did not change, so
 * a touched source stays older than its output until the next build), and the configurations
 * changed since that build or since `npm run build`'s last (its build info, written as it ends):
 * the projects here compile what it compiles, with its options. A fresh checkout after
 * `npm test`'s build compiled them all again, a minute of a CI run's CPU.
 */
function staleSources(stamp: string, project: string, dirs: readonly string[]): string[] {
  const built = mtimeOf(stamp);
  const configured = Math.max(built, mtimeOf(join(ROOT, 'dist', '.tsbuildinfo')));
  const stale = [...new Set(['tsconfig.json', 'tsconfig.build.json', project])].filter((f) => statSync(join(ROOT, f)).mtimeMs >= configured);
  for (const dir of dirs) {
    const full = join(ROOT, dir);
    const entries = statSync(full).isDirectory() ? readdirSync(full, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : [full];
    for (const source of entries) {
      if (!/(?<!\.(spec|test|d))\.ts$/.test(source) || source.includes('node_modules')) continue;
      const output = join(ROOT, 'dist', relative(ROOT, source).replace(/\.ts$/, '.js'));
      const changed = statSync(source).mtimeMs;
      if (changed >= built && (!existsSync(output) || statSync(output).mtimeMs <= changed)) stale.push(source);
    }
  }
  return stale;
}

function mtimeOf(file: string): number {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/**
 * Compiles a TypeScript project into dist/ when one of its sources (under `dirs`) changed since
 * its output or since its last build here. `npm test` builds just before jest, and tsc with nothing
 * to do still costs some 13 s of CPU for each suite that asks.
 */
export function buildWhenStale(project: string, dirs: readonly string[]): void {
  const stamp = join(ROOT, 'dist', `.built-${basename(project, '.json')}`);
  if (staleSources(stamp, project, dirs).length === 0) return;
  const began = new Date();
  execFileSync('npx', ['tsc', '-p', project], { cwd: ROOT, stdio: 'inherit' });
  writeFileSync(stamp, '');
  utimesSync(stamp, began, began);
}

/** The fixtures run compiled, as the services do: the whole build, when a source changed. */
export function buildFixtures(): void {
  buildWhenStale('tsconfig.build.json', ['libs', 'services', 'test', 'scripts']);
}

/** A compiled program under dist/, as a child with IPC; `config` arrives as FIXTURE_CONFIG. */
export class Fixture {
  child?: ChildProcess;
  kills = 0;

  constructor(
    private readonly script: string,
    private readonly config: unknown,
  ) {}

  /** Starts it and waits for its `{ ready: true }`. */
  async start(): Promise<this> {
    const child = fork(join(ROOT, 'dist', this.script), [], {
      cwd: ROOT,
      execArgv: ['-r', PATHS],
      env: { ...process.env, FIXTURE_CONFIG: JSON.stringify(this.config), REGISTER_KAFKA_LOG: process.env.REGISTER_KAFKA_LOG ?? 'nothing' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    await new Promise<void>((resolve_, reject) => {
      const onMessage = (m: { ready?: boolean }) => m.ready && (child.off('exit', onExit), resolve_());
      const onExit = (code: number | null) => reject(new Error(`${this.script} exited (${code}) before it was ready`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return this;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

/** Polls `check` until it returns true; throws with `what` when `timeoutMs` passes. No fixed sleeps. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

const run = promisify(execFile);

/**
 * The dev broker's own script: `restart` is a clean stop then a start that waits until it serves.
 * `env` names another broker of the script's (its ports and state folder: PrivateKafka).
 */
export async function kafkaScript(action: 'up' | 'down' | 'restart', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await run('bash', [join(ROOT, 'deploy/dev/kafka.sh'), action], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * A broker of a suite's own (deploy/dev/kafka.sh on free loopback ports, its state in a folder of
 * its own), for a suite that stops and restarts its broker while other suites run on the shared one.
 */
export class PrivateKafka {
  private constructor(private readonly env: NodeJS.ProcessEnv, private readonly state: string) {}

  static async start(): Promise<PrivateKafka> {
    const state = mkdtempSync(join(tmpdir(), 'register-kafka-'));
    const env = { ...process.env, KAFKA_PORT: String(await freePort()), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_STATE_DIR: state, KAFKA_HEAP: '256m' };
    const broker = new PrivateKafka(env, state);
    await kafkaScript('up', env);
    return broker;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.env.KAFKA_PORT}`];
  }

  restart(): Promise<void> {
    return kafkaScript('restart', this.env);
  }

  async stop(): Promise<void> {
    await kafkaScript('down', this.env);
    rmSync(this.state, { recursive: true, force: true });
  }
}

export function randomBetween(minMs: number, maxMs: number): number {
  return minMs + Math.floor(Math.random() * (maxMs - minMs));
}
