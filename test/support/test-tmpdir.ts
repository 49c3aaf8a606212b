import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

/** What the teardown removes: the run's temporary root this setup made, when it made one. */
const MADE = 'REGISTER_TEST_TMP_ROOT';
const TMPFS = '/dev/shm';
/** The least free memory-backed space to run in: three workers' data folders at once, with room to spare. */
const LEAST_FREE_BYTES = 4 * 1024 ** 3;

/**
 * The suites' temporary folders (each embedded start's PGlite data folder, a 39 MB copy of the
 * template, and the folders of the processes they start) go on tmpfs when the machine has one:
 * a data folder's copy cost 565 ms of CPU on the disk's ext4 and 80 ms on tmpfs, and a CI run is
 * bound by its two cores (docs/testing.md). A folder of its own per run, removed at the end.
 * REGISTER_TEST_TMPDIR names another root; `disk` keeps the system's.
 */
export function useMemoryTmpdir(env: NodeJS.ProcessEnv = process.env): void {
  const asked = env.REGISTER_TEST_TMPDIR;
  if (asked === 'disk') return;
  const root = asked || (hasRoom(TMPFS) ? TMPFS : undefined);
  if (!root) return;
  const made = mkdtempSync(join(root, 'register-tests-'));
  env.TMPDIR = made;
  env[MADE] = made;
}

/** Removes the run's temporary root (what its suites left behind with it). */
export function removeMemoryTmpdir(env: NodeJS.ProcessEnv = process.env): void {
  const made = env[MADE];
  if (made) rmSync(made, { recursive: true, force: true });
}

function hasRoom(folder: string): boolean {
  try {
    const fs = statfsSync(folder);
    return fs.bavail * fs.bsize >= LEAST_FREE_BYTES;
  } catch {
    return false;
  }
}
