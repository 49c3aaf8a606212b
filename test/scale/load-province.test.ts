import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbedded, Register } from './embedded-register';
import { loadProvince } from './load-province';

/** The first groups of the plan: the central committee, the province, commune c-0 and its 30 branches. */
const FIRST_GROUPS = { seed: 3, factor: 0.02, until: 0.001, progress: false } as const;

describe('loading a province through the command paths', () => {
  let dataDir: string;
  let register: Register;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scale-load-'));
    register = await openEmbedded(dataDir);
  });
  afterAll(async () => {
    await register.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('appends what the commands say, continues from its checkpoint, and sends nothing twice when the checkpoint is lost', async () => {
    const checkpointFile = join(dataDir, 'checkpoint.json');
    const first = await loadProvince(register, { ...FIRST_GROUPS, checkpointFile });
    expect({ commands: first.commands, refused: first.refused, events: first.eventsAfter - first.eventsBefore, done: first.done }).toEqual({ commands: 33, refused: 0, events: 33, done: 33 });

    const resumed = await loadProvince(register, { ...FIRST_GROUPS, checkpointFile });
    expect({ commands: resumed.commands, events: resumed.eventsAfter }).toEqual({ commands: 0, events: 33 });

    rmSync(checkpointFile);
    const again = await loadProvince(register, { ...FIRST_GROUPS, checkpointFile });
    expect({ commands: again.commands, refused: again.refused, events: again.eventsAfter }).toEqual({ commands: 33, refused: 0, events: 33 });
  });
});
