/**
 * Generates a province into an embedded register's data folder, through its command paths.
 *
 *   npm run scale:generate -- --seed 1 --factor 0.02 --data-dir data/scale [--until 0.5] [--batch 500]
 *
 * --batch N: a commune's yearly admissions, status changes and ratings sent as
 * POST /admission-batches, /status-change-batches and /rating-batches of N at most, not one command
 * each (the same members, changes and ratings; other steps, so another checkpoint).
 *
 * Deterministic from the seed; resumable: run it again with the same arguments and it continues
 * from the checkpoint in the data folder.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEmbedded } from './embedded-register';
import { loadProvince } from './load-province';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, factor: { type: 'string', default: '0.02' }, 'data-dir': { type: 'string', default: 'data/scale' }, until: { type: 'string', default: '1' }, batch: { type: 'string' } } });
  const dataDir = values['data-dir']!;
  mkdirSync(dataDir, { recursive: true });
  const register = await openEmbedded(dataDir);
  try {
    const result = await loadProvince(register, { seed: Number(values.seed), factor: Number(values.factor), until: Number(values.until), ...(values.batch ? { batch: Number(values.batch) } : {}), checkpointFile: join(dataDir, 'scale-checkpoint.json') });
    const events = result.eventsAfter - result.eventsBefore;
    console.log(JSON.stringify({ ...result, events, eventsPerSec: Math.round(events / result.seconds) }, null, 2));
  } finally {
    await register.close();
  }
}

void main();
