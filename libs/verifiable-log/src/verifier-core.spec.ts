import { generateKeyPairSync } from 'node:crypto';
import {
  consistencyPath,
  Frontier,
  fromHex,
  inclusionPath,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  rootEndingAt,
  rootOf,
  signCheckpoint,
  toHex,
  verifierKey,
  verifyConsistency,
  verifyInclusion,
} from './verifier-core';

// Certificate Transparency's reference leaves and tree heads for sizes 1..8 (RFC 6962 test data).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => leafHash(fromHex(h)));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hexes = (hs: Buffer[]) => hs.map(toHex);

describe('the Merkle tree (RFC 9162)', () => {
  it('gives the reference roots, from the whole tree and from the frontier', () => {
    expect(toHex(rootOf([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const frontier = Frontier.empty();
    LEAVES.forEach((leaf, i) => {
      frontier.append(leaf);
      expect(toHex(rootOf(LEAVES.slice(0, i + 1)))).toBe(ROOTS[i]);
      expect(toHex(frontier.root())).toBe(ROOTS[i]);
      expect(toHex(Frontier.fromJSON(frontier.toJSON()).root())).toBe(ROOTS[i]);
    });
  });

  it('gives the reference inclusion and consistency proofs', () => {
    expect(hexes(inclusionPath(LEAVES, 0))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hexes(inclusionPath(LEAVES, 5))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hexes(consistencyPath(LEAVES, 2))).toEqual(['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']);
    expect(hexes(consistencyPath(LEAVES, 6))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hexes(consistencyPath(LEAVES.slice(0, 5), 2))).toEqual(['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']);
  });

  const many = Array.from({ length: 41 }, (_, i) => leafHash(Buffer.from([i, i * 7])));
  const flipped = (h: Buffer) => Buffer.from(h.map((b, i) => (i === 0 ? b ^ 1 : b)));

  it('proves every leaf of every size, and refuses a proof with a wrong sibling, index or leaf', () => {
    for (let n = 1; n <= many.length; n += 1) {
      const root = rootOf(many.slice(0, n));
      for (let i = 0; i < n; i += 1) {
        const path = inclusionPath(many, i, n);
        expect(verifyInclusion(many[i], i, n, path, root)).toBe(true);
        path.forEach((_, j) => expect(verifyInclusion(many[i], i, n, path.map((p, k) => (k === j ? flipped(p) : p)), root)).toBe(false));
        expect(verifyInclusion(flipped(many[i]), i, n, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(many[i], (i + 1) % n, n, path, root)).toBe(false);
      }
    }
  });

  it("gives from a leaf's inclusion path the root of the tree that ends with it, for every leaf of every size; a path with a changed left sibling gives another", () => {
    for (let n = 1; n <= many.length; n += 1) {
      for (let i = 0; i < n; i += 1) {
        const path = inclusionPath(many, i, n);
        expect(toHex(rootEndingAt(many[i], i, n, path)!)).toBe(toHex(rootOf(many.slice(0, i + 1))));
      }
    }
    // Leaf 5 of 8: its left siblings are leaf 4 and the subtree of 0..3; its right one, leaves 6..7, is no part of the root of 6.
    const path = inclusionPath(many, 5, 8);
    expect(toHex(rootEndingAt(many[5], 5, 8, [path[0], flipped(path[1]), path[2]])!)).toBe(toHex(rootOf(many.slice(0, 6))));
    expect(toHex(rootEndingAt(many[5], 5, 8, [path[0], path[1], flipped(path[2])])!)).not.toBe(toHex(rootOf(many.slice(0, 6))));
  });

  it('proves that every size extends every smaller one, and refuses a tampered proof or a forked tree', () => {
    const fork = many.map((h, i) => (i === 9 ? flipped(h) : h));
    for (let n = 2; n <= many.length; n += 1) {
      for (let m = 1; m < n; m += 1) {
        const [first, second] = [rootOf(many.slice(0, m)), rootOf(many.slice(0, n))];
        const path = consistencyPath(many, m, n);
        expect(verifyConsistency(m, n, first, second, path)).toBe(true);
        path.forEach((_, j) => expect(verifyConsistency(m, n, first, second, path.map((p, k) => (k === j ? flipped(p) : p)))).toBe(false));
        if (m > 9) expect(verifyConsistency(m, n, rootOf(fork.slice(0, m)), second, path)).toBe(false);
        if (m <= 9 && n > 9) expect(verifyConsistency(m, n, first, rootOf(fork.slice(0, n)), path)).toBe(false);
      }
    }
  });
});

describe('signed checkpoints (C2SP signed note, Ed25519)', () => {
  const keys = generateKeyPairSync('ed25519');
  const checkpoint = { origin: 'union-register/personnel', size: 8, root: fromHex(ROOTS[7]) };

  it('opens what it signed, and its published key reads back', () => {
    const note = signCheckpoint(checkpoint, 'union-register', keys.privateKey, keys.publicKey);
    expect(note).toBe(`union-register/personnel\n8\n${fromHex(ROOTS[7]).toString('base64')}\n\n\u2014 union-register ${note.split(' ').pop()}`);
    expect(openCheckpoint(note, 'union-register', keys.publicKey)).toEqual({ ok: true, checkpoint });
    const published = parseVerifierKey(verifierKey('union-register', keys.publicKey));
    expect(openCheckpoint(note, published.name, published.publicKey).ok).toBe(true);
  });

  it('refuses an altered body, an altered signature and another key', () => {
    const note = signCheckpoint(checkpoint, 'union-register', keys.privateKey, keys.publicKey);
    expect(openCheckpoint(note.replace('\n8\n', '\n9\n'), 'union-register', keys.publicKey)).toEqual({ ok: false, why: 'the signature does not verify' });
    const signature = Buffer.from(note.trim().split(' ').pop() as string, 'base64');
    signature[40] ^= 1;
    expect(openCheckpoint(note.replace(/ [^ ]+\n$/, ` ${signature.toString('base64')}\n`), 'union-register', keys.publicKey).ok).toBe(false);
    const other = generateKeyPairSync('ed25519');
    expect(openCheckpoint(signCheckpoint(checkpoint, 'union-register', other.privateKey, other.publicKey), 'union-register', keys.publicKey)).toEqual({ ok: false, why: "no signature by union-register's key" });
  });
});
