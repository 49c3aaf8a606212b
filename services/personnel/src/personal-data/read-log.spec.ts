import { createPglite } from '@register/event-store';
import type { PGlite } from '@electric-sql/pglite';
import { ERASED_PURPOSE, InMemoryReadLog, PersonalDataReadLog, SqlReadLog } from './read-log';

let db: PGlite | undefined;
afterAll(async () => db?.close());

const logs: Array<[string, () => Promise<PersonalDataReadLog>]> = [
  ['in memory', async () => new InMemoryReadLog()],
  [
    'on PGlite',
    async () => {
      const pglite = (db ??= await createPglite());
      return SqlReadLog.open({ query: (text, params) => pglite.query(text, params), exec: (text) => pglite.exec(text) }, 'personnel_reads_spec');
    },
  ],
];

describe.each(logs)('the personal-data read log (%s)', (_, open) => {
  it("erases the purposes of an erased member's reads, and keeps those of the others read with them (one erasure wiped them all: found by a black-box probe)", async () => {
    const log = await open();
    await log.record({ actor: 'canbo', purpose: 'kiểm tra định kỳ quý 4', endpoint: 'GET /members', memberIds: ['m6', 'm10'] });
    await log.record({ actor: 'canbo', purpose: 'hồ sơ của m10', endpoint: 'GET /members/{id}', memberIds: ['m10'] });
    await log.record({ actor: 'canbo', purpose: null, endpoint: 'GET /members', memberIds: ['m6', 'm10'] });
    await log.erasePurposes('m10');
    const purposes = async (memberId: string) => (await log.readsOf(memberId)).items.map((r) => `${r.endpoint} ${r.purpose}`).sort();
    expect(await purposes('m6')).toEqual(['GET /members kiểm tra định kỳ quý 4', 'GET /members null']);
    expect(await purposes('m10')).toEqual([`GET /members ${ERASED_PURPOSE}`, `GET /members null`, `GET /members/{id} ${ERASED_PURPOSE}`].sort());
  });
});
