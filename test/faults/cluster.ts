import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Kafka } from 'kafkajs';
import { mintToken, MintOptions } from '@register/auth';
import { ensureTopics, eventsTopic, kafkaConfig } from '@register/messaging';
import { buildFixtures, ROOT, until } from '../messaging/processes';
import { servers as sharedServers, uniqueName } from '../support/servers';
import { freePort } from '../support/free-port';
import { NetworkNamespace } from './netns';
import type { ServerUrls } from './private-servers';

/** The distributed set's processes: four services behind the gateway. */
export const SERVICES = ['organisation', 'personnel', 'training', 'evaluation'] as const;
export type Component = (typeof SERVICES)[number] | 'gateway';
export const COMPONENTS: Component[] = [...SERVICES, 'gateway'];

/**
 * A copy of the build for one run: the checkout's dist/ is rebuilt by anyone at any time, and a
 * process restarted after a fault must run the code its peers run, not a build made meanwhile (a
 * restarted service installs its SQL functions again). Modules are still found in the checkout's
 * node_modules (NODE_PATH).
 */
export function snapshotBuild(dir: string): string {
  const build = join(dir, 'build');
  cpSync(join(ROOT, 'dist'), join(build, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'scripts/paths.js'), join(build, 'scripts/paths.js'));
  return build;
}

/** The newest (max) or oldest (min) modification time of the files under `dirs` whose names end so. */
function mtimes(dirs: string[], ending: RegExp, pick: (a: number, b: number) => number, start: number): number {
  let found = start;
  for (const dir of dirs.filter((d) => existsSync(d))) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && ending.test(entry.name)) found = pick(found, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return found;
}

/**
 * Builds (tsc), unless every file of dist/ is newer than every source file it is built from: CI
 * builds just before the tests, and a second build of the whole tree is a minute on two cores.
 */
export function buildUnlessFresh(): void {
  const sources = mtimes(['libs', 'services', 'test', 'scripts'].map((d) => join(ROOT, d)), /(?<!\.(spec|test))\.ts$/, Math.max, 0);
  const built = mtimes([join(ROOT, 'dist')], /\.js$/, Math.min, existsSync(join(ROOT, 'dist/test/faults/run-faults.js')) ? Infinity : 0);
  if (built <= sources) buildFixtures();
}

/** A free loopback port, as the kernel hands it out. */
export { freePort } from '../support/free-port';

/** One compiled program of the register as a child process, restartable on the same port and env. */
export class NodeProcess {
  child?: ChildProcess;
  startedAt = 0;
  /** Exits nobody asked for (a crash), as `<name> exited (<code or signal>)`. */
  readonly crashes: string[] = [];
  private stopping = false;

  constructor(
    readonly name: string,
    private readonly script: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    /** Where dist/ and scripts/paths.js are (see snapshotBuild). */
    private readonly build: string,
    /** A command the program runs under (nsenter into a network namespace), if any. */
    private readonly prefix: () => string[] = () => [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns it and waits until /health/ready answers 200. */
  async start(timeoutMs = 120_000): Promise<void> {
    const out = openSync(this.logFile, 'a');
    const [command, ...args] = [...this.prefix(), process.execPath];
    this.child = spawn(command, [...args, '--max-semi-space-size=16', '-r', join(this.build, 'scripts/paths.js'), join(this.build, 'dist', this.script)], {
      cwd: ROOT,
      env: { ...this.env, NODE_PATH: join(ROOT, 'node_modules') },
      stdio: ['ignore', out, out],
    });
    this.startedAt = Date.now();
    const child = this.child;
    this.stopping = false;
    child.once('exit', (code, signal) => this.stopping || this.crashes.push(`${this.name} exited (${code ?? signal}) at ${new Date().toISOString()}; see ${this.logFile}`));
    await until(`${this.name} ready on ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited (${child.exitCode}) before it was ready; see ${this.logFile}`);
      return this.ready();
    }, timeoutMs);
  }

  async ready(): Promise<boolean> {
    try {
      const r = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      return r.status === 200;
    } catch {
      return false;
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }

  /** A clean stop at the end of a run. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Creates an empty database on the PostgreSQL server; the run owns it. */
async function createDatabase(servers: ServerUrls, name: string): Promise<string> {
  const pg = new Client({ connectionString: servers.postgresUrl });
  await pg.connect();
  try {
    await pg.query(`create database ${name}`);
  } finally {
    await pg.end();
  }
  return servers.postgresUrl.replace(/\/[^/]+$/, `/${name}`);
}

/** The run's events topics, before any consumer subscribes to them (a relay creates its own only when it starts). */
async function createTopics(servers: ServerUrls, namespace: string): Promise<void> {
  const kafka = new Kafka(kafkaConfig({ brokers: servers.kafkaBrokers, clientId: `${namespace}-setup`, logLevel: 'nothing' }));
  await ensureTopics(kafka, SERVICES.map((s) => ({ topic: eventsTopic(s, { REGISTER_KAFKA_NAMESPACE: namespace }) })));
}

/** What one run of the distributed set is: its database, Mongo database, Kafka namespace, keys and ports. */
export interface ClusterConfig {
  runId: string;
  pgUrl: string;
  mongoUrl: string;
  namespace: string;
  jwtSecret: string;
  internalSecret: string;
  dataDir: string;
  servers: ServerUrls;
}

export interface ClusterOptions {
  /** The servers of the run (the shared ones of deploy/dev by default). */
  servers?: ServerUrls;
  /** The run's folder, if made already (it holds the private servers). */
  dataDir?: string;
  /** A service started in a network namespace of its own, so that its Kafka traffic can be cut (netns.ts). */
  isolated?: Service;
}

export type Service = (typeof SERVICES)[number];
const portOf = (url: string) => Number(new URL(url).port);

/**
 * The distributed register as separate processes on loopback: organisation, personnel, training,
 * evaluation and the gateway, on a fresh PostgreSQL database, a fresh FerretDB database and a Kafka
 * namespace of their own (REGISTER_KAFKA_NAMESPACE), so runs and other tests on the same servers
 * never see each other's events. Needs the build (`npx tsc -p tsconfig.build.json`); runs a copy of it.
 */
export class Cluster {
  readonly processes = new Map<Component, NodeProcess>();
  /** The isolated service's network namespace, if any. */
  netns?: NetworkNamespace;
  /** The run's copy of the build (snapshotBuild). */
  build = '';

  private constructor(
    readonly config: ClusterConfig,
    private readonly isolated?: Service,
  ) {}

  static async create(options: ClusterOptions = {}): Promise<Cluster> {
    const servers = options.servers ?? sharedServers;
    const runId = uniqueName('faults').replace(/_/g, '-').toLowerCase();
    const database = runId.replace(/-/g, '_');
    const config: ClusterConfig = {
      runId,
      pgUrl: await createDatabase(servers, database),
      mongoUrl: `${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${database}`,
      namespace: runId,
      jwtSecret: randomBytes(32).toString('base64url'),
      internalSecret: randomBytes(24).toString('base64url'),
      dataDir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'register-faults-')),
      servers,
    };
    await createTopics(servers, config.namespace);
    const cluster = new Cluster(config, options.isolated);
    await cluster.define();
    return cluster;
  }

