import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsTopic, InProcessBus } from '@register/messaging';
import { EmbeddedSnapshots } from '@register/service-kit';
import { EmbeddedRegister, openEmbedded } from '../scale/embedded-register';

jest.setTimeout(180_000);

const why = { reason: 'khởi tạo', effectiveDate: '2024-01-01' };
const BRANCHES = ['b-1', 'b-2', 'b-3'];

async function readiness(register: EmbeddedRegister): Promise<{ status: number; dependencies: Record<string, string> }> {
  const res = await register.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/health/ready' });
  return { status: res.statusCode, dependencies: (JSON.parse(res.body) as { dependencies: Record<string, string> }).dependencies };
}

async function admit(register: EmbeddedRegister, id: string, branchId: string) {
  const body = { id, branchId, fullName: `Đoàn Viên ${id}`, dateOfBirth: '2004-06-15', gender: 'female', admittedOn: '2024-03-26', reason: 'kết nạp', effectiveDate: '2024-03-26', decisionRef: { number: `${id}/QĐ-ĐTN` } };
  return register.send('POST', '/members', body, { authorization: await register.bearer('ready-admin'), 'idempotency-key': `ready-admit-${id}` });
}

/**
 * Readiness after a start that resumes from a snapshot: the branches were created after it and the
 * process died (no shutdown snapshot), so personnel's replica, restored from the snapshot, learns
 * them only when organisation's relay publishes its log's tail again. A slow consumer of that topic
 * (a group of the test's, on the same bus) holds the relay on the tail's first event. Every read
 * model is live by then; ready must still wait for the relay, as a caller that waits for ready and
 * at once admits a member to the last branch is refused "branch unknown" before the relay is through.
 */
describe('readiness of the embedded start after a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-ready-relays-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('waits until each relay has published the log it found at start to the bus', async () => {
    const a = await openEmbedded(dataDir, 'ready');
    const admin = { authorization: await a.bearer('ready-admin') };
    const create = async (path: string, body: { id: string }) => {
      const answer = await a.send('POST', path, body, { ...admin, 'idempotency-key': `ready-${body.id}` });
      if (answer.status !== 201) throw new Error(`POST ${path} ${body.id}: ${answer.status} ${answer.raw}`);
    };
    await create('/units', { id: 'tw', kind: 'central', name: 'Trung ương Đoàn', ...why } as { id: string });
    await create('/units', { id: 'p', kind: 'province', name: 'Tỉnh đoàn Thử', parentId: 'tw', ...why } as { id: string });
    await create('/units', { id: 'c', kind: 'grassroots', name: 'Đoàn xã Thử', parentId: 'p', ...why } as { id: string });
    await a.close(); // the shutdown snapshot: the units, no branch

    const b = await openEmbedded(dataDir, 'ready');
    expect(b.app.get(EmbeddedSnapshots).restored).toBe(true);
    const send = b.send.bind(b);
    for (const id of BRANCHES) {
      const answer = await send('POST', '/branches', { id, parentUnitId: 'c', name: `Chi đoàn thôn ${id}`, area: { kind: 'village', name: id }, ...why }, { ...admin, 'idempotency-key': `ready-${id}` });
      expect(answer.status).toBe(201);
    }
    b.app.get(EmbeddedSnapshots).abandon(); // the process dies: no shutdown snapshot
    await b.close();

    // The next start's bus gets one more group on organisation's topic, subscribed before the bus opens.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const open = InProcessBus.prototype.open;
    const spy = jest.spyOn(InProcessBus.prototype, 'open').mockImplementation(function (this: InProcessBus) {
      this.subscribe(eventsTopic('organisation'), 'test.slow', async () => {
        held = true;
        await released;
      });
      open.call(this);
    });
    const c = await openEmbedded(dataDir, 'ready').finally(() => spy.mockRestore());
    try {
      expect(c.app.get(EmbeddedSnapshots).restored).toBe(true);
      // Every read model live, the relay held on the tail's first event.
      let report = await readiness(c);
      while (!held || Object.entries(report.dependencies).some(([name, state]) => !name.startsWith('relay:') && state !== 'up')) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        report = await readiness(c);
      }
      expect(report.status).toBe(503);
      expect(report.dependencies['relay:organisation']).toMatch(/^down: /);

      release();
      while ((await readiness(c)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 10));
      const answer = await admit(c, 'm-1', BRANCHES[BRANCHES.length - 1]);
      expect(`${answer.status} ${answer.raw}`).toMatch(/^201 /);
    } finally {
      release();
      await c.close();
    }
  });
});
