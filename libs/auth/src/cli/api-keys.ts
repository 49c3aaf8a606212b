import { parseArgs } from 'node:util';
import { ApiKeyStore } from '../api-keys';
import { isRole, Role } from '../roles';
import { KNOWN_ACTIONS } from '../route-policies';
import { checkActionsOfRoles, checkAllowed, checkScopeOfRoles, cliDataDir, runCli, UsageError, withUsage } from './cli-run';

const USAGE = `usage: npm run -s api-keys -- create --name <system> [--allow action]… [--scope-unit id] [--role r] | revoke --id <id> | list
  Keys are kept hashed in DATA_DIR/auth/api-keys.json (./data when DATA_DIR is unset): give it the
  DATA_DIR the server was started with. A running server sees a new or revoked key at once.
  actions for --allow: ${KNOWN_ACTIONS.join(', ')}`;

/**
 * API keys for other systems, kept hashed under DATA_DIR/auth/api-keys.json. A running gateway
 * re-reads the file when it changes, so no restart is needed.
 *   npm run -s api-keys -- create --name national-app --allow branch.rename [--scope-unit qp] [--role system-integrator]
 *   npm run -s api-keys -- revoke --id <id>
 *   npm run -s api-keys -- list
 */
export const apiKeysCli = withUsage(USAGE, async ({ argv, env, output }) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, id: { type: 'string' }, role: { type: 'string', multiple: true }, allow: { type: 'string', multiple: true }, 'scope-unit': { type: 'string' } },
  });
  const store = ApiKeyStore.inDataDir(cliDataDir(env));
  const roles = (values.role ?? ['system-integrator']).flatMap((r) => r.split(','));
  switch (positionals[0]) {
    case 'create':
      if (!values.name || !roles.every(isRole)) throw new UsageError('create needs --name and known roles');
      checkScopeOfRoles(roles, { unit: values['scope-unit'] });
      checkAllowed(values.allow, KNOWN_ACTIONS);
      checkActionsOfRoles(values.allow ?? [], roles);
      output.out(JSON.stringify(store.create({ name: values.name, roles: roles as Role[], allow: values.allow ?? [], scopeUnitId: values['scope-unit'] })));
      return 0;
    case 'revoke':
      if (!values.id) throw new UsageError('revoke needs --id');
      if (!store.revoke(values.id)) {
        output.err(`no active key has id ${values.id}`);
        return 1;
      }
      output.out('revoked');
      return 0;
    case 'list':
      output.out(JSON.stringify(store.list(), null, 2));
      return 0;
  }
  throw new UsageError(`unknown command ${positionals[0] ?? '(none)'}`);
});

if (require.main === module) runCli(apiKeysCli);

