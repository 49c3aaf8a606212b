import { PGlite } from '@electric-sql/pglite';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A new PGlite database starts with initdb inside WebAssembly, which costs seconds of CPU. Where
 * many short-lived databases are made (the test suites start hundreds), `REGISTER_PGLITE_TEMPLATE`
 * names a folder holding one database made once: a new data folder is a copy of it, and an
 * in-memory database loads its dump. initdb's output is the same for every database of a PGlite
 * version, so a copy is the database initdb would have made. Unset, PGlite runs initdb itself.
 */
export const PGLITE_TEMPLATE_ENV = 'REGISTER_PGLITE_TEMPLATE';

/**
 * A template of a service log's data folder (`DATA_DIR/event-log`): initdb's database with every
 * service's tables already made and empty, so that a start skips their DDL (`ensureSchema` finds
 * each part's digest). The test suites make it once per build (test/support/log-template.ts);
 * unset, the base template serves.
 */
export const PGLITE_LOG_TEMPLATE_ENV = 'REGISTER_PGLITE_LOG_TEMPLATE';

const DUMP = 'datadir.tar';
const FOLDER = 'datadir';

/** How to open PGlite: on a data folder, in memory from a dump, or in memory from initdb. */
export interface PgliteOpening {
  dataDir?: string;
  dump?: Uint8Array;
}

/** Opens PGlite on `dataDir` (or in memory), from the template when one is named and the folder is new. */
export async function createPglite(dataDir?: string, templateEnv = PGLITE_TEMPLATE_ENV): Promise<PGlite> {
  const opening = pgliteOpening(dataDir, templateEnv);
  if (opening.dataDir) return PGlite.create(opening.dataDir);
  return opening.dump ? PGlite.create({ loadDataDir: new Blob([opening.dump]) }) : PGlite.create();
}

/**
 * What createPglite opens, the template's copy made (a new folder) or read (in memory). The
 * template is the one `templateEnv` names, else the base one; a log template has no dump, so an
 * in-memory database is always made from the base one.
 */
export function pgliteOpening(dataDir?: string, templateEnv = PGLITE_TEMPLATE_ENV): PgliteOpening {
  const named = process.env[templateEnv];
  if (dataDir && named && existsSync(join(named, FOLDER))) return copiedInto(dataDir, named);
  const template = process.env[PGLITE_TEMPLATE_ENV];
  if (!template || !existsSync(join(template, DUMP))) return { dataDir };
  if (!dataDir) return { dump: readFileSync(join(template, DUMP)) };
  return copiedInto(dataDir, template);
}

function copiedInto(dataDir: string, template: string): PgliteOpening {
  if (isEmptyFolder(dataDir)) cpSync(join(template, FOLDER), dataDir, { recursive: true });
  return { dataDir };
}

/** Makes the template under `folder` once: a closed, freshly initialised data folder and its dump. */
export async function preparePgliteTemplate(folder: string): Promise<string> {
  if (existsSync(join(folder, DUMP))) return folder;
  const staging = `${folder}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const db = await PGlite.create(join(staging, FOLDER));
  const dump = await db.dumpDataDir('none');
  await db.close();
  writeFileSync(join(staging, DUMP), Buffer.from(await dump.arrayBuffer()));
  mkdirSync(dirname(folder), { recursive: true });
  // Another process may have made it meanwhile: theirs serves as well as ours.
  try { renameSync(staging, folder); } catch { rmSync(staging, { recursive: true, force: true }); }
  return folder;
}

function isEmptyFolder(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}
