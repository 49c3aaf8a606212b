import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLITE_TEMPLATE_ENV, preparePgliteTemplate } from '../../libs/event-store/src/pglite-template';
import { useMemoryTmpdir } from './test-tmpdir';

/**
 * The suites make hundreds of PGlite databases: each starts as a copy of one made here, once per
 * PGlite version, rather than from its own initdb (see pglite-template.ts).
 */
export default async function globalSetup(globalConfig: { rootDir: string }): Promise<void> {
  await prepareTemplate(globalConfig.rootDir);
  // After the template, which stays in the system's temporary folder from one run to the next.
  useMemoryTmpdir();
}

async function prepareTemplate(rootDir: string): Promise<void> {
  if (process.env[PGLITE_TEMPLATE_ENV] === 'off') { delete process.env[PGLITE_TEMPLATE_ENV]; return; }
  const manifest = join(rootDir, 'node_modules/@electric-sql/pglite/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  process.env[PGLITE_TEMPLATE_ENV] ??= await preparePgliteTemplate(join(tmpdir(), `register-pglite-template-${version}`));
}
