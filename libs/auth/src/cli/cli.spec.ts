import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from '../api-keys';
import { localSigningSecret } from '../keys';
import { tokenVerifierFromEnv } from '../jwt';
import { apiKeysCli } from './api-keys';
import { CliCommand } from './cli-run';
import { mintTokenCli } from './mint-token';

/** Runs a tool as its command line would, and keeps what it printed. */
async function run(command: CliCommand, argv: string[], env: NodeJS.ProcessEnv) {
  const printed = { out: '', err: '' };
  const code = await command({ argv, env, output: { out: (t) => (printed.out += t + '\n'), err: (t) => (printed.err += t + '\n') } });
  return { code, ...printed };
}

describe('the token and api-keys commands (issue 16, point 5)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'register-cli-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('signs the token with the key kept under DATA_DIR, the one a server started with that DATA_DIR uses', async () => {
    const r = await run(mintTokenCli, ['--sub', 'admin', '--role', 'central-admin'], { DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    const principal = await tokenVerifierFromEnv(localSigningSecret(dataDir, {}), {}).verify(r.out.trim());
    expect(principal).toMatchObject({ id: 'admin', roles: ['central-admin'] });
  });

  it('says when it makes a new signing key (a DATA_DIR other than the server\'s is the usual cause), once', async () => {
    const first = await run(mintTokenCli, ['--sub', 'admin', '--role', 'central-admin'], { DATA_DIR: dataDir });
    expect([first.code, first.err]).toEqual([0, expect.stringContaining('no signing key was kept in')]);
    const second = await run(mintTokenCli, ['--sub', 'admin', '--role', 'central-admin'], { DATA_DIR: dataDir });
    expect([second.code, second.err]).toEqual([0, '']);
  });

  it('refuses an --allow action no route names (exit 2, listing the actions), and a revoke of no key exits 1', async () => {
    const token = await run(mintTokenCli, ['--sub', 'a', '--role', 'system-integrator', '--allow', 'foo.bar'], { DATA_DIR: dataDir });
    expect([token.code, token.err]).toEqual([2, expect.stringContaining('unknown --allow action(s): foo.bar; the actions are: ')]);
    expect(token.err).toContain('member.read');
    const key = await run(apiKeysCli, ['create', '--name', 'x', '--allow', 'member.read', '--allow', 'foo.bar'], { DATA_DIR: dataDir });
    expect(key.code).toBe(2);
    expect((await run(apiKeysCli, ['create', '--name', 'x', '--allow', 'member.read'], { DATA_DIR: dataDir })).code).toBe(0);
    // An action the key's role may never perform made a key refused it every time (found by a black-box probe).
    const unusable = await run(apiKeysCli, ['create', '--name', 'x', '--allow', 'member.erase-personal-data'], { DATA_DIR: dataDir });
    expect([unusable.code, unusable.err]).toEqual([2, expect.stringContaining('--allow member.erase-personal-data: no route lets a system-integrator caller do it')]);
    const revoke = await run(apiKeysCli, ['revoke', '--id', 'no-such-key'], { DATA_DIR: dataDir });
    expect([revoke.code, revoke.err]).toEqual([1, 'no active key has id no-such-key\n']);
  });

  it.each([
    ['token', mintTokenCli],
    ['api-keys', apiKeysCli],
  ])('%s --help prints the usage, naming DATA_DIR, and exits 0', async (_name, command) => {
    const r = await run(command, ['--help'], { DATA_DIR: dataDir });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^usage: npm run -s /);
    expect(r.out).toContain('DATA_DIR');
  });

  it('answers an unknown option or a bad --ttl with one line and the usage, exit 2, not a stack trace', async () => {
    for (const argv of [['--sub', 'a', '--role', 'auditor', '--bogus'], ['--sub', 'a', '--role', 'auditor', '--ttl', 'soon'], ['--sub', 'a']]) {
      const r = await run(mintTokenCli, argv, { DATA_DIR: dataDir });
      expect(r.code).toBe(2);
      expect(r.err).toContain('usage:');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect((await run(apiKeysCli, ['rotate'], { DATA_DIR: dataDir })).code).toBe(2);
  });

  it('refuses a credential whose scope does not fit its roles, when it is made (exit 2): an officer without a unit, a secretary without a branch, an auditor with a scope', async () => {
    for (const argv of [['--sub', 'o', '--role', 'unit-officer'], ['--sub', 'b', '--role', 'branch-secretary'], ['--sub', 'k', '--role', 'auditor', '--scope-unit', 'ca'], ['--sub', 'i', '--role', 'system-integrator', '--scope-branch', 'b1', '--allow', 'member.read']]) {
      const r = await run(mintTokenCli, argv, { DATA_DIR: dataDir });
      expect([argv.join(' '), r.code, r.out]).toEqual([argv.join(' '), 2, '']);
    }
    expect((await run(apiKeysCli, ['create', '--name', 'x', '--role', 'unit-officer'], { DATA_DIR: dataDir })).code).toBe(2);
    expect((await run(mintTokenCli, ['--sub', 'o', '--role', 'unit-officer', '--scope-unit', 'qp'], { DATA_DIR: dataDir })).code).toBe(0);
  });

  it('creates an API key in DATA_DIR that the store there verifies', async () => {
    const r = await run(apiKeysCli, ['create', '--name', 'national-app', '--allow', 'branch.rename'], { DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    const { key } = JSON.parse(r.out) as { key: string };
    expect(ApiKeyStore.inDataDir(dataDir).verify(key)).toMatchObject({ id: 'system:national-app', via: 'api-key' });
  });
});
