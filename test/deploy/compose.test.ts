import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@register/service-kit';
import { serviceUrls } from '../../services/gateway/src/proxy/service-routes';

/**
 * Issue 16, point 5: docker-compose.yml, the set a user deploys first, runs the distributed set the
 * tests run (PostgreSQL, Kafka, MongoDB), EventStoreDB only under a profile, and each service's
 * command and settings are the ones its code reads. No Docker here: the file is read, not run.
 */
const root = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: string[];
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
}

/** `${NAME:-default}` as compose reads it with NAME unset, and `$$` as one `$`. */
const interpolate = (value: string | number) => String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1').replace(/\$\$/g, '$');

function compose(): Record<string, ComposeService> {
  return parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }).services;
}

const envOf = (service: ComposeService): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));

/** The register's own services: those whose command runs a built main.js. */
const appServices = (services: Record<string, ComposeService>) => Object.entries(services).filter(([, s]) => s.command?.[0]?.startsWith('dist/'));

/** The port a service listens on by default: runService(name, …, port) in its main.ts. */
function defaultPort(name: string): number {
  const main = readFileSync(join(root, 'services', name, 'src', 'main.ts'), 'utf8');
  const m = new RegExp(`runService\\('${name}',[^;]*?(\\d+)(?:, [A-Z_]+)?\\);`).exec(main);
  if (!m) throw new Error(`no runService('${name}', …, port) in services/${name}/src/main.ts`);
  return Number(m[1]);
}

const hostOf = (url: string) => new URL(url).hostname;

describe('docker-compose.yml against the code', () => {
  const services = compose();
  const started = Object.entries(services).filter(([, s]) => !s.profiles);

  it('runs each service from the main.js the build makes of services/<name>/src/main.ts', () => {
    const apps = appServices(services);
    expect(apps.map(([name]) => name).sort()).toEqual(['evaluation', 'gateway', 'organisation', 'personnel', 'training']);
    for (const [name, service] of apps) {
      expect(service.command).toEqual([`dist/services/${name}/src/main.js`]);
      expect(existsSync(join(root, 'services', name, 'src', 'main.ts'))).toBe(true);
    }
  });

  it('starts PostgreSQL, Kafka and MongoDB by default, and EventStoreDB only under the eventstoredb profile', () => {
    expect(started.map(([name]) => name)).toEqual(expect.arrayContaining(['postgres', 'kafka', 'mongo']));
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.eventstore.profiles).toEqual(['eventstoredb']);
    for (const [, service] of started) expect(service.depends_on ?? []).not.toContain('eventstore');
  });

  it.each(['organisation', 'personnel', 'training', 'evaluation', 'gateway'])('gives %s what loadConfig needs for the distributed set on PostgreSQL', (name) => {
    const service = services[name];
    const env = envOf(service);
    const config = loadConfig(env);
    expect(config).toMatchObject({ mode: 'distributed', eventStore: 'postgres', kafkaBrokers: ['kafka:9092'] });
    expect(env).toEqual(expect.objectContaining({ REGISTER_PG_URL: expect.any(String), KAFKA_BROKERS: expect.any(String), REGISTER_MONGO_URL: expect.any(String) }));
    expect(String(env.REGISTER_INTERNAL_SECRET).length).toBeGreaterThanOrEqual(16);
    const pg = new URL(config.postgresUrl);
    const db = envOf(services.postgres);
    expect([pg.hostname, pg.port, pg.username, pg.password, pg.pathname]).toEqual(['postgres', '5432', db.POSTGRES_USER, db.POSTGRES_PASSWORD, `/${db.POSTGRES_DB}`]);
    expect(hostOf(config.mongoUrl)).toBe('mongo');
    expect(service.depends_on).toEqual(expect.arrayContaining(['postgres', 'kafka', 'mongo']));
    expect(env.PORT).toBeUndefined(); // each listens on its main.ts's port, which the gateway's URLs name
  });

  it("names in the gateway's environment each service's URL as serviceUrls() reads it, on the service's own port", () => {
    const urls = serviceUrls(envOf(services.gateway));
    for (const [name, url] of Object.entries(urls)) expect(url).toBe(`http://${name}:${defaultPort(name)}`);
    expect(services.gateway.ports).toEqual([`${defaultPort('gateway')}:${defaultPort('gateway')}`]);
  });

  it("keeps the gateway's DATA_DIR (signing key, API keys) on a volume the image lets the node user write", () => {
    const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');
    const dataDir = envOf(services.gateway).DATA_DIR!;
    expect(services.gateway).toMatchObject({ volumes: [expect.stringMatching(new RegExp(`:${dataDir}$`))] });
    expect(dockerfile).toContain(`chown node:node ${dataDir}`);
  });

  it("runs the image's entry point with the path mapping the build needs, and its default command exists", () => {
    const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node",.*"-r", "\.\/scripts\/paths\.js"\]/);
    expect(existsSync(join(root, 'scripts/paths.js'))).toBe(true);
    const cmd = /CMD \["dist\/services\/(\w+)\/src\/main\.js"\]/.exec(dockerfile);
    expect(existsSync(join(root, 'services', cmd![1], 'src', 'main.ts'))).toBe(true);
  });
});
