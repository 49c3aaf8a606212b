import { generateKeyPairSync } from 'node:crypto';
import { everyFewSeconds, runVerify } from './verify-bundle';
import { BundleLines } from './bundle-in-runs';
import { sealed } from './testing/sealed-bundle';
import { eventHash, Frontier, GENESIS, leafHash, signCheckpoint, toHex, verifierKey } from './verifier-core';

const keys = generateKeyPairSync('ed25519');

/** A bundle of an honest log of n events with one checkpoint at its head. */
export function honestBundle(n: number): string {
  const frontier = Frontier.empty();
  const lines = [JSON.stringify({ type: 'log', service: 'personnel', origin: 'union-register/personnel', keyName: 'union-register', publicKey: verifierKey('union-register', keys.publicKey), complete: true, size: n })];
  let prev = GENESIS;
  for (let seq = 0; seq < n; seq += 1) {
    const entry = JSON.stringify([`e-${seq}`, `member-${seq}`, 0, 'MemberAdmitted', 1, { sealed: 'x' }, {}, '2026-12-02T00:00:00.000Z']);
    const hash = eventHash(prev, entry);
    lines.push(JSON.stringify({ type: 'event', position: seq + 1, seq, prevHash: toHex(prev), hash: toHex(hash), entry }));
    frontier.append(leafHash(hash));
    prev = hash;
  }
  lines.push(JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin: 'union-register/personnel', size: n, root: frontier.root() }, 'union-register', keys.privateKey, keys.publicKey) }));
  return sealed(lines, keys).join('\n');
}

