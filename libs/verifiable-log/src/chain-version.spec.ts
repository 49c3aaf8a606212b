import { generateKeyPairSync } from 'node:crypto';
import {
  chainHash,
  ChainRow,
  ChainVersion,
  consistencyPath,
  Frontier,
  fromHex,
  genesisOf,
  GENESIS_V2,
  Hash,
  leafHash,
  leafOf,
  LogVerifier,
  signCheckpoint,
  SWITCH_EVENT,
  toHex,
  verifierKey,
  verifyBundle,
} from './verifier-core';
import { sealed } from './testing/sealed-bundle';

const keys = generateKeyPairSync('ed25519');
const NAME = 'union-register';
const ORIGIN = 'union-register/organisation';
const KEY = verifierKey(NAME, keys.publicKey);

const entryOf = (seq: number) => JSON.stringify([`00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, `unit-${seq}`, 0, 'UnitEstablished', 1, { name: `Đoàn xã ${seq}` }, {}, '2026-12-02T00:00:00.000Z']);
const switchEntry = (seq: number) => JSON.stringify([`00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, SWITCH_EVENT.stream, 0, SWITCH_EVENT.type, 1, { chainVersion: 2 }, { actor: 'system:register' }, '2026-12-02T00:00:00.000Z']);

/**
 * A log as the store writes it: events 0..switchAt-1 in version 1, the recorded switch at `switchAt`
 * and the events after it in version 2 (switchAt 0: a log that starts in version 2, with no switch).
 * Positions 10, 20, …; checkpoints at the given sizes; the leaves as the tree takes them.
 */
function mixedLog(n: number, switchAt: number, checkpointSizes: number[] = []) {
  const rows: ChainRow[] = [];
  const leaves: Hash[] = [];
  const notes: string[] = [];
  const frontier = Frontier.empty();
  let prev = genesisOf(switchAt === 0 ? 2 : 1);
  for (let seq = 0; seq < n; seq += 1) {
    const version: ChainVersion = seq < switchAt ? 1 : 2;
    const entry = seq === switchAt && switchAt > 0 ? switchEntry(seq) : entryOf(seq);
    const hash = chainHash(version, prev, entry);
    rows.push({ position: (seq + 1) * 10, seq, prevHash: toHex(prev), hash: toHex(hash), entry, version });
    leaves.push(leafOf(version, hash));
    frontier.append(leaves[seq]);
    if (checkpointSizes.includes(seq + 1)) notes.push(signCheckpoint({ origin: ORIGIN, size: seq + 1, root: frontier.root() }, NAME, keys.privateKey, keys.publicKey));
    prev = hash;
  }
  return { rows, leaves, notes };
}

function verify(rows: ChainRow[], notes: string[] = []) {
  const verifier = new LogVerifier();
  rows.forEach((r) => verifier.feed(r));
  return verifier.finish(notes, NAME, keys.publicKey);
}
const kinds = (rows: ChainRow[], notes: string[] = []) => verify(rows, notes).problems.map((p) => [p.position, p.kind]);

/** Rechains rows from `from` on, each in the version it claims, as a forger who holds no key would. */
function rechain(rows: ChainRow[], from: number): ChainRow[] {
  const out = rows.map((r) => ({ ...r }));
  for (let i = from; i < out.length; i += 1) {
    const prev = i === 0 ? genesisOf(out[i].version ?? 1) : fromHex(out[i - 1].hash as string);
    out[i] = { ...out[i], prevHash: toHex(prev), hash: toHex(chainHash(out[i].version ?? 1, prev, out[i].entry)) };
  }
  return out;
}

