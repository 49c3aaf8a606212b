import { SealedCursors, sealedPages } from './sealed-cursors';

describe('sealed list cursors', () => {
  const cursor = Buffer.from('nguyen thi thuy duong\u0000m-17').toString('base64url');

  it('hide what they carry, differ each time, and open to the cursor sealed, in another instance under the same secret', () => {
    const [a, b] = [new SealedCursors('a-fingerprint-secret'), new SealedCursors('a-fingerprint-secret')];
    const sealed = a.seal(cursor)!;
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('thuy');
    expect(sealed).not.toContain(cursor);
    expect(a.seal(cursor)).not.toBe(sealed);
    expect(b.open(sealed)).toBe(cursor);
    expect([a.seal(null), a.open(undefined), a.open('')]).toEqual([null, undefined, undefined]);
  });

  it('refuse an altered cursor, one sealed under another secret, and a plain one (400, rule cursor)', () => {
    const sealed = new SealedCursors('a-fingerprint-secret').seal(cursor)!;
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 20] ^= 1;
    const other = new SealedCursors('another-secret-entirely');
    for (const bad of [bytes.toString('base64url'), cursor, 'not a cursor!', 'AAAA']) expect(() => other.open(bad)).toThrow('cursor');
    expect(() => other.open(sealed)).toThrow('cursor');
  });

  it('seal the pages of a list: the reader sees its own cursors, the caller sealed ones, and a made-up one is refused', async () => {
    const cursors = new SealedCursors('a-fingerprint-secret');
    const seen: Array<string | undefined> = [];
    const read = sealedPages(cursors, async (limit, cursor) => (seen.push(cursor), { items: [cursor ?? 'first'], nextCursor: cursor ? null : 'm-2' }));
    const first = await read(1, undefined);
    expect(first.nextCursor).not.toBe('m-2');
    expect(await read(1, first.nextCursor!)).toEqual({ items: ['m-2'], nextCursor: null });
    expect(seen).toEqual([undefined, 'm-2']);
    await expect(read(1, Buffer.from('m-2').toString('base64url'))).rejects.toThrow('cursor');
  });
});
