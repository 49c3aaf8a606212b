import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPglite, PGLITE_TEMPLATE_ENV, preparePgliteTemplate } from './pglite-template';

describe('PGlite databases made from a template', () => {
  const root = mkdtempSync(join(tmpdir(), 'pglite-template-spec-'));
  const saved = process.env[PGLITE_TEMPLATE_ENV];
  // The template jest's global setup made (an initdb costs tens of seconds on a loaded machine), else one of its own.
  beforeAll(async () => { process.env[PGLITE_TEMPLATE_ENV] = saved || (await preparePgliteTemplate(join(root, 'template'))); });
  afterAll(() => {
    if (saved === undefined) delete process.env[PGLITE_TEMPLATE_ENV]; else process.env[PGLITE_TEMPLATE_ENV] = saved;
    rmSync(root, { recursive: true, force: true });
  });

  it('gives a new data folder a working database that keeps its writes across a reopen', async () => {
    const dir = join(root, 'folder');
    const db = await createPglite(dir);
    await db.exec('create table branch (name text); insert into branch values ($$Chi đoàn Bản Mồng$$)');
    await db.close();
    const again = await createPglite(dir);
    expect((await again.query<{ name: string }>('select name from branch')).rows).toEqual([{ name: 'Chi đoàn Bản Mồng' }]);
    await again.close();
  });

  it('never copies the template over a folder that holds a database', async () => {
    const dir = join(root, 'kept');
    const db = await createPglite(dir);
    await db.exec('create table kept (id int)');
    await db.close();
    const reopened = await createPglite(dir);
    expect((await reopened.query("select 1 from pg_tables where tablename = 'kept'")).rows).toHaveLength(1);
    await reopened.close();
  });

  it('gives an in-memory database that the template does not share', async () => {
    const first = await createPglite();
    await first.exec('create table only_here (id int)');
    const second = await createPglite();
    expect((await second.query("select 1 from pg_tables where tablename = 'only_here'")).rows).toHaveLength(0);
    await Promise.all([first.close(), second.close()]);
  });

  it('makes the template once: a second preparation leaves the first', async () => {
    const folder = process.env[PGLITE_TEMPLATE_ENV]!;
    expect(await preparePgliteTemplate(folder)).toBe(folder);
  });
});
