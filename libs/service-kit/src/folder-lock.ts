import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

/** Another live process holds the folder: two PGlite instances on one data folder would corrupt it. */
export class FolderInUseError extends Error {
  constructor(folder: string, pid: number, lockFile: string) {
    super(`${folder} is in use by another register process (pid ${pid}): stop it first; if no such process runs, delete ${lockFile}`);
  }
}

/**
 * Takes `lockFile` for this process: created atomically with our pid in it. A lock left by a process
 * that no longer runs (a SIGKILL leaves one) is taken over, and so is one of this process's own (a
 * start that did not close, in the same process). Returns the release.
 */
export function lockFolder(folder: string, lockFile: string): () => void {
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
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) throw new FolderInUseError(folder, holder, lockFile);
    rmSync(lockFile, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