describe('npm run verify', () => {
  const files: Record<string, string> = { 'good.ndjson': honestBundle(6), 'key.txt': verifierKey('union-register', keys.publicKey) };
  files['bad.ndjson'] = files['good.ndjson'].replace('e-3\\', 'e-33\\');
  const read = (f: string) => files[f];
  /** The bundle's lines from the same files (the command reads a file as a stream of lines). */
  const linesOf = (from: (f: string) => string) => (f: string): BundleLines => async function* () {
    yield* from(f).split('\n');
  };
  const verify = (args: string[], from = read) => runVerify(args, from, linesOf(from));

  it('says VERIFIED for an honest bundle, with the key given or the bundle\'s own', async () => {
    expect(await verify(['good.ndjson', '--key-file', 'key.txt'])).toEqual({ output: expect.stringMatching(/^VERIFIED: the personnel log, 6 events[\s\S]*the verifier key given/), code: 0 });
    expect((await verify(['good.ndjson'])).output).toContain("the bundle's own");
  });

  it('names what is wrong, and exits 1', async () => {
    const { output, code } = await verify(['bad.ndjson', '--key', files['key.txt']]);
    expect(code).toBe(1);
    expect(output).toMatch(/^NOT VERIFIED[\s\S]*edited at 4: the event as stored does not give its hash/);
  });

  it('says a bundle cut mid-line is not verified (1), naming the line, not a wrong use of the command (2)', async () => {
    const cut = files['good.ndjson'].slice(0, files['good.ndjson'].indexOf('\n', 200) + 40);
    const { output, code } = await verify(['cut.ndjson', '--key-file', 'key.txt'], (f) => (f === 'cut.ndjson' ? cut : read(f)));
    expect(code).toBe(1);
    expect(output).toMatch(/^NOT VERIFIED: the bundle cannot be read: line \d+ is not JSON/);
  });

  describe('given bundles altered where no hash reaches (a black-box probe verified each)', () => {
    const lines = files['good.ndjson'].split('\n');
    const event = (i: number) => JSON.parse(lines[i]) as Record<string, unknown>;
    const withLine = (i: number, line: Record<string, unknown>) => lines.map((l, k) => (k === i ? JSON.stringify(line) : l)).join('\n');
    const altered: Array<[string, string, RegExp]> = [
      ['a position changed out of the order', withLine(3, { ...event(3), position: 9999 }), /reordered at 4: position 4 does not rise after 9999/],
      ['two positions swapped', withLine(2, { ...event(2), position: 3 }).split('\n').map((l, k) => (k === 3 ? JSON.stringify({ ...event(3), position: 2 }) : l)).join('\n'), /reordered at 2: position 2 does not rise after 3/],
      ['two events sharing a position', withLine(3, { ...event(3), position: 2 }), /reordered at 2/],
      ['a line the format does not know', `${files['good.ndjson']}\n${JSON.stringify({ type: 'note', text: 'Nguyễn Thị Bí Mật' })}`, /inserted at -: a line of type "note"/],
      ['a second header', `${files['good.ndjson']}\n${lines[0].replace('"personnel"', '"evaluation"')}`, /inserted at -: a second log header \(service evaluation\)/],
      ['an event line with fields the hash does not cover', withLine(2, { ...event(2), reason: 'xin thôi' }), /edited at 2: the event's line carries reason/],
      ['a header naming another log than its origin', withLine(0, { ...JSON.parse(lines[0]), service: 'evaluation' }), /checkpoint-signature at -: the header names the evaluation log/],
      ['an event line giving its entry twice, the first forged', lines.map((l, k) => (k === 3 ? l.replace('"entry":', `"entry":${JSON.stringify(String(event(3).entry).replace('member-2', 'member-99'))},"entry":`) : l)).join('\n'), /edited at 3: line 4 is not as the register writes it \(a key given twice/],
      ['the last events cut off, the header\'s size changed to match', withLine(0, { ...JSON.parse(lines[0]), size: 4 }).split('\n').filter((_, k) => k !== 5 && k !== 6).join('\n'), /edited at -: the header's size is not what the seal signs \(size 6\)[\s\S]*deleted at 4: the seal signs 6 events, the last at position 6; the bundle holds 4, the last at 4/],
      ['its seal left out', lines.filter((l) => !l.startsWith('{"type":"seal"')).join('\n'), /unsigned at -: the bundle carries no seal/],
      ['a seal by another key', lines.map((l) => (l.startsWith('{"type":"seal"') ? sealed(lines.slice(0, -1), generateKeyPairSync('ed25519')).pop()! : l)).join('\n'), /checkpoint-signature at -: the bundle's seal: no signature by union-register's key/],
      ['a second seal', `${files['good.ndjson']}\n${lines[lines.length - 1]}`, /inserted at -: a second seal/],
      ['a header with a field it does not have', withLine(0, { ...JSON.parse(lines[0]), reason: 'Xuất theo yêu cầu của Nguyễn Văn An' }), /inserted at -: the log header carries reason/],
      ['a header without its size', withLine(0, { ...JSON.parse(lines[0]), size: undefined }), /edited at -: the log header lacks size/],
      ['the seal moved before the last checkpoint', [...lines.slice(0, -2), lines[lines.length - 1], lines[lines.length - 2]].join('\n'), /inserted at -: 1 line\(s\) after the seal \(checkpoint\)/],
      ['an event whose entry is JSON, not the text stored', withLine(2, { ...event(2), entry: JSON.parse(String(event(2).entry)) }), /edited at 2: the event's entry is a list, not the text stored and hashed/],
      ['an event whose entry is null', withLine(2, { ...event(2), entry: null }), /edited at 2: the event's entry is null, not the text stored and hashed/],
      ['a checkpoint line giving its note twice', lines.map((l, k) => (k === lines.length - 2 ? l.replace('"note":', '"note":"forged","note":') : l)).join('\n'), /edited at -: line 8 is not as the register writes it/],
      ['a checkpoint line with a field it does not have', withLine(lines.length - 2, { ...JSON.parse(lines[lines.length - 2]), signedBy: 'Ban Thường vụ' }), /inserted at -: a checkpoint line carries signedBy/],
    ];
    it.each(altered)('refuses %s, naming why (1)', async (_what, bundle, why) => {
      const { output, code } = await verify(['x.ndjson', '--key-file', 'key.txt'], (f) => (f === 'x.ndjson' ? bundle : read(f)));
      expect([code, output]).toEqual([1, expect.stringMatching(why)]);
    });

    it('says a bundle whose header lost its key, or that has none, is not verified (1), not a wrong use (2); a key given that is none is (2)', async () => {
      const keyless = withLine(0, { ...JSON.parse(lines[0]), publicKey: undefined });
      for (const bundle of [keyless, lines.slice(1).join('\n')]) {
        const { output, code } = await verify(['x.ndjson', '--key-file', 'key.txt'], (f) => (f === 'x.ndjson' ? bundle : read(f)));
        expect([code, output]).toEqual([1, expect.stringMatching(/^NOT VERIFIED: the bundle cannot be read/)]);
      }
      expect((await verify(['good.ndjson', '--key', 'not-a-key'])).code).toBe(2);
    });

    it('refuses an option given twice, or two keys, as a wrong use (2), not by taking the first (a probe)', async () => {
      const uses = [['--key', files['key.txt'], '--key', 'not-a-key'], ['--key-file', 'key.txt', '--key-file', 'key.txt'], ['--key', files['key.txt'], '--key-file', 'key.txt']];
      for (const use of uses) {
        const { output, code } = await verify(['good.ndjson', ...use]);
        expect([code, output.split('\n')[0]]).toEqual([2, expect.stringMatching(/more than once|both given/)]);
      }
    });

    it('reads --key=VALUE as --key VALUE, and refuses an option unknown or without its value, or two files (2): each fell back to the bundle\'s own key (a probe\'s forgery verified)', async () => {
      const forged = sealed(lines.slice(0, -1), generateKeyPairSync('ed25519')).join('\n');
      const withForged = (f: string) => (f === 'forged.ndjson' ? forged : read(f));
      expect((await verify(['forged.ndjson', `--key=${files['key.txt']}`], withForged)).code).toBe(1);
      expect((await verify(['good.ndjson', `--key=${files['key.txt']}`])).code).toBe(0);
      expect((await verify(['good.ndjson', '--key-file=key.txt'])).code).toBe(0);
      for (const use of [['--key'], ['--key-file'], ['--trusted'], ['--keyfile', 'key.txt'], ['--bogus'], ['other.ndjson'], ['--key=', '']]) {
        const { output, code } = await verify(['good.ndjson', ...use], withForged);
        expect([use, code, output.includes('npm run verify')]).toEqual([use, 2, true]);
      }
    });
  });

  it('verifies a bundle saved with a byte-order mark or with CRLF line ends, as the lines are the ones exported', async () => {
    for (const bundle of [`\uFEFF${files['good.ndjson']}`, files['good.ndjson'].split('\n').join('\r\n')]) {
      const { output, code } = await verify(['x.ndjson', '--key-file', 'key.txt'], (f) => (f === 'x.ndjson' ? bundle : read(f)));
      expect([code, output]).toEqual([0, expect.stringMatching(/^VERIFIED: the personnel log, 6 events/)]);
    }
  });

  it('says a line that is JSON but not a record (null, a list, a number) cannot be read (1), naming the line', async () => {
    for (const [value, said] of [['null', 'null'], ['[1]', 'a list'], ['7', 'a number']]) {
      const bundle = files['good.ndjson'].split('\n').map((l, k) => (k === 2 ? value : l)).join('\n');
      const { output, code } = await verify(['x.ndjson', '--key-file', 'key.txt'], (f) => (f === 'x.ndjson' ? bundle : read(f)));
      expect([code, output]).toEqual([1, `NOT VERIFIED: the bundle cannot be read: line 3 is ${said}, where each line of a bundle is one record ({...}): the file is damaged`]);
    }
  });

  it('prints its usage for --help (0) and without a file (2)', async () => {
    expect(await verify(['--help'])).toMatchObject({ code: 0, output: expect.stringContaining('npm run verify -- BUNDLE') });
    expect((await verify([])).code).toBe(2);
  });
});

describe('progress on a long verification', () => {
  it('says how many events are verified, and how fast, at most every few seconds', () => {
    const said: string[] = [];
    let now = 0;
    const progress = everyFewSeconds((line) => said.push(line), () => now);
    for (const [at, events] of [[1000, 1000], [5000, 50_000], [7000, 70_000], [10_000, 1_000_000]]) {
      now = at;
      progress(events);
    }
    expect(said).toEqual(['… 50,000 events verified (10,000/s)', '… 1,000,000 events verified (100,000/s)']);
  });
});
