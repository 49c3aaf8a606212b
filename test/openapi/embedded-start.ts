import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface EmbeddedStart {
  url: string;
  /** A bearer token minted with the README's token command for this start's DATA_DIR. */
  token(role?: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `npm start` as a user runs it, from the build in dist/ (what `npm test` builds), on a fresh
 * DATA_DIR and a free loopback port: for what only the real process serves, such as the Swagger UI.
 */
export async function startEmbedded(): Promise<EmbeddedStart> {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-embedded-'));
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir };
  const child: ChildProcess = spawn(process.execPath, ['-r', './scripts/paths.js', 'dist/services/embedded/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child, () => log);
  return {
    url,
    token: (role = 'central-admin') =>
      execFileSync(process.execPath, ['-r', './scripts/paths.js', 'dist/libs/auth/src/cli/mint-token.js', '--sub', 'swagger-ui', '--role', role], { cwd: ROOT, env, encoding: 'utf8' }).trim(),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the embedded start exited: ${log()}`);
    const ready = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the embedded start was not ready in 60 s: ${log()}`);
}