function bundleOf(log: ReturnType<typeof mixedLog>, sizes: number[]): string[] {
  const header = JSON.stringify({ type: 'log', service: 'organisation', origin: ORIGIN, keyName: NAME, publicKey: KEY, complete: true, size: log.rows.length });
  const proofs = sizes.slice(1).map((to, i) => JSON.stringify({ type: 'consistency', from: sizes[i], to, proof: consistencyPath(log.leaves, sizes[i], to).map(toHex) }));
  return sealed([header, ...log.rows.map((r) => JSON.stringify({ type: 'event', ...r })), ...log.notes.map((note) => JSON.stringify({ type: 'checkpoint', note })), ...proofs], keys, NAME);
}

describe('the hash chain\'s two versions', () => {
  it('draws a version-2 hash as the RFC 9162 leaf hash of the previous hash and the entry, and takes it as the leaf itself', () => {
    const prev = fromHex('ab'.repeat(32));
    const entry = entryOf(7);
    const v2 = chainHash(2, prev, entry);
    expect(v2.equals(leafHash(Buffer.concat([prev, Buffer.from(entry, 'utf8')])))).toBe(true);
    expect(leafOf(2, v2).equals(v2)).toBe(true);
    const v1 = chainHash(1, prev, entry);
    expect(leafOf(1, v1).equals(leafHash(v1))).toBe(true);
    expect(toHex(GENESIS_V2)).toBe(`${'00'.repeat(31)}02`);
  });

  describe('given a log in version 1 that switched to version 2 at a recorded event', () => {
    const sizes = [4, 9, 14];

    it('when it is verified whole, then it is clean, and its roots are those its checkpoints signed', () => {
      const { rows, notes } = mixedLog(14, 6, sizes);
      expect(verify(rows, notes)).toMatchObject({ events: 14, size: 14, problems: [] });
    });

    it('when its switch is written as jsonb writes text (", " between items), then it is recognised all the same', () => {
      const { rows } = mixedLog(8, 3);
      rows[3] = { ...rows[3], entry: `[${(JSON.parse(rows[3].entry) as unknown[]).map((item) => JSON.stringify(item)).join(', ')}]` };
      expect(rows[3].entry).toContain('", "log-integrity", 0, "HashChainUpgraded"');
      expect(kinds(rechain(rows, 3))).toEqual([]);
    });

    it('when an event of its version-2 part is edited, deleted, inserted or swapped, then each is named by position and kind', () => {
      const edited = mixedLog(14, 6).rows;
      edited[9] = { ...edited[9], entry: edited[9].entry.replace('Đoàn xã 9', 'Đoàn xã 99') };
      expect(kinds(edited)).toEqual([[100, 'edited']]);

      const deleted = mixedLog(14, 6).rows;
      deleted.splice(10, 1);
      expect(kinds(deleted)).toEqual([[120, 'deleted']]);

      const inserted = mixedLog(14, 6).rows;
      const forgedEntry = entryOf(99);
      const forged: ChainRow = { position: 105, seq: 10, prevHash: inserted[9].hash, hash: toHex(chainHash(2, fromHex(inserted[9].hash as string), forgedEntry)), entry: forgedEntry, version: 2 };
      expect(kinds([...inserted.slice(0, 10), forged, ...inserted.slice(10)])).toEqual([[105, 'inserted']]);

      const swapped = mixedLog(14, 6).rows;
      [swapped[11], swapped[12]] = [{ ...swapped[12], position: 120 }, { ...swapped[11], position: 130 }];
      expect(kinds(swapped)).toEqual([[120, 'reordered'], [130, 'reordered']]);
    });

    it('when a version-2 event is rewritten with its hash and the chain after it, then the checkpoint that covered it is named', () => {
      const { rows, notes } = mixedLog(14, 6, sizes);
      rows[10] = { ...rows[10], entry: rows[10].entry.replace('Đoàn xã 10', 'Đoàn xã giả') };
      expect(kinds(rechain(rows, 10), notes)).toEqual([[140, 'checkpoint-not-extending']]);
    });

    it('when an event after the switch claims version 1, then it is named as edited', () => {
      const { rows } = mixedLog(10, 4);
      rows[7] = { ...rows[7], version: 1 };
      const problems = verify(rechain(rows, 7)).problems;
      expect(problems.map((p) => [p.position, p.kind])).toEqual([[80, 'edited']]);
      expect(problems[0].detail).toContain('claims chain version 1, after the log switched to version 2');
    });

    it('when it is exported, then the bundle verifies offline, whole and from a position in its version-2 part', () => {
      const log = mixedLog(14, 6, sizes);
      const bundle = bundleOf(log, sizes);
      expect(verifyBundle(bundle, { verifierKey: KEY })).toMatchObject({ ok: true, size: 14, problems: [] });
      // The part from event 10 on: the prefix carries the leaves before it and the version in force.
      const prefix = Frontier.empty();
      log.leaves.slice(0, 10).forEach((l) => prefix.append(l));
      const part = sealed([
        bundle[0].replace('"complete":true', '"complete":false'),
        JSON.stringify({ type: 'prefix', frontier: prefix.toJSON(), firstPrev: log.rows[10].prevHash, version: 2 }),
        ...log.rows.slice(10).map((r) => JSON.stringify({ type: 'event', ...r })),
        JSON.stringify({ type: 'checkpoint', note: log.notes[2] }),
      ], keys, NAME);
      expect(verifyBundle(part, { verifierKey: KEY })).toMatchObject({ ok: true, problems: [] });
      // A prefix that claims version 1 there names each event after it.
      const claimsV1 = part.map((l, i) => (i === 1 ? l.replace('"version":2}', '"version":1}') : l));
      expect(verifyBundle(claimsV1, { verifierKey: KEY }).problems.map((p) => p.kind)).toEqual(['edited', 'edited', 'edited', 'edited']);
    });

    it('when an adversarial bundle claims version 2 for a version-1 event, then it is refused, even with every hash rechained to fit', () => {
      const log = mixedLog(14, 6, sizes);
      log.rows[2] = { ...log.rows[2], version: 2 };
      const forged = { ...log, rows: rechain(log.rows, 2) };
      const verdict = verifyBundle(bundleOf(forged, sizes), { verifierKey: KEY });
      expect(verdict.ok).toBe(false);
      expect(verdict.problems[0]).toMatchObject({ kind: 'edited', position: 30, detail: expect.stringContaining('claims chain version 2, and the log had not switched to it') });
      expect(verdict.problems.map((p) => p.kind)).toContain('checkpoint-not-extending');
      // Without any checkpoint, the claim alone is refused.
      expect(kinds(forged.rows)).toEqual([[30, 'edited']]);
    });

    it('when an event that is not the recorded switch claims to be where version 2 starts, then it is refused', () => {
      const { rows } = mixedLog(10, 4);
      // The switch's entry replaced by an ordinary event's, hashes rechained: no recorded switch
      // remains, and each event that claims version 2 claims it without one.
      rows[4] = { ...rows[4], entry: entryOf(4) };
      expect(kinds(rechain(rows, 4))).toEqual([50, 60, 70, 80, 90, 100].map((p) => [p, 'edited']));
    });
  });

  describe('given a log that starts in version 2', () => {
    it('when it is verified, then it is clean: its first event chains from the version-2 genesis', () => {
      const { rows, notes } = mixedLog(9, 0, [5, 9]);
      expect(rows.every((r) => r.version === 2)).toBe(true);
      expect(rows[0].prevHash).toBe(toHex(GENESIS_V2));
      expect(verify(rows, notes).problems).toEqual([]);
    });

    it('when its first event claims version 2 but chains from version 1\'s genesis, then it is named', () => {
      const { rows } = mixedLog(5, 0);
      const prev = genesisOf(1);
      rows[0] = { ...rows[0], prevHash: toHex(prev), hash: toHex(chainHash(2, prev, rows[0].entry)) };
      expect(kinds(rechain(rows, 1))).toEqual([[10, 'edited']]);
    });
  });
});
