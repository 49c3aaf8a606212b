import { generateKeyPairSync } from 'node:crypto';
import { BundleLines, verifyBundleInRuns } from './bundle-in-runs';
import { sealed } from './testing/sealed-bundle';
import { chainHash, ChainVersion, consistencyPath, Frontier, genesisOf, Hash, leafOf, signCheckpoint, toHex, verifierKey, verifyBundle } from './verifier-core';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const KEY = verifierKey('union-register', keys.publicKey);
const ORIGIN = 'union-register/personnel';

/**
 * An honest bundle of `n` events in chain `version`, signed every `every` events, with the
 * consistency proofs between its checkpoints; from index `from` on (a range: the leaves before it
 * as a prefix), if given.
 */
function bundle(n: number, every: number, version: ChainVersion, from = 0): string[] {
  const lines = [JSON.stringify({ type: 'log', service: 'personnel', origin: ORIGIN, keyName: 'union-register', publicKey: KEY, complete: from === 0, size: n })];
  const frontier = Frontier.empty();
  const leaves: Hash[] = [];
  const notes: string[] = [];
  const proofs: string[] = [];
  const before: string[] = [];
  let prev = genesisOf(version);
  for (let seq = 0; seq < n; seq += 1) {
    const entry = JSON.stringify([`e-${seq}`, `member-${seq % 7}`, Math.floor(seq / 7), 'MemberAdmitted', 1, { sealed: `Hoàng Thị Hường ${seq}` }, {}, '2026-12-07T00:00:00.000Z']);
    const hash = chainHash(version, prev, entry);
    if (seq === from && from > 0) lines.push(JSON.stringify({ type: 'prefix', frontier: frontier.toJSON(), firstPrev: toHex(prev), version }));
    const line = JSON.stringify({ type: 'event', position: 10 * (seq + 1), seq, prevHash: toHex(prev), hash: toHex(hash), entry, version });
    if (seq >= from) lines.push(line);
    else before.push(line);
    leaves.push(leafOf(version, hash));
    frontier.append(leaves[seq]);
    prev = hash;
    if ((seq + 1) % every === 0 || seq === n - 1) {
      notes.push(JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin: ORIGIN, size: seq + 1, root: frontier.root() }, 'union-register', keys.privateKey, keys.publicKey) }));
      const sizes = notes.length;
      if (sizes > 1) {
        const from = Number(JSON.parse(notes[sizes - 2]).note.split('\n')[1]);
        proofs.push(JSON.stringify({ type: 'consistency', from, to: seq + 1, proof: consistencyPath(leaves, from, seq + 1).map(toHex) }));
      }
    }
  }
  const whole = sealed([...lines, ...notes.filter((l) => from === 0 || Number(JSON.parse(l).note.split('\n')[1]) >= from), ...proofs], keys);
  earlier.set(whole, before);
  return whole;
}

/** The event lines a range bundle leaves out, before its prefix. */
const earlier = new WeakMap<string[], string[]>();

const events = (lines: string[]) => lines.flatMap((line, i) => (line.startsWith('{"type":"event"') ? [i] : []));

