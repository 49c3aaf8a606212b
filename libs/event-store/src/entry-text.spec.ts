import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlEventStore } from './sql-event-store';
import { ISO_UTC } from './sql-schema';

/**
 * The chain hashes each event's entry text (sql-schema.ts). Logs hashed with the first definition,
 * jsonb_build_array(...)::text, must verify with entry_text, which writes the same text out piece
 * by piece: any byte apart and every stored hash would read as an edit.
 */
const FIRST_DEFINITION = `jsonb_build_array(event_id::text, stream_id, revision, type, schema_version, data, metadata, ${ISO_UTC('recorded_at')})::text`;

const awkward = [
  'Chi đoàn thôn Bản Mồng',
  'Nguyễn "Thị" \\ Thùy\nDương\t\r\b\f',
  '\u0001\u001f\u007f\u0080 \u2028\u2029',
  'Đ\u0301 NFD e\u0301',
  '😀 𝕏 non-BMP',
  '</script> <b>&amp;',
  '',
];
const numbers = [0, -0, 1.5, 1e-7, 1e21, Number('12345678901234567890'), -42, 0.1 + 0.2];

describe('an event entry written out piece by piece', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await createPglite();
    await SqlEventStore.open(pgliteClient(db), 'register');
    await db.exec('create table odd (event_id uuid, stream_id text, revision bigint, type text, schema_version int, data jsonb, metadata jsonb, recorded_at timestamptz)');
  });
  afterAll(() => db.close());

  it('gives, byte for byte, the text of the chain\'s first definition', async () => {
    const rows = awkward.flatMap((text, i) => [
      [randomUUID(), text, i, text, 1, { fullName: text, n: numbers, nested: [{ a: null, b: true, [text]: text }], big: '9'.repeat(40) }, { actor: 'cán bộ', reason: text, decisionRef: null }],
      [randomUUID(), `stream-${i}`, 2 ** 40 + i, 'MemberAdmitted', 3, [text, i, null], {}],
      [randomUUID(), text, -2, text, 0, null, { empty: {}, list: [] }],
    ]);
    for (const [id, stream, revision, type, version, data, metadata] of rows) {
      await db.query(
        "insert into odd values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, timestamptz '2025-07-01 23:59:59.999+07')",
        [id, stream, revision, type, version, data === null ? null : JSON.stringify(data), JSON.stringify(metadata)],
      );
    }
    const { rows: compared } = await db.query<{ first: string; now: string }>(
      `select ${FIRST_DEFINITION} as first, register.event_entry(event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at) as now from odd`,
    );
    expect(compared).toHaveLength(rows.length);
    for (const { first, now } of compared) expect(now).toBe(first);
  });

  it('is the text the log hashes: a stored event and its entry as verification reads it agree', async () => {
    const store = await SqlEventStore.open(pgliteClient(db), 'register');
    const metadata = { actor: 'a', reason: 'kết nạp "đoàn viên"', effectiveDate: '2026-03-26', correlationId: 'c' };
    await store.append('member-1', [1, 2].map((i) => ({ eventId: randomUUID(), type: 'MemberAdmitted', schemaVersion: 1, data: { i, fullName: awkward[i] }, metadata })), 'no_stream');
    const { rows } = await db.query<{ ok: boolean }>(
      `select hash = sha256('\\x00'::bytea || prev_hash || convert_to(${FIRST_DEFINITION}, 'UTF8')) as ok from register.events order by position`,
    );
    expect(rows.map((r) => r.ok)).toEqual([true, true]);
  });
});
