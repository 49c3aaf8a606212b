import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { isRole, localSigningSecret, mintToken, parseTtl, Role } from '../index';

/**
 * Mints a bearer token signed with the local key (REGISTER_JWT_SECRET, or the one kept under DATA_DIR).
 *   node -r ./scripts/paths.js dist/libs/auth/src/cli/mint-token.js --sub admin --role central-admin --ttl 8h
 *   … --sub officer-1 --role unit-officer --scope-unit qp
 *   … --sub bt-1 --role branch-secretary --scope-branch ban-7
 */
async function main() {
  const { values } = parseArgs({
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
  if (!values.sub || roles.length === 0 || !roles.every(isRole)) {
    console.error('usage: mint-token --sub <subject> --role <central-admin|unit-officer|branch-secretary|auditor|system-integrator> [--scope-unit id] [--scope-branch id] [--allow action] [--ttl 1h|30m|3600]');
    process.exit(2);
  }
  const secret = localSigningSecret(process.env.DATA_DIR ?? join(process.cwd(), 'data'));
  const token = await mintToken(secret, {
    sub: values.sub,
    roles: roles as Role[],
    scopeUnitId: values['scope-unit'],
    scopeBranchId: values['scope-branch'],
    allow: values.allow,
    ttlSeconds: parseTtl(values.ttl ?? '1h'),
  });
  process.stdout.write(token + '\n');
}

if (require.main === module) void main();