  /** The Kafka port the run's services connect to. */
  get kafkaPort(): number {
    return Number(this.config.servers.kafkaBrokers[0].split(':').pop());
  }

  private async define(): Promise<void> {
    const ports = new Map<Component, number>();
    for (const c of COMPONENTS) ports.set(c, await freePort());
    const urls = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${ports.get(s)}`]));
    const build = (this.build = snapshotBuild(this.config.dataDir));
    if (this.isolated) await this.isolate(this.isolated, ports, build);
    const base = { ...process.env };
    for (const key of ['METRICS_PORT', 'METRICS_HOST', 'REGISTER_JWKS_URL', 'REGISTER_RELAY']) delete base[key];
    for (const c of COMPONENTS) {
      const env: NodeJS.ProcessEnv = {
        ...base,
        ...urls,
        REGISTER_MODE: 'distributed',
        EVENT_STORE: 'postgres',
        REGISTER_PG_URL: this.config.pgUrl,
        REGISTER_MONGO_URL: this.config.mongoUrl,
        KAFKA_BROKERS: this.config.servers.kafkaBrokers.join(','),
        REGISTER_KAFKA_NAMESPACE: this.config.namespace,
        REGISTER_KAFKA_LOG: 'nothing',
        REGISTER_INTERNAL_SECRET: this.config.internalSecret,
        REGISTER_JWT_SECRET: this.config.jwtSecret,
        // The same name across a restart: the restarted process takes its read models' leases back at once.
        REGISTER_INSTANCE_ID: `${this.config.runId}.${c}`,
        DATA_DIR: this.config.dataDir,
        HOST: '127.0.0.1',
        PORT: String(ports.get(c)),
      };
      const prefix = c === this.isolated ? () => this.netns!.enter : undefined;
      this.processes.set(c, new NodeProcess(c, `services/${c}/src/main.js`, ports.get(c)!, env, join(this.config.dataDir, `${c}.log`), build, prefix));
    }
  }

  /** The isolated service's namespace: it reaches the servers and the other processes, and serves its port, through the bridge. */
  private async isolate(service: Service, ports: Map<Component, number>, build: string): Promise<void> {
    const { postgresUrl, mongoUrl } = this.config.servers;
    const peers = COMPONENTS.filter((c) => c !== service).map((c) => ports.get(c)!);
    this.netns = new NetworkNamespace(join(this.config.dataDir, 'netns'), [portOf(postgresUrl), this.kafkaPort, portOf(mongoUrl), ...peers], [ports.get(service)!]);
    await this.netns.create(join(build, 'dist/test/faults/netns-entry.js'), join(build, 'scripts/paths.js'), join(this.config.dataDir, 'netns.log'));
  }

  get(component: Component): NodeProcess {
    return this.processes.get(component)!;
  }

  get gatewayUrl(): string {
    return `${this.get('gateway').url}/api/v1`;
  }

  /**
   * Organisation first (it creates its schema and topics), then the others and the gateway together:
   * the gateway answers ready only once every service is live, so it need not start after them.
   */
  async start(): Promise<void> {
    await this.get('organisation').start();
    await Promise.all(COMPONENTS.filter((c) => c !== 'organisation').map((c) => this.get(c).start()));
  }

  /** Stops every process cleanly (they release their read models' leases). */
  async stopProcesses(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }

  /** Stops every process; the run's folder keeps their logs, not the copy of the build. */
  async stop(): Promise<void> {
    await this.stopProcesses();
    await this.netns?.destroy();
    rmSync(join(this.config.dataDir, 'build'), { recursive: true, force: true });
  }

  /** A bearer token the gateway accepts (signed with the run's REGISTER_JWT_SECRET). */
  async bearer(options: MintOptions): Promise<string> {
    return `Bearer ${await mintToken(this.config.jwtSecret, { ttlSeconds: 3600, ...options })}`;
  }

  /** Every process answers ready. */
  async allReady(): Promise<boolean> {
    const states = await Promise.all([...this.processes.values()].map((p) => p.ready()));
    return states.every(Boolean);
  }
}
