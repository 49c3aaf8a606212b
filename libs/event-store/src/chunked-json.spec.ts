import { fromJsonParts, jsonParts } from './chunked-json';

const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const roundTrip = (value: unknown, partBytes?: number) => fromJsonParts([...jsonParts(value, partBytes)]);

/** A small deterministic generator (mulberry32), so that a failure can be replayed from its seed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['Chi đoàn thôn Đồng Văn', 'Nguyễn Thị Hoà', '', 'x', '\n', '"quoted"', '__proto__', 'constructor', '\u0000'];

function anyValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 9));
  const word = () => WORDS[Math.floor(next() * WORDS.length)];
  switch (pick) {
    case 0: return word();
    case 1: return Math.floor(next() * 1e6) - 5e5;
    case 2: return next() < 0.5 ? null : next() < 0.5;
    case 3: return undefined;
    case 4: return new Date(Math.floor(next() * 2e12));
    case 5: case 6: {
      // Long arrays (sliced) of small values near the top, short arrays of anything deeper.
      const long = depth < 3 && next() < 0.3;
      return Array.from({ length: Math.floor(next() * (long ? 5000 : 4)) }, () => anyValue(next, long ? 4 : depth + 1));
    }
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[`${word()}${i}`] = anyValue(next, depth + 1);
      return object;
    }
  }
}

describe('a value written as JSON in parts', () => {
  it('given a directory-like state larger than a part, then it is read back in its order, across several parts', () => {
    const members = Array.from({ length: 12_345 }, (_, i) => ({ id: `m-${i}`, branchId: `b-${i % 300}`, status: 'active', name: 'Lê Thị Thuý' }));
    const state = { members, posts: [['b-1', [{ memberId: 'm-1', role: 'secretary' }]]], namesakes: { keyCheck: 'k', persons: members.map((m) => [m.id, { key: m.name }]) }, erased: [] };
    const parts = [...jsonParts(state, 256 * 1024)];
    expect(parts.length).toBeGreaterThan(4);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(2 * 256 * 1024);
    expect(fromJsonParts(parts)).toEqual(asJson(state));
    expect(JSON.stringify(fromJsonParts(parts))).toBe(JSON.stringify(state));
  });

  it('given what JSON.stringify would change (toJSON, dates, undefined fields and elements, functions), then it changes it alike', () => {
    const state = {
      at: new Date('2026-12-06T10:00:00Z'),
      index: { toJSON: () => ({ persons: Array.from({ length: 5000 }, (_, i) => [i, undefined]) }) },
      gone: undefined,
      call: () => 1,
      list: Array.from({ length: 4500 }, (_, i) => (i % 2 ? undefined : { n: i, f: () => 2 })),
    };
    expect(roundTrip(state, 1024)).toEqual(asJson(state));
    expect(JSON.stringify(roundTrip(state, 1024))).toBe(JSON.stringify(state));
  });

  it('given a field named __proto__, then it is a field of the object read, as JSON.parse makes it, not its prototype', () => {
    const state = JSON.parse('{"a":{"__proto__":{"polluted":true},"b":1}}') as unknown;
    const read = roundTrip(state) as { a: Record<string, unknown> };
    expect(Object.getPrototypeOf(read.a)).toBe(Object.prototype);
    expect(Object.keys(read.a)).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('given values that are no object at all, then each is read back as JSON gives it', () => {
    for (const value of [0, 'Hà Giang', null, true, [], {}, Array.from({ length: 2001 }, (_, i) => i)]) expect(roundTrip(value, 16)).toEqual(asJson(value));
  });

  it('given 300 random values and part sizes, then each reads back exactly as JSON.parse(JSON.stringify(value))', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const value = anyValue(next, 0) ?? null; // undefined alone has no JSON
      const partBytes = 1 + Math.floor(next() * 50_000);
      const read = roundTrip(value, partBytes);
      if (JSON.stringify(read) !== JSON.stringify(value)) throw new Error(`seed ${seed} read back differently: ${JSON.stringify(read).slice(0, 300)} / ${JSON.stringify(value).slice(0, 300)}`);
    }
  });
});
