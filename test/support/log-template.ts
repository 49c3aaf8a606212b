import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { freePort } from './free-port';

const PREFIX = 'register-pglite-log-template-';
const MAIN = 'dist/services/embedded/src/main.js';
const UP = 'Union Register (embedded) is up';

/**
 * A service log's data folder as the embedded start leaves it when it has made its tables and
 * recorded nothing: every service's DDL run once, here, rather than at each of the suites'
 * hundreds of starts (docs/testing.md). Made by the build's own start, so that its tables are
 * exactly those a start makes; kept, like the base template, in the system's temporary folder,
 * one per build (a hash of dist/'s code). Undefined when there is no build to start.
 */
export async function prepareLogTemplate(rootDir: string, baseTemplate: string): Promise<string | undefined> {
  if (!existsSync(join(rootDir, MAIN))) return undefined;
  const folder = join(tmpdir(), `${PREFIX}${buildHash(rootDir, baseTemplate)}`);
  if (existsSync(join(folder, 'datadir'))) return folder;
  const staging = `${folder}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await madeIn(staging, rootDir, baseTemplate);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  dropStaleSiblings(folder);
  // Another run may have made it meanwhile: theirs serves as well as ours.
  try { renameSync(staging, folder); } catch { rmSync(staging, { recursive: true, force: true }); }
  return folder;
}

/** The log template under `staging`/datadir: the base template's copy, once the build's start has made its tables there. */
async function madeIn(staging: string, rootDir: string, baseTemplate: string): Promise<void> {
  const log = join(staging, 'data', 'event-log');
  mkdirSync(log, { recursive: true });
  cpSync(join(baseTemplate, 'datadir'), log, { recursive: true });
  await startedAndStopped(rootDir, join(staging, 'data'));
  await closedWithNothingRecorded(log);
  renameSync(log, join(staging, 'datadir'));
  rmSync(join(staging, 'data'), { recursive: true, force: true });
}

/** The build's code and the base template: a change to either makes a new log template. */
function buildHash(rootDir: string, baseTemplate: string): string {
  const hash = createHash('sha256').update(baseTemplate);
  for (const part of ['dist/libs', 'dist/services']) {
    const root = join(rootDir, part);
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).sort();
    for (const file of files) hash.update(file).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The embedded start, on `dataDir`, until it says it is up; then stopped as an operator stops it. */
async function startedAndStopped(rootDir: string, dataDir: string): Promise<void> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTER_')));
  const child = spawn(process.execPath, ['-r', './scripts/paths.js', MAIN], {
    cwd: rootDir,
    env: { ...env, PORT: String(await freePort()), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const up = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 120_000);
    const heard = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      if (output.includes(UP)) { clearTimeout(timer); resolve(true); }
    };
    child.stdout.on('data', heard);
    child.stderr.on('data', heard);
    void exited.then(() => { clearTimeout(timer); resolve(false); });
  });
  child.kill('SIGTERM');
  await exited;
  if (!up) throw new Error(`the embedded start did not come up to make the log template:\n${output}`);
}

/** Only the tables' versions may hold rows: a template that had recorded anything would start every suite with it. */
async function closedWithNothingRecorded(folder: string): Promise<void> {
  const db = await PGlite.create(folder);
  try {
    const { rows } = await db.query<{ schemaname: string; relname: string }>(`select schemaname, relname from pg_stat_user_tables where relname <> 'schema_versions'`);
    for (const { schemaname, relname } of rows) {
      const { rows: found } = await db.query(`select 1 from "${schemaname}"."${relname}" limit 1`);
      if (found.length > 0) throw new Error(`the log template's ${schemaname}.${relname} is not empty`);
    }
    await db.exec('checkpoint');
  } finally {
    await db.close();
  }
}

/** Log templates of earlier builds, unused for an hour (a run still under way uses its own). */
function dropStaleSiblings(folder: string): void {
  const root = tmpdir();
  const ours = folder.slice(root.length + 1);
  for (const name of readdirSync(root)) {
    if (!name.startsWith(PREFIX) || name === ours) continue;
    const path = join(root, name);
    if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}
