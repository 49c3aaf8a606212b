import { mintToken, TokenVerifier } from './jwt';

const A = 'a'.repeat(48);
const B = 'b'.repeat(48);

describe('the token verifier says why it refuses, in words', () => {
  it('a token signed with another key: names the likely cause (another DATA_DIR or secret)', async () => {
    const token = await mintToken(B, { sub: 'admin', roles: ['central-admin'] });
    await expect(new TokenVerifier({ secret: A }).verify(token)).rejects.toThrow(/signed with another key \(a token minted with another DATA_DIR or secret\?\)/);
  });

  it('a token without exp: names the claim', async () => {
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ roles: ['central-admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer('union-register').setIssuedAt().sign(new TextEncoder().encode(A));
    await expect(new TokenVerifier({ secret: A }).verify(token)).rejects.toThrow('the bearer token has no "exp" claim, which the register requires');
  });

  it('a token signed with the key is accepted', async () => {
    const token = await mintToken(A, { sub: 'admin', roles: ['central-admin'] });
    await expect(new TokenVerifier({ secret: A }).verify(token)).resolves.toMatchObject({ id: 'admin', roles: ['central-admin'] });
  });

  it("a person's token whose subject is a system's (system:…): refused, naming the reserved prefix (a probe's token was logged as an API key's system)", async () => {
    for (const sub of ['system:hr-sync', 'System:hr-sync', 'SYSTEM :x', 'system\uff1ax', '\u0455ystem:hr-sync']) {
      const token = await mintToken(A, { sub, roles: ['system-integrator'] });
      await expect(new TokenVerifier({ secret: A }).verify(token)).rejects.toThrow(/may not begin with "system:"/);
    }
  });

  it('a system-integrator token scoped by a branch alone: refused, where it read as unscoped (found by a black-box probe); with a unit, accepted', async () => {
    const token = await mintToken(A, { sub: 'integ', roles: ['system-integrator'], scopeBranchId: 'bA1', allow: ['member.read'] });
    await expect(new TokenVerifier({ secret: A }).verify(token)).rejects.toThrow(/scoped by scope_unit, not scope_branch/);
    const withUnit = await mintToken(A, { sub: 'integ', roles: ['system-integrator'], scopeUnitId: 'xA', scopeBranchId: 'bA1', allow: ['member.read'] });
    await expect(new TokenVerifier({ secret: A }).verify(withUnit)).resolves.toMatchObject({ id: 'integ', scopeUnitId: 'xA' });
  });

  it('a subject with invisible characters or spaces at its ends: refused (it would show in the logs as another; found by a black-box probe)', async () => {
    for (const sub of [' system:hr-sync', 'admin\u200b', 'admin ', 'sy\u00adstem:x']) {
      const token = await mintToken(A, { sub, roles: ['central-admin'] });
      await expect(new TokenVerifier({ secret: A }).verify(token)).rejects.toThrow(/invisible characters or spaces/);
    }
  });
});
