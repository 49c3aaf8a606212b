import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiKeyStore } from '../api-keys';
import { isRole, Role } from '../roles';

/**
 * API keys for other systems, kept hashed under DATA_DIR/auth/api-keys.json. A running process
 * reads the file at start: restart it after creating or revoking a key from here.
 *   … dist/libs/auth/src/cli/api-keys.js create --name national-app --allow branch.rename [--scope-unit qp] [--role system-integrator]
 *   … dist/libs/auth/src/cli/api-keys.js revoke --id <id>
 *   … dist/libs/auth/src/cli/api-keys.js list
 */
function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, id: { type: 'string' }, role: { type: 'string', multiple: true }, allow: { type: 'string', multiple: true }, 'scope-unit': { type: 'string' } },
  });
  const store = ApiKeyStore.inDataDir(process.env.DATA_DIR ?? join(process.cwd(), 'data'));
  const roles = (values.role ?? ['system-integrator']).flatMap((r) => r.split(','));
  switch (positionals[0]) {
    case 'create':
      if (!values.name || !roles.every(isRole)) break;
      console.log(JSON.stringify(store.create({ name: values.name, roles: roles as Role[], allow: values.allow ?? [], scopeUnitId: values['scope-unit'] })));
      return;
    case 'revoke':
      if (!values.id) break;
      console.log(store.revoke(values.id) ? 'revoked' : 'no such active key');
      return;
    case 'list':
      console.log(JSON.stringify(store.list(), null, 2));
      return;
  }
  console.error('usage: api-keys create --name <system> [--allow action]… [--scope-unit id] [--role r] | revoke --id <id> | list');
  process.exit(2);
}

if (require.main === module) main();
