import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { StructureScopeResolver } from '../../services/gateway/src/security/structure-scope';
import { Distributed, startDistributed } from './distributed-app';
import { handOver } from './gateway-app';
import { rawClient, registerSecurityCases, SecuritySetup } from './security-holes';

/**
 * Issue 14, holes 1, 2, 4 and 5, on the distributed gateway: the same cases as the embedded one
 * (authorisation-matrix.test.ts), here through the forwarding route (services/gateway/src/proxy),
 * which finds each request's route in the table and looks the tree up over HTTP: organisation for
 * units and branches, personnel for a member's placement.
 */
describe('gateway (distributed): HEAD, OPTIONS and unknown methods on every route; random routes × roles × methods × targets', () => {
  const saved = { rate: process.env.REGISTER_RATE_PER_SEC, burst: process.env.REGISTER_RATE_BURST };
  let d: Distributed;
  let setup: SecuritySetup;

  beforeAll(async () => {
    // Thousands of requests from a handful of callers: the rate limit is not this test's subject.
    process.env.REGISTER_RATE_PER_SEC = '100000';
    process.env.REGISTER_RATE_BURST = '100000';
    d = await startDistributed('test-internal-secret-0123456789');
    // startDistributed handed organisation's events over once; this hand-over starts again from the
    // first (establishments apply twice to the same effect) and goes on from there.
    const sync = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
    await sync();
    const scopes = d.gateway.get(StructureScopeResolver);
    const ancestry = jest.spyOn(scopes, 'ancestry');
    const branchOfMember = jest.spyOn(scopes, 'branchOfMember');
    let keys = 0;
    setup = {
      call: rawClient(`${(await d.gateway.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`),
      bearer: d.token,
      apiKey: (o) => ({ 'x-api-key': d.auth.apiKeys.create({ name: `security-${keys++}`, ...o }).key }),
      heads: d.heads,
      sync,
      lookups: () => ancestry.mock.calls.length + branchOfMember.mock.calls.length,
      problemForUnparsable: true,
    };
  });

  afterAll(async () => {
    await d?.close();
    for (const [name, value] of [['REGISTER_RATE_PER_SEC', saved.rate], ['REGISTER_RATE_BURST', saved.burst]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  registerSecurityCases(() => setup, { iterations: Number(process.env.SECURITY_ITERATIONS ?? 300) });
});
