import { readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** Bumped when the file's layout changes: a file of another format is ignored (a full replay). */
export const SNAPSHOT_FORMAT = 1;

/** Where one service log stood when the snapshot was taken: its head, and the event there (a log restored from an older copy differs). */
export interface SavedLog {
  head: number;
  eventId?: string;
}

/** The small part of the file, read first: everything the start checks before it restores anything. */
export interface SnapshotHeader {
  format: number;
  takenAt: string;
  /** Milliseconds from the quiet moment to the file renamed into place. */
  tookMs: number;
  logs: Record<string, SavedLog>;
  /** Each relay's published position: every event up to it was applied by every consumer. */
  relays: Record<string, number>;
  /** Each part's version; the states follow the header. */
  versions: Record<string, number>;
}

export interface SnapshotFile {
  header: SnapshotHeader;
  /** The parts' states, deserialized only once the header allows a restore. */
  states(): Record<string, unknown>;
}

/**
 * The file: the header's length (4 bytes), the header, then the parts' states, each v8.serialize'd.
 * The states are serialized in the quiet tick (they are live objects), the header only after the
 * logs' heads are read; writing them one after the other spares a copy of the states.
 */
export async function writeSnapshotFile(path: string, header: SnapshotHeader, states: Buffer): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const head = serialize(header);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(Buffer.concat([length, head]));
    await file.writeFile(states);
    await file.sync(); // the data is on disk before the rename makes it the snapshot
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
  return 4 + head.length + states.length;
}

/** Throws when the file is missing or unreadable; the caller tells which. */
export function readSnapshotFile(path: string): SnapshotFile {
  const bytes = readFileSync(path);
  const length = bytes.readUInt32BE(0);
  const header = deserialize(bytes.subarray(4, 4 + length)) as SnapshotHeader;
  return { header, states: () => deserialize(bytes.subarray(4 + length)) as Record<string, unknown> };
}

/** The rename itself survives a power cut once the directory is synced. */
async function syncDirectory(path: string) {
  try {
    const dir = await open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // some file systems cannot sync a directory; the rename is then as durable as they make it
  }
}
