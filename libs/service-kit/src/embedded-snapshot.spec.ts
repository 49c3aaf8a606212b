import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { LogRelay } from '@register/messaging';
import { loadConfig } from './config';
import { EmbeddedSnapshots } from './embedded-snapshot';
import { readSnapshotFile } from './embedded-snapshot-file';
import { SnapshotPart } from './snapshot-part';

/** A log of `head` events, ids e1…e<head>. */
function log(head: number): EventStore {
  return {
    headPosition: async () => head,
    readAll: async (after: number, limit: number) => Array.from({ length: Math.max(0, Math.min(limit, head - after)) }, (_, i) => ({ position: after + i + 1, eventId: `e${after + i + 1}` }) as RecordedEvent),
  } as unknown as EventStore;
}

function part(name: string, state: () => unknown, restored: unknown[] = []): SnapshotPart {
  return { snapshotName: name, snapshotVersion: 1, snapshotState: state, restoreState: (s) => restored.push(s) };
}

function coordinator(dataDir: string, parts: SnapshotPart[]): EmbeddedSnapshots {
  const discovery = { getProviders: () => parts.map((instance) => ({ instance })), getControllers: () => [] } as unknown as DiscoveryService;
  return new EmbeddedSnapshots(loadConfig({ REGISTER_MODE: 'embedded', DATA_DIR: dataDir }), discovery);
}

describe('EmbeddedSnapshots', () => {
  let dataDir: string;
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'snapshots-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes the parts and the relays’ positions at a moment when no relay publishes', async () => {
    let state = 'while publishing';
    const relay = { publishing: true, publishedUpTo: 3, published: 3 };
    const snapshots = coordinator(dataDir, [part('a', () => state)]);
    snapshots.addLog('personnel', log(5), relay as unknown as LogRelay);
    await snapshots.onModuleInit();
    const taking = snapshots.snapshot();
    await new Promise((r) => setTimeout(r, 20));
    state = 'once done';
    relay.publishedUpTo = 5;
    relay.publishing = false;
    expect(await taking).toBe(true);
    const file = readSnapshotFile(snapshots.path);
    expect({ relays: file.header.relays, logs: file.header.logs, states: file.states() }).toEqual({ relays: { personnel: 5 }, logs: { personnel: { head: 5, eventId: 'e5' } }, states: { a: 'once done' } });
    await snapshots.onModuleDestroy();
  });

  it('restores every part or none: a part the file lacks means none', async () => {
    const first = coordinator(dataDir, [part('a', () => 'A')]);
    first.addLog('personnel', log(2));
    await first.onModuleInit();
    await first.onModuleDestroy();

    const restored: unknown[] = [];
    const second = coordinator(dataDir, [part('a', () => 'A', restored), part('b', () => 'B', restored)]);
    second.addLog('personnel', log(2));
    await second.onModuleInit();
    expect({ restored: second.restored, why: second.notRestoredBecause, parts: restored }).toEqual({ restored: false, why: 'the snapshot has no b', parts: [] });
    await second.onModuleDestroy();
  });

  it('lets the process stop when a part cannot give its state, and writes no file', async () => {
    const snapshots = coordinator(dataDir, [
      part('a', () => {
        throw new Error('broken part');
      }),
    ]);
    snapshots.addLog('personnel', log(1));
    await snapshots.onModuleInit();
    await expect(snapshots.onModuleDestroy()).resolves.toBeUndefined();
    expect(existsSync(snapshots.path)).toBe(false);
  });
});
