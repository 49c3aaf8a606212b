import { dirname } from 'node:path';
import { apiKeysCli } from '../../libs/auth/src/cli/api-keys';
import { CliCommand } from '../../libs/auth/src/cli/cli-run';
import { Gateway, seedTree, startGateway } from './gateway-app';

/** Runs a command-line tool as `DATA_DIR=… npm run -s <tool> -- argv` would, and returns what it printed. */
async function runTool(command: CliCommand, argv: string[], dataDir: string) {
  let out = '';
  const code = await command({ argv, env: { DATA_DIR: dataDir }, output: { out: (t) => (out += t), err: (t) => (out += t) } });
  expect(code).toBe(0);
  return out;
}

/**
 * Issue 16, point 5: a key created (or revoked) with the api-keys command, against the DATA_DIR
 * of a gateway that is already running, works (or stops working) without a restart.
 */
describe('an API key from the command line, against a running gateway', () => {
  let gw: Gateway;
  let dataDir: string;
  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
    // the gateway keeps its keys in DATA_DIR/auth/api-keys.json
    dataDir = dirname(dirname((gw.auth.apiKeys as unknown as { file: string }).file));
  });
  afterAll(async () => gw?.close());

  it('is accepted at once, and refused once revoked', async () => {
    const anonymous = await gw.api({ 'x-api-key': 'urk_00000000-0000-0000-0000-000000000000.' + 'A'.repeat(43) }).get('/units/tw');
    expect(anonymous.status).toBe(401);
    const { id, key } = JSON.parse(await runTool(apiKeysCli, ['create', '--name', 'national-app'], dataDir)) as { id: string; key: string };
    const system = gw.api({ 'x-api-key': key });
    expect((await system.get('/units/tw')).status).toBe(200);
    expect(await runTool(apiKeysCli, ['revoke', '--id', id], dataDir)).toBe('revoked');
    await new Promise((r) => setTimeout(r, 1100)); // a known key's file is looked at at most once a second
    expect((await system.get('/units/tw')).status).toBe(401);
  });
});
