import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authDir, isRole, KNOWN_ACTIONS, localSigningSecret, mintToken, namesSystem, parseTtl, Role, ROLES, SYSTEM_PREFIX } from '../index';
import { checkActionsOfRoles, checkAllowed, checkScopeOfRoles, cliDataDir, runCli, UsageError, withUsage } from './cli-run';

const USAGE = `usage: npm run -s token -- --sub <subject> --role <role> [--scope-unit id] [--scope-branch id] [--allow action]… [--ttl 1h|30m|3600]
  roles: central-admin, unit-officer (with --scope-unit), branch-secretary (with --scope-branch), auditor, system-integrator
  Signs with REGISTER_JWT_SECRET, else the key kept under DATA_DIR/auth (./data when DATA_DIR is unset):
  give it the DATA_DIR the server was started with.
  actions for --allow: ${KNOWN_ACTIONS.join(', ')}`;

/**
 * Mints a bearer token signed with the local key (REGISTER_JWT_SECRET, or the one kept under DATA_DIR).
 *   npm run -s token -- --sub admin --role central-admin --ttl 8h
 *   … --sub officer-1 --role unit-officer --scope-unit qp
 *   … --sub bt-1 --role branch-secretary --scope-branch ban-7
 */
export const mintTokenCli = withUsage(USAGE, async ({ argv, env, output }) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      sub: { type: 'string' },
      role: { type: 'string', multiple: true },
      'scope-unit': { type: 'string' },
      'scope-branch': { type: 'string' },
      allow: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '1h' },
    },
  });
  const roles = (values.role ?? []).flatMap((r) => r.split(','));
  if (!values.sub || roles.length === 0) throw new UsageError('--sub and a known --role are required');
  if (namesSystem(values.sub)) throw new UsageError(`--sub may not begin with "${SYSTEM_PREFIX}": it names a system's API key (npm run api-keys)`);
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length) throw new UsageError(`unknown --role ${unknown.join(', ')}: the roles are ${ROLES.join(', ')}`);
  checkScopeOfRoles(roles, { unit: values['scope-unit'], branch: values['scope-branch'] });
  checkAllowed(values.allow, KNOWN_ACTIONS);
  checkActionsOfRoles(values.allow ?? [], roles);
  const dataDir = cliDataDir(env);
  const keyFile = join(authDir(dataDir), 'jwt-secret');
  if (!env.REGISTER_JWT_SECRET && !existsSync(keyFile)) {
    // The usual cause: a DATA_DIR other than the server's (or none). Said, not refused: minting
    // before the first start is fine, since the server then takes this key.
    output.err(`no signing key was kept in ${keyFile}: a new one is made there; a server started with another DATA_DIR (or REGISTER_JWT_SECRET) will refuse this token`);
  }
  const token = await mintToken(localSigningSecret(dataDir, env), {
    sub: values.sub,
    roles: roles as Role[],
    scopeUnitId: values['scope-unit'],
    scopeBranchId: values['scope-branch'],
    allow: values.allow,
    ttlSeconds: parseTtl(values.ttl ?? '1h'),
  });
  output.out(token);
  return 0;
});

if (require.main === module) runCli(mintTokenCli);
