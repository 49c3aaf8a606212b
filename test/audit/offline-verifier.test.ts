import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { chainHash, ChainVersion, eventHash, Frontier, GENESIS, leafHash, leafOf, sealed, signCheckpoint, SWITCH_EVENT, toHex, verifierKey } from '@register/verifiable-log';

/**
 * The verifier's core is one file for plain Node: compiled alone, it requires nothing but
 * node:crypto, and it checks a bundle read from its standard input.
 */
describe('the offline verifier as one file with plain Node', () => {
  const out = mkdtempSync(join(tmpdir(), 'verifier-core-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const keys = generateKeyPairSync('ed25519');
  const key = verifierKey('union-register', keys.publicKey);

  function bundle(n: number): string {
    const frontier = Frontier.empty();
    const lines = [JSON.stringify({ type: 'log', service: 'organisation', origin: 'union-register/organisation', publicKey: key, complete: true, size: n })];
    let prev = GENESIS;
    for (let seq = 0; seq < n; seq += 1) {
      const entry = JSON.stringify([`e-${seq}`, `unit-${seq}`, 0, 'UnitEstablished', 1, { name: `Đoàn xã ${seq}` }, {}, '2026-12-02T00:00:00.000Z']);
      prev = eventHash(prev, entry);
      lines.push(JSON.stringify({ type: 'event', position: seq + 1, seq, prevHash: toHex(seq === 0 ? GENESIS : Buffer.from(JSON.parse(lines[lines.length - 1]).hash, 'hex')), hash: toHex(prev), entry }));
      frontier.append(leafHash(prev));
    }
    lines.push(JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin: 'union-register/organisation', size: n, root: frontier.root() }, 'union-register', keys.privateKey, keys.publicKey) }));
    return sealed(lines, keys).join('\n');
  }

  /**
   * A bundle of a log chained in version 1 up to its recorded switch at `switchAt`, in version 2
   * from it on, with one checkpoint at its head; `claim` overrides the version an event claims.
   */
  function mixedBundle(n: number, switchAt: number, claim: (seq: number, version: ChainVersion) => ChainVersion = (_, v) => v): string {
    const frontier = Frontier.empty();
    const lines = [JSON.stringify({ type: 'log', service: 'organisation', origin: 'union-register/organisation', publicKey: key, complete: true, size: n })];
    let prev = GENESIS;
    for (let seq = 0; seq < n; seq += 1) {
      const version = claim(seq, seq < switchAt ? 1 : 2);
      const [stream, type, data] = seq === switchAt ? [SWITCH_EVENT.stream, SWITCH_EVENT.type, { chainVersion: 2 }] : [`unit-${seq}`, 'UnitEstablished', { name: `Đoàn xã ${seq}` }];
      const entry = JSON.stringify([`00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, stream, 0, type, 1, data, {}, '2026-12-02T00:00:00.000Z']);
      const hash = chainHash(version, prev, entry);
      lines.push(JSON.stringify({ type: 'event', position: seq + 1, seq, prevHash: toHex(prev), hash: toHex(hash), entry, version }));
      frontier.append(leafOf(version, hash));
      prev = hash;
    }
    lines.push(JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin: 'union-register/organisation', size: n, root: frontier.root() }, 'union-register', keys.privateKey, keys.publicKey) }));
    return sealed(lines, keys).join('\n');
  }

  it('compiles to one file that requires node:crypto alone, accepts an honest bundle and refuses an edited one', () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--outDir', out, '--module', 'commonjs', '--target', 'ES2022', '--types', 'node', '--strict', join(__dirname, '../../libs/verifiable-log/src/verifier-core.ts')]);
    expect(readdirSync(out)).toEqual(['verifier-core.js']);
    const code = readFileSync(join(out, 'verifier-core.js'), 'utf8');
    expect([...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))]).toEqual(['node:crypto']);
    const run = (input: string) => spawnSync(process.execPath, [join(out, 'verifier-core.js'), key], { input, encoding: 'utf8' });
    const good = run(bundle(9));
    expect([good.status, JSON.parse(good.stdout).ok]).toEqual([0, true]);
    const bad = run(bundle(9).replace('Đoàn xã 4', 'Đoàn xã 44'));
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).problems).toEqual([expect.objectContaining({ kind: 'edited', position: 5 })]);
  });

  it('given a log that switched from chain version 1 to 2, when its export is checked by the one file, then it is clean, and an edit or a false version claim is named', () => {
    const run = (input: string) => spawnSync(process.execPath, [join(out, 'verifier-core.js'), key], { input, encoding: 'utf8' });
    const good = run(mixedBundle(12, 5));
    expect([good.status, JSON.parse(good.stdout).ok, JSON.parse(good.stdout).size]).toEqual([0, true, 12]);
    const edited = run(mixedBundle(12, 5).replace('Đoàn xã 8', 'Đoàn xã 88'));
    expect(JSON.parse(edited.stdout).problems).toEqual([expect.objectContaining({ kind: 'edited', position: 9 })]);
    // Event 2 (version 1) claims version 2, its hash, the chain after it and even the checkpoint drawn to fit: refused by the claim.
    const claimed = run(mixedBundle(12, 5, (seq, v) => (seq === 2 ? 2 : v)));
    expect(claimed.status).toBe(1);
    expect(JSON.parse(claimed.stdout).problems.map((p: { kind: string; position: number }) => [p.position, p.kind])).toEqual([[3, 'edited']]);
  });
});