/** Ways to damage a bundle, each as verification names them. */
const damages: Record<string, (lines: string[]) => string[]> = {
  'nothing': (lines) => lines,
  'an edited event': (lines) => lines.map((l, i) => (i === events(lines)[13] ? l.replace('Hường 13', 'Hường 31') : l)),
  'a deleted event': (lines) => lines.filter((_, i) => i !== events(lines)[9]),
  'two events swapped': (lines) => {
    const [a, b] = [events(lines)[5], events(lines)[6]];
    return lines.map((l, i) => (i === a ? lines[b] : i === b ? lines[a] : l));
  },
  'an event copied far ahead (it reaches back into a closed run)': (lines) => {
    const at = events(lines)[30];
    return [...lines.slice(0, at), lines[events(lines)[2]].replace('"position":30', '"position":305'), ...lines.slice(at)];
  },
  'the last events cut off': (lines) => lines.filter((_, i) => !events(lines).slice(-3).includes(i)),
  'a checkpoint\'s signature altered': (lines) => lines.map((l) => (l.includes('"note"') && l.includes('\\n16\\n') ? l.replace(/— union-register ([A-Za-z0-9+/]{10})/, '— union-register AAAAAAAAAA') : l)),
  'a checkpoint from another key': (lines) =>
    lines.map((l) => (l.includes('"note"') && l.includes('\\n8\\n') ? JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin: ORIGIN, size: 8, root: Buffer.alloc(32) }, 'union-register', other.privateKey, other.publicKey) }) : l)),
  'a checkpoint that cannot be read': (lines) => [...lines, JSON.stringify({ type: 'checkpoint', note: 'not a note' })],
  'an event\'s entry given twice, the first forged': (lines) => lines.map((l, i) => (i === events(lines)[9] ? l.replace('"entry":"', '"entry":"forged","entry":"') : l)),
  'its seal left out': (lines) => lines.filter((l) => !l.startsWith('{"type":"seal"')),
  'a consistency proof with a wrong sibling': (lines) => lines.map((l) => (l.includes('"type":"consistency"') && l.includes('"to":24') ? l.replace(/"proof":\["[0-9a-f]/, '"proof":["0') : l)),
};

const linesOf = (lines: string[]): BundleLines => async function* () {
  yield* lines;
};
const named = (v: { problems: Array<{ kind: string; position: number | null }> }) => v.problems.map((p) => `${p.kind}@${p.position}`);

describe.each<ChainVersion>([1, 2])('a bundle verified in runs, read as a stream of lines (chain version %i)', (version) => {
  const honest = bundle(40, 4, version);
  it.each(Object.keys(damages))('given %s, then the verdict is the one verifyBundle gives, holding it whole', async (damage) => {
    const lines = damages[damage](honest);
    const whole = verifyBundle(lines, { verifierKey: KEY });
    for (const runEvents of [3, 7, 50_000]) {
      const inRuns = await verifyBundleInRuns(linesOf(lines), { verifierKey: KEY }, runEvents);
      expect({ runEvents, ...inRuns, problems: named(inRuns) }).toEqual({ runEvents, ...whole, problems: named(whole) });
    }
    expect(whole.ok).toBe(damage === 'nothing');
  });

  it.each<[string, (range: string[], left: string[]) => string[]]>([
    ['an honest range', (range) => range],
    ['a range with an event from before its prefix copied in', (range, left) => [...range.slice(0, 5), left[3], ...range.slice(5)]],
    ['a range with a forged checkpoint of size 1', (range) => [...range, JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin: ORIGIN, size: 1, root: Buffer.alloc(32) }, 'union-register', other.privateKey, other.publicKey) })]],
  ])('given %s (a bundle from a later position), then the verdict is the one verifyBundle gives', async (_, damage) => {
    const range = bundle(40, 4, version, 17);
    const lines = damage(range, earlier.get(range) ?? []);
    const whole = verifyBundle(lines, { verifierKey: KEY });
    for (const runEvents of [3, 50_000]) {
      const inRuns = await verifyBundleInRuns(linesOf(lines), { verifierKey: KEY }, runEvents);
      expect({ runEvents, ...inRuns, problems: named(inRuns) }).toEqual({ runEvents, ...whole, problems: named(whole) });
    }
  });

  it('given a bundle whose first line is an event, then both refuse it as not a bundle', async () => {
    const lines = [honest[1], ...honest];
    expect(() => verifyBundle(lines)).toThrow(/not a register bundle/);
    await expect(verifyBundleInRuns(linesOf(lines))).rejects.toThrow(/not a register bundle/);
  });

  it('given a checkpoint the auditor kept, then both agree on it, kept from this log or from a fork', async () => {
    // Of size 13, where the bundle has no checkpoint: the runs draw the log's root there for it alone.
    const kept = JSON.parse(bundle(13, 100, version).filter((l) => l.startsWith('{"type":"checkpoint"')).pop()!).note as string;
    const fork = signCheckpoint({ origin: ORIGIN, size: 13, root: Buffer.alloc(32, 7) }, 'union-register', keys.privateKey, keys.publicKey);
    for (const checkpoint of [kept, fork]) {
      const whole = verifyBundle(honest, { verifierKey: KEY, checkpoint });
      const inRuns = await verifyBundleInRuns(linesOf(honest), { verifierKey: KEY, checkpoint }, 5);
      expect(named(inRuns)).toEqual(named(whole));
      expect(inRuns.ok).toBe(checkpoint === kept);
    }
  });
});
