import { generateKeyPairSync } from 'node:crypto';
import { VerificationRuns } from './verification-runs';
import { chainHash, ChainRow, Frontier, genesisOf, leafOf, LogVerifier, signCheckpoint, toHex } from './verifier-core';

const keys = generateKeyPairSync('ed25519');
const KEY = { name: 'union-register', publicKey: keys.publicKey, origin: 'test' };

/** An honest log of n events (chain version 2) at positions 10, 20, …, signed every `every` events. */
function honestLog(n: number, every: number) {
  const rows: ChainRow[] = [];
  const notes: string[] = [];
  const frontier = Frontier.empty();
  let prev = genesisOf(2);
  for (let seq = 0; seq < n; seq += 1) {
    const entry = JSON.stringify([`event-${seq}`, `member-${seq}`, 0, 'MemberAdmitted', 1, { fullName: `Lò Thị Ửng ${seq}` }, {}, '2026-12-06T00:00:00.000Z']);
    const hash = chainHash(2, prev, entry);
    rows.push({ position: (seq + 1) * 10, seq, prevHash: toHex(prev), hash: toHex(hash), entry, version: 2 });
    frontier.append(leafOf(2, hash));
    if ((seq + 1) % every === 0) notes.push(signCheckpoint({ origin: 'test', size: seq + 1, root: frontier.root() }, KEY.name, keys.privateKey, keys.publicKey));
    prev = hash;
  }
  return { rows, notes };
}

/** The verdict of one verifier fed everything (the verification before runs). */
function inOneRun(rows: ChainRow[], notes: string[]) {
  const verifier = new LogVerifier();
  rows.forEach((r) => verifier.feed(r));
  const { roots: _r, lastLeaf: _l, next: _n, ...verdict } = verifier.finish(notes, KEY.name, KEY.publicKey, [], KEY.origin);
  return verdict;
}

/** The notes as a store gives them, by the size each was stored under (its note's second line). */
const between = (notes: string[]) => async (after: number, upTo: number) => notes.filter((n) => Number(n.split('\n')[1]) > after && Number(n.split('\n')[1]) <= upTo);

/** The verdict in runs of at least `runEvents`, the rows read in pages of 25; undefined where it must be verified again. */
async function inRuns(rows: ChainRow[], notes: string[], runEvents = 60) {
  const runs = new VerificationRuns(between(notes), KEY, runEvents);
  for (let i = 0; i < rows.length; i += 25) {
    await runs.pageComing();
    rows.slice(i, i + 25).forEach((r) => runs.feed(r));
  }
  return runs.finish();
}

const tampered: Array<[string, (rows: ChainRow[], notes: string[]) => void]> = [
  ['nothing', () => undefined],
  ['an edited event', (rows) => void (rows[130] = { ...rows[130], entry: rows[130].entry.replace('Ửng 130', 'Ửng 131') })],
  ['a deleted event', (rows) => void rows.splice(200, 1)],
  ['two events swapped', (rows) => void ([rows[300], rows[301]] = [{ ...rows[301], position: rows[300].position }, { ...rows[300], position: rows[301].position }])],
  ['an event written around the log', (rows) => void rows.splice(250, 0, { position: 2505, seq: null, prevHash: null, hash: null, entry: '["x"]' })],
  ['the log cut short', (rows) => void rows.splice(470)],
  ['a checkpoint re-signed over another root', (_rows, notes) => void (notes[3] = signCheckpoint({ origin: 'test', size: 200, root: Buffer.alloc(32, 7) }, KEY.name, keys.privateKey, keys.publicKey))],
  ['a checkpoint whose signature was altered', (_rows, notes) => void (notes[6] = notes[6].replace(/ (\S)(\S+)\n$/, (_, c: string, rest: string) => ` ${c === 'A' ? 'B' : 'A'}${rest}\n`))],
  ['an event moved far from its place (its run stays open)', (rows) => void rows.splice(400, 0, { ...rows.splice(20, 1)[0], position: 3995 })],
  ['an edited event in the last run', (rows) => void (rows[497] = { ...rows[497], hash: rows[496].hash })],
];

describe('verifying a long log in runs of bounded memory', () => {
  it.each(tampered)('given %s, names exactly what one verifier fed everything names', async (_what, tamper) => {
    const { rows, notes } = honestLog(500, 50);
    tamper(rows, notes);
    expect(await inRuns(rows, notes)).toEqual(inOneRun(rows, notes));
  });

  it('given an honest log, closes runs as it goes (a verifier holds at most a run and a page), reading each run\'s checkpoints as it closes', async () => {
    const { rows, notes } = honestLog(500, 50);
    const asked: Array<[number, number]> = [];
    const runs = new VerificationRuns(async (after, upTo) => (asked.push([after, upTo]), between(notes)(after, upTo)), KEY, 60);
    const froms: number[] = [];
    for (let i = 0; i < rows.length; i += 25) {
      await runs.pageComing();
      froms.push((runs as unknown as { verifier: LogVerifier }).verifier.run.from);
      rows.slice(i, i + 25).forEach((r) => runs.feed(r));
    }
    expect(new Set(froms)).toEqual(new Set([0, 75, 150, 225, 300, 375, 450]));
    expect(await runs.finish()).toMatchObject({ events: 500, size: 500, problems: [] });
    expect(asked).toEqual([[0, 75], [75, 150], [150, 225], [225, 300], [300, 375], [375, 450], [450, Number.MAX_SAFE_INTEGER]]);
  });

  it('given a copy of an early event written late, claiming an index of a run already closed, asks to be verified again in one run', async () => {
    const { rows, notes } = honestLog(500, 50);
    rows.splice(400, 0, { ...rows[20], position: 4005 });
    expect(await inRuns(rows, notes)).toBeUndefined();
    expect(await inRuns(rows, notes, Infinity)).toEqual(inOneRun(rows, notes));
  });
});
