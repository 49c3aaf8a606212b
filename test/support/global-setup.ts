import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLITE_LOG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, preparePgliteTemplate } from '../../libs/event-store/src/pglite-template';
import { prepareLogTemplate } from './log-template';
import { useMemoryTmpdir } from './test-tmpdir';

/**
 * The suites make hundreds of PGlite databases: each starts as a copy of one made here, once per
 * PGlite version, rather than from its own initdb (see pglite-template.ts).
 */
export default async function globalSetup(globalConfig: { rootDir: string }): Promise<void> {
  await prepareTemplate(globalConfig.rootDir);
  await prepareLogTemplateOf(globalConfig.rootDir);
  // After the template, which stays in the system's temporary folder from one run to the next.
  useMemoryTmpdir();
}

async function prepareTemplate(rootDir: string): Promise<void> {
  if (process.env[PGLITE_TEMPLATE_ENV] === 'off') { delete process.env[PGLITE_TEMPLATE_ENV]; return; }
  const manifest = join(rootDir, 'node_modules/@electric-sql/pglite/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  process.env[PGLITE_TEMPLATE_ENV] ??= await preparePgliteTemplate(join(tmpdir(), `register-pglite-template-${version}`));
}

/** Every service's tables made once for the run's embedded starts (log-template.ts); without a build, each start makes its own. */
async function prepareLogTemplateOf(rootDir: string): Promise<void> {
  const base = process.env[PGLITE_TEMPLATE_ENV];
  if (!base || process.env[PGLITE_LOG_TEMPLATE_ENV] === 'off') { delete process.env[PGLITE_LOG_TEMPLATE_ENV]; return; }
  if (process.env[PGLITE_LOG_TEMPLATE_ENV]) return;
  const started = Date.now();
  const folder = await prepareLogTemplate(rootDir, base).catch((error: Error) => {
    process.stderr.write(`\nno log template (every embedded start makes its own tables): ${error.message}\n`);
    return undefined;
  });
  if (folder) process.env[PGLITE_LOG_TEMPLATE_ENV] = folder;
  if (Date.now() - started > 1_000) process.stderr.write(`\nlog template made in ${((Date.now() - started) / 1000).toFixed(1)} s: ${folder ?? 'none'}\n`);
}
