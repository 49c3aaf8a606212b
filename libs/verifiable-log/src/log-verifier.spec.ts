import { generateKeyPairSync } from 'node:crypto';
import { ChainRow, eventHash, Frontier, GENESIS, leafHash, LogVerifier, longestRisingRun, signCheckpoint, toHex } from './verifier-core';

const keys = generateKeyPairSync('ed25519');
const NAME = 'union-register';

/** An honest log of n events at positions 10, 20, …, with checkpoints at the given sizes. */
function honestLog(n: number, checkpointSizes: number[] = []) {
  const rows: ChainRow[] = [];
  const notes: string[] = [];
  const frontier = Frontier.empty();
  let prev = GENESIS;
  for (let seq = 0; seq < n; seq += 1) {
    const entry = JSON.stringify([`event-${seq}`, 'stream', seq, 'BranchEstablished', 1, { name: `Chi đoàn ${seq}` }, {}, '2026-12-02T00:00:00.000Z']);
    const hash = eventHash(prev, entry);
    rows.push({ position: (seq + 1) * 10, seq, prevHash: toHex(prev), hash: toHex(hash), entry });
    frontier.append(leafHash(hash));
    if (checkpointSizes.includes(seq + 1)) notes.push(signCheckpoint({ origin: 'test', size: seq + 1, root: frontier.root() }, NAME, keys.privateKey, keys.publicKey));
    prev = hash;
  }
  return { rows, notes };
}

function verify(rows: ChainRow[], notes: string[] = []) {
  const verifier = new LogVerifier();
  rows.forEach((r) => verifier.feed(r));
  return verifier.finish(notes, NAME, keys.publicKey);
}
const kinds = (rows: ChainRow[], notes: string[] = []) => verify(rows, notes).problems.map((p) => [p.position, p.kind]);

