import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Another live process holds the folder: two PGlite instances on one data folder would corrupt it. */
export class FolderInUseError extends Error {
  constructor(folder: string, pid: number, lockFile: string) {
    super(`${folder} is in use by another register process (pid ${pid}): stop it first; if no such process runs, delete ${lockFile}`);
  }
}

/**
 * Takes `lockFile` for this process: created atomically with our pid in it. A lock left by a process
 * that no longer runs (a SIGKILL leaves one) is taken over, and so is one of this process's own (a
 * start that did not close, in the same process). A holder still there is waited for up to
 * `waitMs`: a process just killed takes a moment to go (a supervisor restarting at once met it), and
 * one that has ended but is not yet reaped by its parent (a zombie) holds nothing. Returns the release.
 */
export function lockFolder(folder: string, lockFile: string, waitMs = 3000): () => void {
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockFile, 'utf8').trim());
    // Our own (the start claimed it before the event store): kept, never let go for another to take.
    if (holder === process.pid) return () => rmSync(lockFile, { force: true });
    if (Number.isInteger(holder) && holder > 0 && stillRunning(holder, waitMs)) throw new FolderInUseError(folder, holder, lockFile);
    rmSync(lockFile, { force: true });
  }
}

function stillRunning(pid: number, waitMs: number): boolean {
  const deadline = Date.now() + waitMs;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return false;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux: the state after the command's closing parenthesis in /proc/<pid>/stat; elsewhere, never known a zombie. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The lock of a data folder's embedded event log (PGlite's folder `event-log`). */
export const eventLogLock = (dataDir: string) => `${join(dataDir, 'event-log')}.lock`;

/**
 * Takes the data folder before anything starts: a second start on it says who holds it and ends
 * (exit code 1), where the error came up through Nest's start with a page of stack trace after it.
 * The event store takes the same lock again later (its own process's: taken over).
 */
export function claimDataDirOrExit(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    lockFolder(dataDir, eventLogLock(dataDir));
  } catch (error) {
    if (!(error instanceof FolderInUseError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
