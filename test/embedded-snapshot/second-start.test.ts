import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * A second `npm start` on a data folder in use (README): it says who holds the folder and ends
 * with exit code 1, without the page of Nest stack trace a black-box probe saw after the message.
 */
describe('a second embedded start on a data folder in use', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-second-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('names the process holding it, and stops at once with exit code 1, no stack trace', () => {
    // This test's own process stands for the register already running on the folder.
    writeFileSync(join(dataDir, 'event-log.lock'), String(process.pid));
    const second = spawnSync(process.execPath, ['-r', './scripts/paths.js', 'dist/services/embedded/src/main.js'], { cwd: ROOT, env: { ...process.env, PORT: '0', DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`is in use by another register process (pid ${process.pid})`);
    expect(second.stderr).not.toMatch(/ExceptionHandler|\n\s+at /);
  }, 90_000);
});
