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
 * The ports of the gateway and of two instances of each service free (the gateway's, the services'
 * first instances' next to it, their second ones' 10 above), below the range the OS hands out
 * for port 0 (32768 on): the other suites' servers take theirs there, so none can take one of these
 * between this check and the script's start.
 */
async function portsFree(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const all = await Promise.all([0, 1, 2, 3, 4, 11, 12, 13, 14].map((k) => free(base + k)));
    if (all.every(Boolean)) return base;
  }
}
const root = join(__dirname, '..', '..');

/**
 * deploy/dev/distributed.sh, as the README has a user run it: `up` starts the nine processes (two
 * instances of each service) on the dev servers and waits until each is ready, a second `up` finds
 * them running, the register answers writes and a read through the gateway, each write sent the
 * moment the one before was answered, whichever service learns of it over Kafka, and `down` stops
 * them all.
 */
describe('deploy/dev/distributed.sh: the distributed register on this machine without Docker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'register-dist-script-'));
  let env: NodeJS.ProcessEnv;
  const script = (command: string) => run('bash', [join(root, 'deploy/dev/distributed.sh'), command], { env, cwd: root, timeout: 180_000 });

  beforeAll(async () => {
    env = { ...process.env, REGISTER_DIST_DIR: dir, REGISTER_DIST_NAME: uniqueName('dist_script').toLowerCase(), REGISTER_DIST_PORT: String(await portsFree()), REGISTER_DIST_INSTANCES: '2' };
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
    // Personnel learns of the branch from organisation's events, sent the moment the branch's 201
    // came: organisation answers once its events are on Kafka, and personnel decides once it has read
    // what Kafka holds (a probe had such commands refused, or recorded on a stale copy, 1 in 5).
    const admitted = await send('POST', '/members', { id: 'm1', branchId: 'b1', fullName: 'Lò Thị Hương', dateOfBirth: '2003-05-10', gender: 'female', admittedOn: '2021-03-26', reason: 'kết nạp' });
    expect(admitted.status === 201 ? 201 : admitted.body).toBe(201);
    const listed = await send('GET', `/members?branchId=b1&minPosition=${admitted.body.position}`);
    expect(listed.body.items.map((m: { fullName: string }) => m.fullName)).toEqual(['Lò Thị Hương']);
    // Each command at once after the one before, across services: a course of a commune just
    // established, a branch of it, a member admitted there, appointed, and enrolled with that post.
    const today = new Date().toISOString().slice(0, 10);
    const wrong: unknown[] = [];
    // Two instances of each service: the gateway spreads the commands over them (without the waits, 1
    // to 3 rounds of 8 failed so; with one instance, 1 round in 50).
    for (let i = 0; i < 8; i++) {
      const role = i % 2 ? 'deputy-secretary' : 'secretary';
      const answers = [
        await send('POST', '/units', { id: `c${i}`, kind: 'grassroots', parentId: 'na', name: `Đoàn xã Thử ${i}`, reason: 'thành lập', effectiveDate: '2026-01-01' }),
        await send('POST', '/training-courses', { organiserUnitId: `c${i}`, title: `Bồi dưỡng bí thư ${i}`, kind: 'skills', topics: [{ title: 'Kỹ năng tổ chức sinh hoạt chi đoàn' }], startsOn: '2026-04-10', endsOn: '2026-04-12', reason: 'mở lớp' }),
        await send('POST', '/branches', { id: `bc${i}`, parentUnitId: `c${i}`, name: `Chi đoàn thôn Thử ${i}`, area: { kind: 'village', name: `Thử ${i}` }, reason: 'thành lập' }),
        await send('POST', '/members', { id: `s${i}`, branchId: `bc${i}`, fullName: `Lò Văn Thử ${i}`, dateOfBirth: '2000-01-01', gender: 'male', admittedOn: '2021-03-26', reason: 'kết nạp' }),
        await send('POST', `/branches/bc${i}/officer-appointments`, { memberId: `s${i}`, role, method: 'appointed', source: 'teacher', startsOn: today, reason: 'chỉ định' }),
      ];
      const course = answers[1].body.id;
      answers.push(await send('POST', `/training-courses/${course}/enrolments`, { memberIds: [`s${i}`], reason: 'cử đi học' }));
      if (answers.some((r) => r.status !== 201)) wrong.push({ round: i, statuses: answers.map((r) => r.status), refused: answers.filter((r) => r.status !== 201).map((r) => r.body.detail) });
      else {
        const read = await send('GET', `/training-courses/${course}?minPosition=${answers[5].body.position}`);
        if (read.body.participants?.[0]?.post !== role) wrong.push({ round: i, participant: read.body.participants?.[0] });
      }
    }
    expect(wrong).toEqual([]);

    expect((await script('status')).stdout.match(/: running/g)).toHaveLength(9);
    await script('down');
    expect((await script('status')).stdout.match(/: not running/g)).toHaveLength(9);
  }, 300_000);
});
