import { seededRandom } from '@register/event-sourcing';
import { rewrittenLine } from './verifier-core';

const entry = JSON.stringify(['e-1', 'member-1', 0, 'MemberAdmitted', 1, { fullName: 'Đỗ Thị Thúy Hằng', note: 'a "quoted" \\ word \\\\"' }, { actor: 'admin' }, '2026-12-02T00:00:00.000Z']);
const row = { type: 'event', position: 12, seq: 11, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64), entry };
const honest = [JSON.stringify(row), JSON.stringify({ ...row, version: 2 }), JSON.stringify({ ...row, seq: null, hash: null }), JSON.stringify({ type: 'checkpoint', note: 'union-register/personnel\n12\nq83=\n\n— union-register x' })];

/** Pieces a mutation puts in: JSON's own characters, escapes, keys the lines have, a Vietnamese letter. */
const PIECES = ['"', '\\', '\\\\', ',', ':', '{', '}', ' ', '\\"', '\\u0041', '\\u0065', '"\\u0065ntry":"x",', 'ệ', '"entry":', ',"entry":"x"', ',"entry":7', '"version":', ',"version":2', '"seq":1,', '"note":"x",', 'null', '[1]'];

const KEYS = ['"entry"', '"\\u0065ntry"', '"seq"', '"note"', '"type"', '"hash"', '"other"', ' "entry" '];
const VALUES = ['"forged"', '7', 'null', '["x"]', '{"a":"b"}', '"a \\"quoted\\" word"', '"\\\\"'];

function mutate(line: string, next: () => number): string {
  const at = Math.floor(next() * (line.length + 1));
  const piece = PIECES[Math.floor(next() * PIECES.length)];
  switch (Math.floor(next() * 4)) {
    case 3:
      // A key given again, at the front, where it keeps the line JSON.
      return `{${KEYS[Math.floor(next() * KEYS.length)]}:${VALUES[Math.floor(next() * VALUES.length)]},${line.slice(1)}`;
    case 0:
      return line.slice(0, at) + piece + line.slice(at);
    case 1:
      return line.slice(0, at) + line.slice(at + 1 + Math.floor(next() * 3));
    default:
      return line.slice(0, at) + piece + line.slice(at + piece.length);
  }
}

/** The keys a line gives at its top level, counted independently of the check: its string literals taken out first. */
function keysGiven(line: string): number {
  const depth0 = line.replace(/"(?:[^"\\]|\\.)*"/g, 'S');
  let depth = 0;
  let keys = 0;
  for (let i = 0; i < depth0.length; i += 1) {
    const c = depth0[i];
    if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') depth -= 1;
    else if (c === 'S' && depth === 1 && /^\s*:/.test(depth0.slice(i + 1, i + 12))) keys += 1;
  }
  return keys;
}

describe('a bundle line a reader could read otherwise (rewrittenLine)', () => {
  it('given lines as the register writes them, then none is said to be written again', () => {
    for (const line of honest) expect(rewrittenLine(line, 2, JSON.parse(line))).toEqual([]);
  });

  it('given a key given twice, however it is written, then the line is said to be written again, naming it', () => {
    const [line] = honest;
    for (const other of [
      line.replace('"entry":', '"entry":"forged","entry":'),
      line.replace('"entry":', '"entry" : "forged" , "entry":'),
      line.replace('"entry":', '"\\u0065ntry":"forged","entry":'),
      line.replace('"entry":', '"entry":["forged"],"entry":'),
      line.replace('"seq":11,', '"seq":11,"seq":12,'),
      `${line.slice(0, -1)},"version":1,"version":2}`,
      honest[3].replace('"note":', '"note":"forged","note":'),
    ]) {
      expect([other, rewrittenLine(other, 4, JSON.parse(other))]).toEqual([other, [expect.objectContaining({ kind: 'edited', detail: expect.stringMatching(/^line 4 is not as the register writes it \(a key given twice/) })]]);
    }
  });

  it('given 60,000 random mutations of honest lines (FUZZ_CASES for more), then every line JSON.parse reads with a key given twice is said to be, and no other line of plain values', () => {
    const { next } = seededRandom(Number(process.env.FUZZ_SEED ?? 20261207));
    const seen = { twice: 0, once: 0 };
    for (let i = 0; i < Number(process.env.FUZZ_CASES ?? 60_000); i += 1) {
      let line = honest[i % honest.length];
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits -= 1) line = mutate(line, next);
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch {
        continue;
      }
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const record = item as Record<string, unknown>;
      const twice = keysGiven(line) > Object.keys(record).length;
      const plain = Object.values(record).every((v) => v === null || typeof v !== 'object');
      const said = rewrittenLine(line, 2, record).length > 0;
      seen[twice ? 'twice' : 'once'] += 1;
      if (twice || plain) expect([line, said]).toEqual([line, twice]);
    }
    // The mutations must reach both kinds of line, not only lines JSON.parse refuses.
    expect(seen.twice).toBeGreaterThan(1_000);
    expect(seen.once).toBeGreaterThan(1_000);
  });
});
