import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localSigningSecret, mintToken } from '@register/auth';
import { createServer } from 'node:net';
import { uniqueName } from '../support/servers';

const run = promisify(execFile);

/**
 * Five free ports in a row (the gateway's, then the services'), below the range the OS hands out
 * for port 0 (32768 on): the other suites' servers take theirs there, so none can take one of these
 * between this check and the script's start.
 */
async function fivePortsFree(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const all = await Promise.all([0, 1, 2, 3, 4].map((k) => free(base + k)));
    if (all.every(Boolean)) return base;
  }
}
const root = join(__dirname, '..', '..');

/**
 * deploy/dev/distributed.sh, as the README has a user run it: `up` starts the five processes on the
 * dev servers and waits until each is ready, a second `up` finds them running, the register answers
 * a write and a read through the gateway (a member through personnel, which learns the branch from
 * organisation's events over Kafka), and `down` stops them all.
 */
describe('deploy/dev/distributed.sh: the distributed register on this machine without Docker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'register-dist-script-'));
  let env: NodeJS.ProcessEnv;
  const script = (command: string) => run('bash', [join(root, 'deploy/dev/distributed.sh'), command], { env, cwd: root, timeout: 180_000 });

  beforeAll(async () => {
    env = { ...process.env, REGISTER_DIST_DIR: dir, REGISTER_DIST_NAME: uniqueName('dist_script').toLowerCase(), REGISTER_DIST_PORT: String(await fivePortsFree()) };
  });

  afterAll(async () => {
    await script('down').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('up, up again, a member admitted and read through the gateway, status, down', async () => {
    const up = await script('up');
    expect(up.stdout).toContain('Union Register (distributed) is up');
    expect((await script('up')).stdout).toMatch(/gateway: running \(pid \d+\)/);

    const token = await mintToken(localSigningSecret(dir, { REGISTER_JWT_SECRET: readFileSync(join(dir, 'secrets/jwt'), 'utf8') }), { sub: 'admin', roles: ['central-admin'] });
    const base = `http://127.0.0.1:${env.REGISTER_DIST_PORT}/api/v1`;
    const send = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers' shapes are checked by the expectations
      return { status: r.status, body: (await r.json()) as Record<string, any> };
    };
    for (const unit of [{ id: 'tw', kind: 'central', name: 'Trung ương Đoàn' }, { id: 'na', kind: 'province', parentId: 'tw', name: 'Tỉnh đoàn Nghệ An' }, { id: 'tp', kind: 'grassroots', parentId: 'na', name: 'Đoàn xã Tiền Phong' }]) {
      expect((await send('POST', '/units', { ...unit, reason: 'khởi tạo' })).status).toBe(201);
    }
    expect((await send('POST', '/branches', { id: 'b1', parentUnitId: 'tp', name: 'Chi đoàn bản Na Ca', area: { kind: 'village', name: 'Na Ca' }, reason: 'khởi tạo' })).status).toBe(201);
    // Personnel learns of the branch from organisation's events: retried until it has.
    let admitted = { status: 0, body: {} as Record<string, unknown> };
    for (let i = 0; i < 60 && admitted.status !== 201; i++) {
      admitted = await send('POST', '/members', { id: 'm1', branchId: 'b1', fullName: 'Lò Thị Hương', dateOfBirth: '2003-05-10', gender: 'female', admittedOn: '2021-03-26', reason: 'kết nạp' });
      if (admitted.status !== 201) await new Promise((r) => setTimeout(r, 500));
    }
    expect(admitted.status).toBe(201);
    const listed = await send('GET', `/members?branchId=b1&minPosition=${admitted.body.position}`);
    expect(listed.body.items.map((m: { fullName: string }) => m.fullName)).toEqual(['Lò Thị Hương']);

    expect((await script('status')).stdout.match(/: running/g)).toHaveLength(5);
    await script('down');
    expect((await script('status')).stdout.match(/: not running/g)).toHaveLength(5);
  }, 300_000);
});
