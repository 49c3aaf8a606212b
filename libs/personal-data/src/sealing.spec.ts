import { randomBytes } from 'node:crypto';
import { EventStore, EventToAppend, RecordedEvent } from '@register/event-sourcing';
import { PersonalData } from '@register/contracts';
import { InMemoryKeyVault, isSealed, sealPersonal, unsealPersonal } from './sealing';
import { SealingPolicy, ShreddingEventStore } from './shredding-event-store';

const huong: PersonalData = { fullName: 'Lò Thị Hương', dateOfBirth: '2000-05-10', gender: 'female', ethnicity: 'Thái' };

/** Just enough of a store to see what is written at rest. */
function memoryStore() {
  const rows: RecordedEvent[] = [];
  const store = {
    async append(streamId: string, events: EventToAppend[]) {
      for (const e of events) rows.push({ ...e, streamId, revision: rows.filter((r) => r.streamId === streamId).length, position: rows.length + 1, recordedAt: new Date().toISOString() });
      return { revision: rows.length - 1, position: rows.length };
    },
    async readStream(streamId: string) {
      return rows.filter((r) => r.streamId === streamId);
    },
    async readAll(after: number) {
      return rows.filter((r) => r.position > after);
    },
  } as unknown as EventStore;
  return { rows, store };
}

const admittedEvent = (memberId: string): EventToAppend => ({
  eventId: `e-${memberId}`,
  type: 'MemberAdmitted',
  schemaVersion: 1,
  data: { memberId, branchId: 'b1', admittedOn: '2020-03-26', personal: huong },
  metadata: { actor: 't', reason: 'r', effectiveDate: '2020-03-26', correlationId: 'c' },
});

