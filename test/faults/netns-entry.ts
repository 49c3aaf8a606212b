/**
 * The inside of a fault run's network namespace (started by netns.ts as `unshare --net node <this>
 * <dir> <out ports> <in ports>`): the namespace's loopback up, then for each port the process in it
 * connects to, a listener on its 127.0.0.1 that carries each connection over a Unix socket of `dir`
 * (Unix sockets cross network namespaces) to the host side; and for each port it serves, a Unix
 * socket the host side connects to, carried to its 127.0.0.1. Prints `ready` once listening; exits
 * with its parent's pipe.
 */
import { execFileSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { splice } from './netns';

function listen(server: ReturnType<typeof createServer>, at: number | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof at === 'number') server.listen(at, '127.0.0.1', resolve);
    else server.listen(at, resolve);
  });
}

async function main(): Promise<void> {
  const [dir, out, inbound] = process.argv.slice(2);
  const ports = (list: string) => list.split(',').filter(Boolean).map(Number);
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  for (const port of ports(out)) await listen(createServer((s) => splice(s, connect(join(dir, `out-${port}.sock`)))), port);
  for (const port of ports(inbound)) await listen(createServer((s) => splice(s, connect(port, '127.0.0.1'))), join(dir, `in-${port}.sock`));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
