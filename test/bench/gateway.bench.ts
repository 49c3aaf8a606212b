/**
 * Read and write throughput and latency through the gateway (authentication, rate limit,
 * authorisation against the tree, validation, the organisation service in the same process), beside
 * a bare Fastify handler serving the same document, in the same run.
 *
 * - reads: GET /api/v1/branches/{id} with a bearer token  vs  bare GET /doc answering the same JSON and ETag.
 * - writes: POST /api/v1/branches/{id}/renames by a unit officer (scope check, one event appended to
 *   the PGlite log)  vs  bare POST /doc that parses the same body and answers the same shape.
 * - distributed: the same through the distributed gateway, which forwards over HTTP to an
 *   organisation service (caller signed into a header, scope asked of organisation per write).
 *   The service runs in a child process, as in the cluster (the two share this machine's cores).
 *   The gateway forwards from a plain Fastify route (proxy/forwarding-route.ts: GatewayAccess, then
 *   the hop), not a Nest controller, and pipelines reads to the service through undici
 *   (proxy/undici-reads.ts): on a 2-core VM the write that wakes the service's process is most of a
 *   read's CPU, and reads that join a busy connection share a wake-up.
 * Keep-alive HTTP over loopback; C concurrent clients; rounds of the contenders alternate, each
 * once both processes are quiet.
 * CPU columns: µs of CPU per request in this process (clients, gateways, bare handler) and in the
 * organisation service's process, which tell more than ops/s when another load shares the machine.
 *
 * Run: npm run bench:gateway  (BENCH_SECONDS per round, BENCH_CONCURRENCY, BENCH_ROUNDS; BENCH_ONLY, a
 * regular expression of contender names, runs only those, e.g. to profile one of them;
 * BENCH_SERVICE_NODE_ARGS, node options for the organisation service's process, e.g. --cpu-prof;
 * BENCH_PROFILE, a regular expression of contender names: CPU profiles of this process during
 * their rounds only, written to the temporary folder as gateway-bench-<name>-<round>.cpuprofile)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { mintToken } from '@register/auth';
import { createHttpApp, loadConfig, rootModuleOf } from '@register/service-kit';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { GatewayProxyModule } from '../../services/gateway/src/proxy/proxy.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { environment, percentile, printTable, round, writeResults } from './bench-util';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Tally {
  latencies: number[];
  ops: number;
  seconds: number;
  errors: number;
  /** CPU µs spent by this process and by the service's child process. */
  cpu: number;
  serviceCpu: number;
}

const tally = (): Tally => ({ latencies: [], ops: 0, seconds: 0, errors: 0, cpu: 0, serviceCpu: 0 });

/** CPU µs a process has used so far (Linux /proc; 0 where there is none). */
function cpuOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // utime + stime, in 100 Hz ticks
  } catch {
    return 0;
  }
}
let servicePid: number | undefined;

/**
 * Waits until this process and the service have been quiet for a moment (under 5% of a core over
 * 200 ms), at most 15 s: work a write round leaves behind (projections catching up with the log)
 * would otherwise run in the next contender's round and count against it. Returns the ms waited.
 */
async function quiet(): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 15_000) {
    const before = cpuOf(process.pid) + cpuOf(servicePid);
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (cpuOf(process.pid) + cpuOf(servicePid) - before < 10_000) break;
  }
  return performance.now() - start;
}

/** C clients, each one request in flight, for `seconds`. */
async function load(seconds: number, op: (i: number) => Promise<boolean>, tally: Tally) {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const service0 = cpuOf(servicePid);
  let i = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() - start < seconds * 1000) {
        const t0 = performance.now();
        const ok = await op(i++);
        tally.latencies.push(performance.now() - t0);
        tally.ops++;
        if (!ok) tally.errors++;
      }
    }),
  );
  tally.seconds += (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  tally.cpu += cpu.user + cpu.system;
  tally.serviceCpu += cpuOf(servicePid) - service0;
}