describe('crypto-shredding of personal data', () => {
  it('seals with AES-256-GCM under the member key and opens again; a wrong key or key id fails', () => {
    const key = randomBytes(32);
    const sealed = sealPersonal('m1', huong, key);
    expect(isSealed(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('Hương');
    expect(unsealPersonal(sealed, key)).toEqual(huong);
    expect(() => unsealPersonal(sealed, randomBytes(32))).toThrow();
    expect(() => unsealPersonal({ ...sealed, keyId: 'm2' }, key)).toThrow();
  });

  it('the store keeps personal data sealed at rest, readable while the key exists, null once it is shredded; other members are untouched', async () => {
    const { rows, store: raw } = memoryStore();
    const vault = new InMemoryKeyVault();
    const store = new ShreddingEventStore(raw, vault);
    await store.append('member-m1', [admittedEvent('m1')], 'no_stream');
    await store.append('member-m2', [admittedEvent('m2')], 'no_stream');
    expect(JSON.stringify(rows)).not.toContain('Hương');
    expect(((await store.readStream('member-m1'))[0].data as { personal: unknown }).personal).toEqual(huong);

    await vault.shred('m1');
    const [erased] = await store.readStream('member-m1');
    expect(erased.data).toEqual({ memberId: 'm1', branchId: 'b1', admittedOn: '2020-03-26', personal: null });
    expect(erased.metadata).toEqual({ actor: 't', reason: '[erased]', effectiveDate: '2020-03-26', correlationId: 'c' });
    expect(((await store.readAll(0, 10))[1].data as { personal: unknown }).personal).toEqual(huong);
  });

  it('opens the pages a store reads ahead as it opens readAll\'s, passing the types on; a store that reads none ahead gives none', async () => {
    const { rows, store: raw } = memoryStore();
    const asked: unknown[] = [];
    const ahead = Object.assign(raw, {
      async *readPages(after: number, _size: number, _until?: number, options?: { types?: readonly string[] }) {
        asked.push(options?.types);
        yield rows.filter((r) => r.position > after);
      },
    });
    const vault = new InMemoryKeyVault();
    const store = new ShreddingEventStore(ahead, vault);
    await store.append('member-m1', [admittedEvent('m1')], 'no_stream');
    const pages: RecordedEvent[][] = [];
    for await (const page of store.readPages!(0, 10, undefined, { types: ['MemberAdmitted'] })) pages.push(page);
    expect((pages[0][0].data as { personal: unknown }).personal).toEqual(huong);
    expect(asked).toEqual([['MemberAdmitted']]);
    expect(new ShreddingEventStore(memoryStore().store, vault).readPages).toBeUndefined();
  });

  it('seals every event of a multi-stream append as append seals it, and passes it on whole; a store without appendMany gives none', async () => {
    const { rows, store: raw } = memoryStore();
    const batches: number[] = [];
    const many = Object.assign(raw, {
      async appendMany(appends: Array<{ streamId: string; events: EventToAppend[] }>) {
        batches.push(appends.length);
        return Promise.all(appends.map((a) => raw.append(a.streamId, a.events, 'no_stream')));
      },
    });
    const vault = new InMemoryKeyVault();
    const store = new ShreddingEventStore(many, vault);
    await store.appendMany!([{ streamId: 'member-m1', events: [admittedEvent('m1')], expected: 'no_stream' }, { streamId: 'member-m2', events: [admittedEvent('m2')], expected: 'no_stream' }]);
    expect(batches).toEqual([2]);
    expect(JSON.stringify(rows)).not.toContain('Hương');
    await vault.shred('m1');
    expect((await store.readStream('member-m1'))[0].data).toMatchObject({ personal: null });
    expect(((await store.readStream('member-m2'))[0].data as { personal: unknown }).personal).toEqual(huong);
    expect(new ShreddingEventStore(memoryStore().store, vault).appendMany).toBeUndefined();
  });

  it('seals the free text of a member\'s events (reason, decision\'s number and issuer) with their key; shredding it leaves "[erased]", dates and ids in the clear', async () => {
    const { rows, store: raw } = memoryStore();
    const vault = new InMemoryKeyVault();
    const store = new ShreddingEventStore(raw, vault);
    const decision = { number: 'QĐ Lò Thị Hương', issuedBy: 'Huyện đoàn, hồ sơ Lò Thị Hương', date: '2020-03-20' };
    const named = { ...admittedEvent('m1'), data: { ...(admittedEvent('m1').data as object), decision } };
    await store.append('member-m1', [{ ...named, metadata: { ...named.metadata, reason: 'kết nạp Lò Thị Hương, sinh 2004-05-10', decision } }], 'no_stream');
    await store.append('member-m2', [admittedEvent('m2')], 'no_stream');
    expect(JSON.stringify(rows)).not.toMatch(/Hương|2004-05-10/);
    expect(rows[0].metadata).toMatchObject({ reason: '[sealed]', decision: { number: '[sealed]', issuedBy: '[sealed]', date: '2020-03-20' }, effectiveDate: '2020-03-26', correlationId: 'c', actor: 't' });
    const [open] = await store.readStream('member-m1');
    expect(open.metadata).toEqual({ actor: 't', reason: 'kết nạp Lò Thị Hương, sinh 2004-05-10', decision, effectiveDate: '2020-03-26', correlationId: 'c' });
    expect((open.data as { decision: unknown }).decision).toEqual(decision);

    await vault.shred('m1');
    const [erased, other] = await store.readAll(0, 10);
    const marked = { number: '[erased]', issuedBy: '[erased]', date: '2020-03-20' };
    expect(erased.metadata).toEqual({ actor: 't', reason: '[erased]', decision: marked, effectiveDate: '2020-03-26', correlationId: 'c' });
    expect((erased.data as { decision: unknown }).decision).toEqual(marked);
    expect(other.metadata.reason).toBe('r');
  });

  it('reads events written before free text was sealed as they are; a read-only reader can leave names sealed', async () => {
    const { rows, store: raw } = memoryStore();
    const vault = new InMemoryKeyVault();
    await raw.append('member-m1', [admittedEvent('m1')], 'no_stream');
    expect((await new ShreddingEventStore(raw, vault).readStream('member-m1'))[0]).toEqual(rows[0]);
    await new ShreddingEventStore(raw, vault).append('member-m2', [admittedEvent('m2')], 'no_stream');
    const [, m2] = await new ShreddingEventStore(raw, vault, { openPersonal: false }).readAll(0, 10);
    expect([m2.metadata.reason, isSealed((m2.data as { personal: unknown }).personal)]).toEqual(['r', true]);
  });

  it('given an event stored in the clear before sealing existed, when its member\'s key is shredded, then it reads as an erased one (the log keeps it; other members\' stay)', async () => {
    const { rows, store: raw } = memoryStore();
    const vault = new InMemoryKeyVault();
    await raw.append('member-m1', [{ ...admittedEvent('m1'), metadata: { ...admittedEvent('m1').metadata, reason: 'kết nạp Lò Thị Hương' } }], 'no_stream');
    await raw.append('member-m2', [admittedEvent('m2')], 'no_stream');
    await vault.keyFor('m2');
    await vault.shred('m1');
    const [m1, m2] = await new ShreddingEventStore(raw, vault).readAll(0, 10);
    expect([m1.metadata.reason, (m1.data as { personal: unknown }).personal]).toEqual(['[erased]', null]);
    expect([m2.metadata.reason, (m2.data as { personal: unknown }).personal]).toEqual(['r', huong]);
    expect(rows[0].metadata.reason).toBe('kết nạp Lò Thị Hương');
  });

  it('nothing new is sealed for a shredded member: their personal data is written as null', async () => {
    const { rows, store: raw } = memoryStore();
    const vault = new InMemoryKeyVault();
    await vault.shred('m1');
    await new ShreddingEventStore(raw, vault).append('member-m1', [admittedEvent('m1')], 'no_stream');
    expect((rows[0].data as { personal: unknown }).personal).toBeNull();
    expect(rows[0].metadata.reason).toBe('[erased]');
  });

  describe('a policy of another service: whose key, which data fields', () => {
    const policy: SealingPolicy = { keyOf: (e) => ((e.data as { subjectType?: string }).subjectType === 'member' ? (e.data as { subjectId: string }).subjectId : undefined), textFields: ['title', 'gift'] };
    const commendation = (subjectType: string, subjectId: string, title: string): EventToAppend => ({
      eventId: `e-${subjectId}`,
      type: 'CommendationIssued',
      schemaVersion: 2,
      data: { commendationId: `c-${subjectId}`, subjectType, subjectId, title, gift: null, year: 2025 },
      metadata: { actor: 't', reason: `khen ${title}`, effectiveDate: '2025-12-01', correlationId: 'c' },
    });

    it('given a member\'s commendation, when appended, then its reason and named text fields are sealed, null fields stay null, and a branch\'s stays clear', async () => {
      const { rows, store: raw } = memoryStore();
      const store = new ShreddingEventStore(raw, new InMemoryKeyVault(), { policy });
      await store.append('commendation-m1', [commendation('member', 'm1', 'Lò Thị Hương')], 'no_stream');
      await store.append('commendation-b1', [commendation('branch', 'b1', 'Chi đoàn Bản Mòng')], 'no_stream');
      expect(JSON.stringify(rows[0])).not.toMatch(/Hương/);
      expect(rows[0].data).toMatchObject({ title: '[sealed]', gift: null, subjectId: 'm1', year: 2025 });
      expect(rows[1].data).toMatchObject({ title: 'Chi đoàn Bản Mòng' });
      const [opened] = await store.readStream('commendation-m1');
      expect([opened.data, opened.metadata.reason]).toEqual([commendation('member', 'm1', 'Lò Thị Hương').data, 'khen Lò Thị Hương']);
    });

    it('given the member\'s key shredded, when read, then every sealed field reads "[erased]"; when appended after, it is written "[erased]"', async () => {
      const { rows, store: raw } = memoryStore();
      const vault = new InMemoryKeyVault();
      const store = new ShreddingEventStore(raw, vault, { policy });
      await store.append('commendation-m1', [commendation('member', 'm1', 'Lò Thị Hương')], 'no_stream');
      await vault.shred('m1');
      const [erased] = await store.readStream('commendation-m1');
      expect([(erased.data as { title: string }).title, (erased.data as { gift: unknown }).gift, erased.metadata.reason]).toEqual(['[erased]', null, '[erased]']);
      await store.append('commendation-m1b', [{ ...commendation('member', 'm1', 'Lò Thị Hương'), eventId: 'e2' }], 'no_stream');
      expect(JSON.stringify(rows[1])).not.toMatch(/Hương/);
      expect((rows[1].data as { title: string }).title).toBe('[erased]');
    });
  });

  describe('an event naming several members (a class enrolled)', () => {
    const policy: SealingPolicy = { keyOf: () => undefined, membersOf: (e) => (e.data as { memberIds: string[] }).memberIds };
    const enrolled = (eventId: string, memberIds: string[], reason: string): EventToAppend => ({
      eventId,
      type: 'ParticipantsEnrolled',
      schemaVersion: 1,
      data: { courseId: 'k1', memberIds },
      metadata: { actor: 't', reason, effectiveDate: '2025-04-01', correlationId: 'c' },
    });

    it("given a shared text, when any one of its members is erased, then it reads \"[erased]\"; a member's own text and another event's stay", async () => {
      const { rows, store: raw } = memoryStore();
      const vault = new InMemoryKeyVault();
      const store = new ShreddingEventStore(raw, vault, { policy });
      await store.append('course-k1', [enrolled('e1', ['m1', 'm2'], 'Cử Lò Văn A và Hà Thị B'), enrolled('e2', ['m2'], 'Cử Hà Thị B'), enrolled('e3', ['m2', 'm3'], 'Cử Hà Thị B và C')], 'no_stream');
      expect(JSON.stringify(rows)).not.toMatch(/Cử/);
      expect([rows[0].metadata, rows[1].metadata, rows[2].metadata].map((m) => (m as { sealedText?: { keyId: string } }).sealedText?.keyId)).toEqual(['event:e1', 'm2', 'event:e3']);
      expect(await vault.linkedKeys('m2')).toEqual(['event:e1', 'event:e3']);
      for (const keyId of ['m1', ...(await vault.linkedKeys('m1'))]) await vault.shred(keyId);
      expect((await store.readStream('course-k1')).map((e) => e.metadata.reason)).toEqual(['[erased]', 'Cử Hà Thị B', 'Cử Hà Thị B và C']);
    });

    it('given a member erased, when an event naming them with others is appended, then its text is written "[erased]"; naming no one, it stays clear', async () => {
      const { rows, store: raw } = memoryStore();
      const vault = new InMemoryKeyVault();
      await vault.shred('m1');
      const store = new ShreddingEventStore(raw, vault, { policy });
      await store.append('course-k2', [enrolled('e4', ['m1', 'm2'], 'Cử Lò Văn A'), enrolled('e5', [], 'Lớp không người')], 'no_stream');
      expect([rows[0].metadata.reason, rows[1].metadata.reason]).toEqual(['[erased]', 'Lớp không người']);
      expect(await vault.linkedKeys('m2')).toEqual([]);
    });
  });
});