describe('verifying a log', () => {
  it('finds nothing wrong in an honest log, and gives its size and root', () => {
    const { rows, notes } = honestLog(20, [5, 13, 20]);
    const verdict = verify(rows, notes);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ events: 20, headPosition: 200, size: 20 });
  });

  it("words a first checkpoint whose root is not the log's without a predecessor, and names a checkpoint of another log as such (a probe read both as not extending)", () => {
    const { rows, notes } = honestLog(10, [4, 10]);
    const forged = signCheckpoint({ origin: 'test', size: 4, root: Buffer.alloc(32, 7) }, NAME, keys.privateKey, keys.publicKey);
    expect(verify(rows, [forged, notes[1]]).problems.map((p) => p.detail)).toEqual(["checkpoint 4 (the first): its root is not the log's"]);
    const foreign = signCheckpoint({ origin: 'another/log', size: 4, root: Buffer.alloc(32, 7) }, NAME, keys.privateKey, keys.publicKey);
    const verifier = new LogVerifier();
    rows.forEach((r) => verifier.feed(r));
    expect(verifier.finish([foreign, notes[1]], NAME, keys.publicKey, [], 'test').problems.map((p) => [p.kind, p.detail])).toEqual([
      ['checkpoint-signature', 'checkpoint 4 is signed for another log (another/log), not this one (test)'],
    ]);
  });

  it('names an edited event', () => {
    const { rows, notes } = honestLog(10, [10]);
    rows[4] = { ...rows[4], entry: rows[4].entry.replace('Chi đoàn 4', 'Chi đoàn 44') };
    expect(kinds(rows)).toEqual([[50, 'edited']]);
    expect(kinds(rows, notes)).toEqual([[50, 'edited']]);
    // Rewriting the hash too breaks the next event's link, and the signed root.
    rows[4] = { ...rows[4], hash: toHex(eventHash(Buffer.from(rows[4].prevHash as string, 'hex'), rows[4].entry)) };
    expect(kinds(rows, notes)).toEqual([[50, 'edited'], [100, 'checkpoint-not-extending']]);
  });

  it('names a deleted event by the position that follows it', () => {
    const { rows } = honestLog(10);
    rows.splice(3, 1);
    expect(kinds(rows)).toEqual([[50, 'deleted']]);
  });

  it('names an inserted event, forged onto the chain or written around it', () => {
    const { rows } = honestLog(10);
    const forgedEntry = rows[3].entry.replace('event-3', 'forged');
    const forged = { position: 45, seq: 4, prevHash: rows[3].hash, hash: toHex(eventHash(Buffer.from(rows[3].hash as string, 'hex'), forgedEntry)), entry: forgedEntry };
    expect(kinds([...rows.slice(0, 4), forged, ...rows.slice(4)])).toEqual([[45, 'inserted']]);
    expect(kinds([...rows.slice(0, 4), { ...forged, seq: null, hash: null, prevHash: null }, ...rows.slice(4)])).toEqual([[45, 'inserted']]);
  });

  it('names two swapped events, side by side or apart', () => {
    const side = honestLog(6).rows;
    [side[2], side[3]] = [{ ...side[3], position: side[2].position }, { ...side[2], position: side[3].position }];
    expect(kinds(side)).toEqual([[30, 'reordered'], [40, 'reordered']]);
    const { rows } = honestLog(10);
    const [a, b] = [rows[2], rows[6]];
    rows[2] = { ...b, position: a.position };
    rows[6] = { ...a, position: b.position };
    expect(kinds(rows)).toEqual([[30, 'reordered'], [70, 'reordered']]);
  });

  it('names a checkpoint whose signature fails, one that does not extend its predecessor, and a log cut short', () => {
    const { rows, notes } = honestLog(12, [4, 8, 12]);
    const tampered = notes[1].replace(/ (\S+)\n$/, (_, sig: string) => ` ${Buffer.from(Buffer.from(sig, "base64").map((x, i) => (i === 10 ? x ^ 1 : x))).toString("base64")}\n`);
    expect(kinds(rows, [notes[0], tampered, notes[2]])).toEqual([[null, 'checkpoint-signature']]);
    expect(kinds(rows, [notes[0], signCheckpoint({ origin: 'test', size: 8, root: Buffer.alloc(32, 7) }, NAME, keys.privateKey, keys.publicKey)])).toEqual([[80, 'checkpoint-not-extending']]);
    expect(kinds(rows.slice(0, 10), notes)).toEqual([[100, 'gap']]);
  });

  it('reads an entry of many kilobytes and multi-byte text, and finds an edit at its end', () => {
    const entry = JSON.stringify(['event-0', 'stream', 0, 'BranchEstablished', 1, { name: 'Chi đoàn Đội Cấn '.repeat(600) }, {}, '2026-12-02T00:00:00.000Z']);
    const hash = eventHash(GENESIS, entry);
    const { rows } = honestLog(3);
    const long = { position: 40, seq: 3, prevHash: rows[2].hash, hash: toHex(eventHash(Buffer.from(rows[2].hash as string, 'hex'), entry)), entry };
    expect(kinds([{ position: 1, seq: 0, prevHash: toHex(GENESIS), hash: toHex(hash), entry }])).toEqual([]);
    expect(kinds([...rows, long])).toEqual([]);
    expect(kinds([...rows, { ...long, entry: entry.replace(/Cấn (?=")/, 'Cán ') }])).toEqual([[40, 'edited']]);
  });

  it('names an event whose hashes are not hashes, and goes on', () => {
    const { rows } = honestLog(6);
    const cut = { ...rows[2], hash: (rows[2].hash as string).slice(0, 62) };
    const notHex = { ...rows[4], prevHash: `${(rows[4].prevHash as string).slice(0, 63)}g` };
    expect(kinds([rows[0], rows[1], cut, rows[3], notHex, rows[5]])).toEqual([
      [30, 'edited'],
      [40, 'deleted'],
      [50, 'edited'],
      [60, 'deleted'],
    ]);
  });

  it('verifies two logs fed in turns, each on its own', () => {
    const [a, b] = [honestLog(8), honestLog(8)];
    b.rows.forEach((r, i) => (b.rows[i] = { ...r, entry: r.entry.replace('Chi', 'Liên') }));
    const chained = (rows: ChainRow[]) => rows.reduce<{ rows: ChainRow[]; prev: Buffer }>(
      (acc, r, seq) => {
        const hash = eventHash(acc.prev, r.entry);
        acc.rows.push({ ...r, seq, prevHash: toHex(acc.prev), hash: toHex(hash) });
        return { rows: acc.rows, prev: hash };
      },
      { rows: [], prev: GENESIS },
    ).rows;
    const [va, vb] = [new LogVerifier(), new LogVerifier()];
    const other = chained(b.rows);
    a.rows.forEach((r, i) => {
      va.feed(r);
      vb.feed(other[i]);
    });
    expect(va.finish([], NAME, keys.publicKey).problems).toEqual([]);
    expect(vb.finish([], NAME, keys.publicKey).problems).toEqual([]);
  });

  it('finds the longest rising run', () => {
    expect(longestRisingRun([0, 1, 6, 3, 4, 5, 2, 7])).toEqual([true, true, false, true, true, true, false, true]);
    expect(longestRisingRun([])).toEqual([]);
  });
});
