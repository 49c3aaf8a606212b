import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, until } from '../messaging/processes';
import { freePort } from './cluster';

const run = promisify(execFile);

export type Server = 'postgres' | 'kafka' | 'ferretdb';
export const SERVERS: Server[] = ['postgres', 'kafka', 'ferretdb'];

/** Where a cluster finds its servers (the shared ones of test/support/servers.ts, or PrivateServers). */
export interface ServerUrls {
  postgresUrl: string;
  kafkaBrokers: string[];
  mongoUrl: string;
}

/**
 * PostgreSQL, Kafka (KRaft) and FerretDB of a fault run's own: deploy/dev's scripts on other
 * loopback ports, with their data, logs and pids under `<run folder>/servers`, so that the run may
 * SIGKILL and SIGSTOP them without touching the shared servers every other test uses. Stopped (and
 * their data left for reading) at the end of the run.
 */
export class PrivateServers implements ServerUrls {
  private constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(runDir: string, log: (line: string) => void = () => undefined): Promise<PrivateServers> {
    const dir = join(runDir, 'servers');
    mkdirSync(dir, { recursive: true });
    // PostgreSQL runs as the postgres user: it must reach its directory through the run's folder.
    chmodSync(runDir, 0o755);
    chmodSync(dir, 0o755);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PGPORT: String(await freePort()),
      REGISTER_PG_DIR: join(dir, 'postgres/data'),
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      KAFKA_STATE_DIR: join(dir, 'kafka'),
      // Two cores and other test runs beside it: a small broker is enough for one run's topics.
      KAFKA_HEAP: '256m',
      MONGO_PORT: String(await freePort()),
      FERRETDB_RUN_DIR: join(dir, 'ferretdb'),
    };
    const servers = new PrivateServers(dir, env);
    for (const server of SERVERS) await servers.up(server);
    log(`private servers: ${servers.postgresUrl}, kafka ${servers.kafkaBrokers[0]}, ${servers.mongoUrl} (${dir})`);
    return servers;
  }

  get postgresUrl(): string {
    return `postgres://register:register@127.0.0.1:${this.env.PGPORT}/register_test`;
  }

  get kafkaBrokers(): string[] {
    return [`127.0.0.1:${this.env.KAFKA_PORT}`];
  }

  get mongoUrl(): string {
    return `mongodb://127.0.0.1:${this.env.MONGO_PORT}/`;
  }

  get kafkaPort(): number {
    return Number(this.env.KAFKA_PORT);
  }

  /** The ports a service of the run connects to. */
  get ports(): number[] {
    return [this.env.PGPORT, this.env.KAFKA_PORT, this.env.MONGO_PORT].map(Number);
  }

  /** The script's `up`: starts the server (idempotent) and waits until it serves. */
  async up(server: Server): Promise<void> {
    await run('bash', [join(ROOT, `deploy/dev/${server}.sh`), 'up'], { cwd: ROOT, env: this.env, maxBuffer: 16 * 1024 * 1024 });
  }

  /** The pid its script keeps: PostgreSQL's postmaster, the broker's JVM, FerretDB's binary. */
  pid(server: Server): number {
    const file = { postgres: join(this.env.REGISTER_PG_DIR!, 'postmaster.pid'), kafka: join(this.dir, 'kafka/kafka.pid'), ferretdb: join(this.dir, 'ferretdb/ferretdb.pid') }[server];
    return Number(readFileSync(file, 'utf8').split('\n')[0].trim());
  }

  /** SIGKILL, and wait until the process is gone (the script's `up` restarts it). */
  async kill(server: Server): Promise<void> {
    const pid = this.pid(server);
    process.kill(pid, 'SIGKILL');
    await until(`${server} (pid ${pid}) gone`, () => !alive(pid), 60_000);
  }

  signal(server: Server, signal: 'SIGSTOP' | 'SIGCONT'): void {
    process.kill(this.pid(server), signal);
  }

  /** Every server's script `down` (a stalled one is let go on first). */
  async stop(): Promise<void> {
    for (const server of [...SERVERS].reverse()) {
      try {
        this.signal(server, 'SIGCONT');
      } catch {
        // not running
      }
      await run('bash', [join(ROOT, `deploy/dev/${server}.sh`), 'down'], { cwd: ROOT, env: this.env }).catch(() => undefined);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
