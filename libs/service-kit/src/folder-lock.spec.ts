import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderInUseError, lockFolder } from './folder-lock';

describe('the data folder lock of the embedded start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'folder-lock-'));
  const lock = join(dir, 'event-log.lock');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken with our pid and released', () => {
    const release = lockFolder(dir, lock);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses a folder another running process holds, naming it and the lock file', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(lock, String(other.pid));
      expect(() => lockFolder(dir, lock, 0)).toThrow(FolderInUseError);
      const started = Date.now();
      expect(() => lockFolder(dir, lock, 300)).toThrow(`in use by another register process (pid ${other.pid})`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(readFileSync(lock, 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // That process is gone (as after a SIGKILL): its lock is taken over.
    const release = lockFolder(dir, lock);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
  });

  it('takes over the lock of a process that has ended but is not yet reaped (a zombie)', async () => {
    // Node reaps its children on its event loop: blocked here, the child that ends stays a zombie.
    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => ended.once('spawn', r));
    writeFileSync(lock, String(ended.pid));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    lockFolder(dir, lock, 0)();
  });

  it('waits for a holder that is going away (a process just killed) rather than refusing at once', async () => {
    const going = spawn(process.execPath, ['-e', 'setTimeout(() => process.exit(0), 300)']);
    await new Promise((r) => going.once('spawn', r));
    writeFileSync(lock, String(going.pid));
    const release = lockFolder(dir, lock, 10_000);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
  });

  it("takes over this process's own lock (a start that did not close) and a lock that names no pid", () => {
    lockFolder(dir, lock);
    const release = lockFolder(dir, lock);
    writeFileSync(lock, '');
    lockFolder(dir, lock);
    release();
    expect(existsSync(lock)).toBe(false);
  });
});
