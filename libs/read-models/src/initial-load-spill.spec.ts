import { RecordedEvent } from '@register/event-sourcing';
import { Doc } from './document';
import { InitialLoad, privateWorkingSet, SpillTarget } from './initial-load';
import { liveTarget } from './naming';
import { defineProjection, op, ProjectionReader } from './projection';
import { ProjectionRunner } from './runner';
import { recordedAt, arrayLog } from './spec-log';
import { MemoryReadStore } from './stores/memory-read-store';
import { CopyWriter } from './writer';

type C = 'docs' | 'totals';
const id = (e: RecordedEvent) => (e.data as { id: string }).id;

/** Every kind of write an initial load can meet after a spill: replace, update without a read, delete, a read of another document. */
const ledger = defineProjection<RecordedEvent, C>({
  name: 'ledger',
  version: 1,
  collections: { docs: {}, totals: {} },
  handlers: {
    Opened: (e: RecordedEvent) => [op.replace<C>('docs', id(e), { n: 0 }), op.upsert<C>('totals', 'all', { $inc: { opened: 1 } })],
    Bumped: (e: RecordedEvent) => op.update<C>('docs', id(e), { $inc: { n: 1 } }),
    Closed: (e: RecordedEvent) => op.delete<C>('docs', id(e)),
    Mirrored: async (e: RecordedEvent, reader: ProjectionReader) => {
      const { from, to } = e.data as { from: string; to: string };
      const source = (await reader.read('docs', from)) as { n: number } | undefined;
      return source ? [op.replace<C>('docs', to, { n: source.n, from })] : [];
    },
    Looked: async (e: RecordedEvent, reader: ProjectionReader) => {
      await reader.read('docs', id(e));
      return [];
    },
  },
});

const events = [
  ['Opened', { id: 'a' }],
  ['Opened', { id: 'b' }],
  ['Opened', { id: 'z' }],
  ['Bumped', { id: 'a' }], // a stored document updated without being read
  ['Mirrored', { from: 'a', to: 'c' }], // one read back for another's sake
  ['Closed', { id: 'b' }], // a stored document deleted...
  ['Opened', { id: 'b' }], // ...and made again before the next write-out
  ['Bumped', { id: 'b' }],
  ['Closed', { id: 'c' }], // deleted for good
  ['Looked', { id: 'z' }], // read back, unchanged: not written again
  ['Opened', { id: 'd' }],
  ['Closed', { id: 'd' }], // never written at all
  ['Bumped', { id: 'a' }],
  ['Mirrored', { from: 'c', to: 'e' }], // c is gone: nothing mirrored
  ['Closed', { id: 'a' }],
  ['Opened', { id: 'a' }], // deleted in one write-out, made again in a later one: an insert
].map(([type, data], i) => recordedAt(i + 1, type as string, data));

async function documents(store: MemoryReadStore): Promise<Record<string, Doc[]>> {
  const target = liveTarget(ledger);
  const byId = (docs: Doc[]) => docs.sort((x, y) => String(x._id).localeCompare(String(y._id)));
  return { docs: byId(await store.find(target.collection('docs'))), totals: await store.find(target.collection('totals')) };
}

describe('an initial load written out as it goes (a spill)', () => {
  it('ends with the documents of a load held whole, whatever the write-outs between its events', async () => {
    const whole = new MemoryReadStore();
    await new ProjectionRunner(arrayLog(events), whole, ledger, { owner: 't' }).runOnce();
    const expected = await documents(whole);
    expect(expected.docs.map((d) => d._id).sort()).toEqual(['a', 'b', 'z']);

    for (const every of [1, 2, 3, 5]) {
      const store = new MemoryReadStore();
      const writer = new CopyWriter(store, ledger, liveTarget(ledger), { owner: 't', leaseMs: 30_000 });
      expect(await writer.acquire()).toBe(true);
      await writer.prepare();
      const written: Array<{ fresh: string[]; changed: string[]; deleted: string[] }> = [];
      const inner = writer.spillTarget();
      const target: SpillTarget = {
        read: (c, docId) => inner.read(c, docId),
        write: async (c, fresh, changed, deleted) => {
          if (c === 'docs') written.push({ fresh: fresh.map((d) => d._id as string), changed: changed.map((d) => d._id as string), deleted });
          await inner.write(c, fresh, changed, deleted);
        },
      };
      const load = new InitialLoad(ledger, privateWorkingSet(), Infinity, target);
      for (let i = 0; i < events.length; i += every) {
        await load.fold(events.slice(i, i + every));
        if (i + every < events.length) await load.spill();
      }
      await writer.writeInitial(load, false);
      expect({ every, ...(await documents(store)) }).toEqual({ every, ...expected });
      const all = (k: 'fresh' | 'changed' | 'deleted') => written.flatMap((w) => w[k]).sort();
      if (every === 1) {
        expect(all('changed')).not.toContain('z'); // read back, never changed
        expect(all('deleted')).toEqual(['a', 'b', 'c', 'd']);
      }
      if (every === 2) expect([...all('fresh'), ...all('deleted')]).not.toContain('d'); // opened and closed between write-outs
      if (every === 5) {
        expect(all('changed')).toContain('b'); // deleted and made again between write-outs: replaced
        expect(all('deleted')).toEqual(['a', 'c']);
      }
    }
  });

  it('refuses to write out where it has no target (the memory store builds in place)', async () => {
    const load = new InitialLoad(ledger, privateWorkingSet());
    await load.fold(events.slice(0, 1));
    await expect(load.spill()).rejects.toThrow(/nowhere to write/);
  });
});