const summary = (name: string, t: Tally) => {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  const perOp = (us: number) => round(us / Math.max(1, t.ops), 0);
  return { name, ops: t.ops, errors: t.errors, opsPerSec: round(t.ops / t.seconds, 1), p50: round(percentile(sorted, 50), 3), p99: round(percentile(sorted, 99), 3), cpuUsPerOp: perOp(t.cpu), serviceCpuUsPerOp: perOp(t.serviceCpu) };
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-gateway-bench-'));
  process.env.REGISTER_RELAY = 'off';
  process.env.REGISTER_RATE_PER_SEC = '1000000000';
  process.env.REGISTER_RATE_BURST = '1000000000';
  const config = loadConfig({ REGISTER_MODE: 'embedded', EVENT_STORE: 'pglite', DATA_DIR: dataDir });
  const app = await createHttpApp(rootModuleOf(config, [OrganisationModule, GatewayModule]), { title: 'bench', logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const secret = app.get(AuthService).localSecret!;
  const admin = { authorization: `Bearer ${await mintToken(secret, { sub: 'admin', roles: ['central-admin'] })}` };
  const officer = { authorization: `Bearer ${await mintToken(secret, { sub: 'officer', roles: ['unit-officer'], scopeUnitId: 'qp' })}` };
  const why = { reason: 'khởi tạo', effectiveDate: '2025-01-01' };
  for (const u of [
    { id: 'tw', kind: 'central', name: 'Trung ương Đoàn' },
    { id: 'na', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw' },
    { id: 'qp', kind: 'district', name: 'Huyện đoàn Quế Phong', parentId: 'na' },
    { id: 'xa-1', kind: 'grassroots', name: 'Đoàn xã Tiền Phong', parentId: 'qp' },
  ]) {
    const r = await call(port, 'POST', '/api/v1/units', admin, JSON.stringify({ ...u, ...why }));
    if (r.status !== 201) throw new Error(r.text);
  }
  for (let k = 0; k < 200; k++) {
    const r = await call(port, 'POST', '/api/v1/branches', admin, JSON.stringify({ id: `b-${k}`, parentUnitId: 'xa-1', name: `Chi đoàn bản ${k}`, area: { kind: 'village', name: `Bản ${k}` }, ...why }));
    if (r.status !== 201) throw new Error(r.text);
  }
  // The distributed set: an organisation service that answers only the gateway, and the gateway.
  process.env.REGISTER_INTERNAL_SECRET ??= 'bench-internal-secret-0123456789';
  const backendDir = mkdtempSync(join(tmpdir(), 'register-gateway-bench-org-'));
  const backend = fork(join(__dirname, 'fixtures', 'organisation-service.js'), [], {
    // as the image runs a service (deploy/docker/Dockerfile)
    execArgv: ['--max-semi-space-size=64', '-r', join(__dirname, '..', '..', '..', 'scripts', 'paths.js'), ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, DATA_DIR: backendDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  servicePid = backend.pid;
  const backendPort = await new Promise<number>((resolve, reject) => {
    backend.once('message', (m: { port: number }) => resolve(m.port));
    backend.once('exit', (code) => reject(new Error(`the organisation service exited (${code})`)));
  });
  process.env.ORGANISATION_URL = `http://127.0.0.1:${backendPort}`;
  const startFront = async () => {
    const gateway = await createHttpApp(rootModuleOf(loadConfig({ REGISTER_MODE: 'distributed', EVENT_STORE: 'pglite', DATA_DIR: dataDir }), [GatewayModule, GatewayProxyModule]), { title: 'bench gateway', logger: false });
    await gateway.listen(0, '127.0.0.1');
    return { gateway, port: (gateway.getHttpServer().address() as { port: number }).port };
  };
  const { gateway: front, port: frontPort } = await startFront();
  for (const u of [
    { id: 'tw', kind: 'central', name: 'Trung ương Đoàn' },
    { id: 'na', kind: 'province', name: 'Tỉnh đoàn Nghệ An', parentId: 'tw' },
    { id: 'qp', kind: 'district', name: 'Huyện đoàn Quế Phong', parentId: 'na' },
    { id: 'xa-1', kind: 'grassroots', name: 'Đoàn xã Tiền Phong', parentId: 'qp' },
  ]) {
    const r = await call(frontPort, 'POST', '/api/v1/units', admin, JSON.stringify({ ...u, ...why }));
    if (r.status !== 201) throw new Error(r.text);
  }
  for (let k = 0; k < 200; k++) {
    const r = await call(frontPort, 'POST', '/api/v1/branches', admin, JSON.stringify({ id: `b-${k}`, parentUnitId: 'xa-1', name: `Chi đoàn bản ${k}`, area: { kind: 'village', name: `Bản ${k}` }, ...why }));
    if (r.status !== 201) throw new Error(r.text);
  }

  const doc = await call(port, 'GET', '/api/v1/branches/b-1', admin);
  const document = JSON.parse(doc.text);

  const bare = Fastify({ bodyLimit: 256 * 1024 });
  bare.get('/doc', async (_req, reply) => reply.header('etag', '"1"').send(document));
  bare.post('/doc', async (req, reply) => reply.code(201).send({ id: (req.body as { name?: string }).name ? 'b-1' : 'x', version: 2, position: 1 }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;

  const tallies = Object.fromEntries(['gateway read', 'bare read', 'gateway write', 'bare write', 'app /health/live (Nest, no auth, no store)', 'distributed gateway read', 'distributed gateway write'].map((n) => [n, tally()]));
  const gwRead = async (i: number) => (await call(port, 'GET', `/api/v1/branches/b-${i % 200}`, officer)).status === 200;
  const bareRead = async () => (await call(barePort, 'GET', '/doc', officer)).status === 200;
  let n = 0;
  const gwWrite = async (i: number) => (await call(port, 'POST', `/api/v1/branches/b-${i % 200}/renames`, officer, JSON.stringify({ name: `Chi đoàn bản ${i % 200} lần ${n++}`, reason: 'đổi tên' }))).status === 201;
  const bareWrite = async (i: number) => (await call(barePort, 'POST', '/doc', officer, JSON.stringify({ name: `Chi đoàn bản ${i % 200} lần ${n++}`, reason: 'đổi tên' }))).status === 201;

  const distRead = async (i: number) => (await call(frontPort, 'GET', `/api/v1/branches/b-${i % 200}`, officer)).status === 200;
  const distWrite = async (i: number) => (await call(frontPort, 'POST', `/api/v1/branches/b-${i % 200}/renames`, officer, JSON.stringify({ name: `Chi đoàn bản ${i % 200} lần ${n++}`, reason: 'đổi tên' }))).status === 201;
  const appHealth = async () => (await call(port, 'GET', '/health/live', {})).status === 200;
  const runs = (name: string) => !ONLY || ONLY.test(name);
  if (runs('gateway read')) await load(1, gwRead, tally()); // warm-up
  if (runs('bare read')) await load(1, bareRead, tally());
  if (runs('distributed gateway read')) await load(1, distRead, tally());
  const contenders: Array<[string, (i: number) => Promise<boolean>]> = [
    ['gateway read', gwRead],
    ['bare read', bareRead],
    ['gateway write', gwWrite],
    ['bare write', bareWrite],
    ['app /health/live (Nest, no auth, no store)', appHealth],
    ['distributed gateway read', distRead],
    ['distributed gateway write', distWrite],
  ];
  const profiled = process.env.BENCH_PROFILE ? new RegExp(process.env.BENCH_PROFILE) : undefined;
  const session = profiled ? new Session() : undefined;
  session?.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session!.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  if (session) await post('Profiler.enable');
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, op] of contenders) {
      if (!runs(name)) continue;
      const waited = await quiet();
      if (waited > 1000) console.log(`waited ${Math.round(waited)} ms for the machine to go quiet before ${name}`);
      if (profiled?.test(name)) await post('Profiler.start');
      await load(SECONDS, op, tallies[name]);
      if (profiled?.test(name)) writeFileSync(join(tmpdir(), `gateway-bench-${name.replace(/\W+/g, '-')}-${r}.cpuprofile`), JSON.stringify(((await post('Profiler.stop')) as { profile: unknown }).profile));
    }
  }
  session?.disconnect();
  const rows = Object.entries(tallies).map(([name, t]) => summary(name, t));
  printTable(['contender', 'ops', 'errors', 'ops/s', 'p50 ms', 'p99 ms', 'cpu µs/op', 'service cpu µs/op'], rows.map((s) => [s.name, s.ops, s.errors, s.opsPerSec, s.p50, s.p99, s.cpuUsPerOp, s.serviceCpuUsPerOp]), `gateway vs bare Fastify (${CONCURRENCY} clients, ${ROUNDS}×${SECONDS}s rounds)`);
  const ratio = {
    readThroughput: round(rows[0].opsPerSec / rows[1].opsPerSec, 3),
    readP99: round(rows[0].p99 / rows[1].p99, 3),
    writeThroughput: round(rows[2].opsPerSec / rows[3].opsPerSec, 3),
    writeP99: round(rows[2].p99 / rows[3].p99, 3),
    distributedReadThroughput: round(rows[5].opsPerSec / rows[1].opsPerSec, 3),
    distributedReadP99: round(rows[5].p99 / rows[1].p99, 3),
    distributedWriteThroughput: round(rows[6].opsPerSec / rows[3].opsPerSec, 3),
  };
  console.log(`\nratios gateway/bare: ${JSON.stringify(ratio)}  (target: reads ≥ 0.5× bare throughput)`);
  console.log(`results: ${writeResults('gateway', { environment: environment(), concurrency: CONCURRENCY, rounds: ROUNDS, secondsPerRound: SECONDS, rows, ratio })}`);
  await bare.close();
  await front.close();
  backend.disconnect();
  await new Promise((resolve) => backend.once('exit', resolve));
  await app.close();
  rmSync(backendDir, { recursive: true, force: true });
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
