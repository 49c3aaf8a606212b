import { connect } from 'node:net';
import type { MintOptions } from '@register/auth';
import { MAX_BODY_DEPTH } from '@register/service-kit';
import { Distributed, startDistributed } from './distributed-app';
import { Gateway, isProblem, seedTree, startGateway, why } from './gateway-app';
import { hostileRequests } from './hostile-requests';

describe('gateway: 2 000 malformed or hostile requests', () => {
  let gw: Gateway;
  let auth: Record<string, string>;

  beforeAll(async () => {
    gw = await startGateway();
    auth = await gw.bearer({ sub: 'admin', roles: ['central-admin'] });
    await seedTree(gw.api(auth));
  });
  afterAll(async () => gw?.close());

  it('answers every one with a problem+json 4xx and appends nothing', async () => {
    const requests = hostileRequests(2000, auth);
    const before = await gw.head();
    const byStatus = new Map<number, number>();
    const failures: string[] = [];
    for (const { kind, req } of requests) {
      const r = await gw.inject(req);
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      if (r.status >= 500 || r.status < 400 || !isProblem(r)) {
        failures.push(`${kind}: ${req.method} ${req.url.slice(0, 120)} [${req.headers?.['content-type']}] ${String(req.payload ?? '').slice(0, 160)} → ${r.status} ${r.headers['content-type']} ${r.raw.slice(0, 200)}`);
      }
    }
    console.log(`hostile requests by status: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(requests).toHaveLength(2000);
    expect(await gw.head()).toBe(before);
  });

  it('appends once when the same POST is sent twice with one Idempotency-Key', async () => {
    const api = gw.api(auth);
    const body = { parentUnitId: 'xa-1', name: 'Chi đoàn bản Huổi Ngà', area: { kind: 'village', name: 'Huổi Ngà' }, ...why('thành lập') };
    const before = await gw.head();
    const first = await api.post('/branches', body, { 'idempotency-key': 'create-huoi-nga' });
    const afterFirst = await gw.head();
    const second = await api.post('/branches', body, { 'idempotency-key': 'create-huoi-nga' });
    expect(first.status).toBe(201);
    expect([200, 201]).toContain(second.status);
    expect(second.body.id).toBe(first.body.id);
    expect(afterFirst).toBeGreaterThan(before);
    expect(await gw.head()).toBe(afterFirst);
    const events = await gw.store.readAll(before, 100);
    expect(events.filter((e) => e.type === 'BranchEstablished')).toHaveLength(1);
    const other = await api.post('/branches', { ...body, name: 'Chi đoàn bản Khác' }, { 'idempotency-key': 'create-huoi-nga' });
    expect(other.status).toBe(422);
    expect(await gw.head()).toBe(afterFirst);
  });

  it('refuses blank optional text an auditor would read as given (a decision\'s issuer, a consent\'s purpose) with 400 naming the field, and appends nothing (a black-box probe)', async () => {
    const before = await gw.head();
    const api = gw.api(auth);
    for (const issuedBy of ['', '   ', '\u200b']) {
      const r = await api.post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn bản Trắng', area: { kind: 'village', name: 'Trắng' }, ...why(), decisionRef: { number: '12-QĐ/TĐ', issuedBy } });
      expect([r.status, r.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, ['decisionRef.issuedBy']]);
    }
    const member = { branchId: 'b-1', fullName: 'Lò Thị Trắng', dateOfBirth: '2003-04-04', gender: 'female', admittedOn: '2025-03-26', ...why() };
    for (const purposes of [[''], ['   '], ['membership-register', ' ']]) {
      const r = await api.post('/members', { ...member, consent: { givenOn: '2025-03-20', purposes } });
      expect([r.status, r.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, [expect.stringMatching(/^consent\.purposes/)]]);
    }
    expect(await gw.head()).toBe(before);
  });

  // @ValidateNested() alone lets an array through where an object belongs: each single nested
  // object also carries @IsObject().
  it('refuses an array where an object belongs, and appends nothing', async () => {
    const before = await gw.head();
    const r = await gw.api(auth).post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn mảng', area: [], ...why() });
    const d = await gw.api(auth).post('/units/xa-1/renames', { name: 'Đoàn xã Tiền Phong Mới', decisionRef: [], ...why() });
    expect([r.status, d.status, await gw.head()]).toEqual([400, 400, before]);
  });

  it('answers a creation with the Location of what it created, and a command on an entity with none (a probe found no Location on any 201)', async () => {
    const api = gw.api(auth);
    const unit = await api.post('/units', { id: 'xa-vi-tri', kind: 'grassroots', name: 'Đoàn xã Vị Trí', parentId: 'qp', ...why() });
    const branch = await api.post('/branches', { parentUnitId: 'xa-vi-tri', name: 'Chi đoàn thôn Vị Trí', area: { kind: 'village', name: 'Vị Trí' }, ...why() });
    expect([unit.status, unit.headers.location, branch.status, branch.headers.location]).toEqual([201, '/api/v1/units/xa-vi-tri', 201, `/api/v1/branches/${branch.body.id}`]);
    expect((await api.get(String(branch.headers.location).replace('/api/v1', ''))).status).toBe(200);
    const renamed = await api.post('/units/xa-vi-tri/renames', { name: 'Đoàn xã Vị Trí Mới', ...why() });
    expect([renamed.status, renamed.headers.location]).toEqual([201, undefined]);
  });

  it("refuses a list's cursor given to another list, or altered, with 400 cursor; the same list takes it (a probe had them read silently)", async () => {
    const api = gw.api(auth);
    const first = await api.get('/branches?limit=1');
    const cursor = String(first.body.nextCursor);
    expect((await api.get(`/branches?limit=1&cursor=${cursor}`)).status).toBe(200);
    const flipped = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;
    for (const path of [`/branches?limit=1&parentUnitId=xa-1&cursor=${cursor}`, `/branches?limit=1&cursor=${flipped}`, `/units/xa-1/lineage?cursor=${cursor}`]) {
      const r = await api.get(path);
      expect([path, r.status, r.body.errors?.[0]?.rule ?? r.body.rule]).toEqual([path, 400, 'cursor']);
    }
  });

  it('refuses an id in the path longer than an id may be with 400 naming the field and its rule, as in a query (it was 414 URI too long: a probe)', async () => {
    for (const path of [`/branches/${'a'.repeat(101)}`, `/members/${'a'.repeat(300)}/history`]) {
      const r = await gw.api(auth).get(path);
      expect([path, r.status, isProblem(r), r.body.errors?.[0]?.field]).toEqual([path, 400, true, 'id']);
    }
  });

  // Date.parse alone rolls 2025-06-31 over to 1 July: parseAsOf checks the day itself.
  it('refuses an asOf instant on a day that does not exist', async () => {
    const r = await gw.api(auth).get('/branches?asOf=2025-06-31T00%3A00%3A00Z');
    expect([r.status, isProblem(r)]).toEqual([400, true]);
  });

  // The organisation's structure is a LiveAggregate: it compares fingerprints as CommandHandler does.
  it('answers 422 when an Idempotency-Key is reused with another body', async () => {
    const api = gw.api(auth);
    const body = { parentUnitId: 'xa-2', name: 'Chi đoàn bản Piềng Cu', ...why('thành lập') };
    expect((await api.post('/branches', body, { 'idempotency-key': 'create-pieng-cu' })).status).toBe(201);
    const before = await gw.head();
    const other = await api.post('/branches', { ...body, name: 'Chi đoàn bản Khác' }, { 'idempotency-key': 'create-pieng-cu' });
    expect([other.status, isProblem(other)]).toEqual([422, true]);
    expect(await gw.head()).toBe(before);
  });
});

/* ------------------------------------------------------------------------------------------------
 * Over real HTTP, in both setups: the embedded gateway listening on a loopback port, and the
 * distributed one (gateway, organisation and personnel on their own ports, on the real servers).
 * Both run with short timeouts and a small connection cap from the environment (REGISTER_HTTP_*),
 * which every HTTP server of the register takes (service-kit's http-limits.ts).
 * --------------------------------------------------------------------------------------------- */

const LIMITS = { headersTimeoutMs: 500, requestTimeoutMs: 1_000, maxConnections: 80 };
const LIMITS_ENV: Record<string, string> = {
  REGISTER_HTTP_HEADERS_TIMEOUT_MS: String(LIMITS.headersTimeoutMs),
  REGISTER_HTTP_REQUEST_TIMEOUT_MS: String(LIMITS.requestTimeoutMs),
  REGISTER_HTTP_MAX_CONNECTIONS: String(LIMITS.maxConnections),
};

/** One way the register is run, as the tests below reach it. */
interface Setup {
  /** The gateway's origin, http://127.0.0.1:port. */
  gateway: string;
  /** The other HTTP servers of the setup (the distributed services), by name. */
  services: Record<string, string>;
  bearer(options: MintOptions): Promise<Record<string, string>>;
  /** Every log's head: a refused request appends to none. */
  heads(): Promise<string>;
  close(): Promise<void>;
}

async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function embeddedSetup(): Promise<Setup> {
  const gw: Gateway = await withEnv(LIMITS_ENV, () => startGateway({ listen: true }));
  await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
  await gw.syncPersonnel();
  return { gateway: gw.url!, services: {}, bearer: gw.bearer, heads: gw.heads, close: gw.close };
}

async function distributedSetup(): Promise<Setup> {
  const d: Distributed = await withEnv(LIMITS_ENV, () => startDistributed('test-internal-secret-hostile-01'));
  const origin = async (app: Distributed['gateway']) => (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    gateway: await origin(d.gateway),
    services: { organisation: await origin(d.organisation), personnel: await origin(d.personnel) },
    bearer: d.token,
    heads: d.heads,
    close: d.close,
  };
}

interface Answer {
  status: number;
  problem: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read freely in tests
  body: any;
}

async function send(origin: string, method: string, path: string, headers: Record<string, string>, payload?: string): Promise<Answer> {
  const response = await fetch(origin + path, { method, headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers }, body: payload });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, problem: (response.headers.get('content-type') ?? '').startsWith('application/problem+json'), body };
}

const rulesOf = (a: Answer) => ((a.body?.errors ?? []) as Array<{ field: string; rule: string }>).map((e) => `${e.field}:${e.rule}`);

/** Bodies no command can hold, each with the first field and rule its 400 must name. */
function hostileBodies(): Array<{ what: string; path: string; payload: string; names: string }> {
  const branch = { parentUnitId: 'xa-1', name: 'Chi đoàn bản Nà Ngịu', area: { kind: 'village', name: 'Nà Ngịu' }, ...why() };
  const member = { id: 'm-hostile', branchId: 'b-1', fullName: 'Lò Thị Hoa', dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2020-03-26', consent: { givenOn: '2020-03-20', purposes: ['membership-register'] }, ...why() };
  const nestIn = (body: object, field: string, open: string, close: string, depth: number) =>
    JSON.stringify({ ...body, [field]: 0 }).replace(`"${field}":0`, `"${field}":${open.repeat(depth)}1${close.repeat(depth)}`);
  return [
    { what: 'an array nested 10 000 deep', path: '/branches', payload: nestIn(branch, 'reason', '[', ']', 10_000), names: `reason${'.0'.repeat(MAX_BODY_DEPTH - 1)}:max-depth` },
    { what: 'an object nested 10 000 deep', path: '/branches', payload: nestIn(branch, 'area', '{"kind":', '}', 10_000), names: `area${'.kind'.repeat(MAX_BODY_DEPTH - 1)}:max-depth` },
    { what: 'a decision nested 10 000 deep in a member', path: '/members', payload: nestIn(member, 'decisionRef', '{"number":', '}', 10_000), names: `decisionRef${'.number'.repeat(MAX_BODY_DEPTH - 1)}:max-depth` },
    { what: 'a lone surrogate in a name', path: '/branches', payload: JSON.stringify({ ...branch, name: 'Chi đoàn bản \ud800' }), names: 'name:well-formed-unicode' },
    { what: 'a lone surrogate in a reason', path: '/branches', payload: JSON.stringify({ ...branch, reason: 'thành lập \udfff' }), names: 'reason:well-formed-unicode' },
    { what: 'a lone surrogate in a decision number', path: '/branches/b-2/renames', payload: JSON.stringify({ name: 'Chi đoàn bản Pục Mới', decisionRef: { number: '12/\udc00QĐ' }, ...why() }), names: 'decisionRef.number:well-formed-unicode' },
    { what: 'a lone surrogate in an area name', path: '/branches', payload: JSON.stringify({ ...branch, area: { kind: 'village', name: 'Nà \ud800' } }), names: 'area.name:well-formed-unicode' },
    { what: "a lone surrogate in a member's full name", path: '/members', payload: JSON.stringify({ ...member, fullName: 'Lò Thị \ud800' }), names: 'fullName:well-formed-unicode' },
    { what: 'a lone surrogate in a key', path: '/branches', payload: JSON.stringify({ ...branch, ['x\ud800']: 1 }), names: '(key):well-formed-unicode' },
    { what: 'NUL in a reason', path: '/branches', payload: JSON.stringify({ ...branch, reason: 'thành\u0000lập' }), names: 'reason:no-nul-character' },
    { what: "NUL in a member's full name", path: '/members', payload: JSON.stringify({ ...member, fullName: 'Lò Thị\u0000Hoa' }), names: 'fullName:no-nul-character' },
    { what: 'a __proto__ key', path: '/members', payload: `{"__proto__":{"isAdmin":true},${JSON.stringify(member).slice(1)}`, names: '(key):forbidden-key' },
    { what: 'a constructor.prototype key', path: '/branches', payload: `{"constructor":{"prototype":{"x":1}},${JSON.stringify(branch).slice(1)}`, names: '(key):forbidden-key' },
    { what: 'JSON cut short', path: '/branches', payload: JSON.stringify(branch).slice(0, 40), names: '(body):json-syntax' },
    { what: 'ESC and BEL in a reason', path: '/branches', payload: JSON.stringify({ ...branch, reason: 'thành lập\u0007\u001b[31m' }), names: 'reason:no-control-character' },
    { what: 'a reason given twice', path: '/branches', payload: `{"reason":"giải thể",${JSON.stringify(branch).slice(1)}`, names: 'reason:duplicate-key' },
    { what: 'a decision number given twice', path: '/members', payload: JSON.stringify({ ...member, decisionRef: { number: '1/QĐ' } }).replace('"number":"1/QĐ"', '"number":"1/QĐ","number":"2/QĐ"'), names: 'decisionRef.number:duplicate-key' },
  ];
}

/** Sibling names of "Chi đoàn thôn Đồng Văn" that look the same, or like nothing. */
const LOOK_ALIKES: Array<[string, string]> = [
  ['a zero-width space inside', 'Chi đoàn thôn Đồng\u200b Văn'],
  ['a zero-width joiner inside', 'Chi đoàn thôn Đồng\u200dVăn'],
  ['a zero-width space between letters', 'Chi đoàn thôn Đồ\u200bng Văn'],
  ['a Cyrillic С for the Latin C', '\u0421hi đoàn thôn Đồng Văn'],
  ['a Cyrillic о for the Latin o', 'Chi đoàn thôn Đồng Văn'.replace('o', '\u043e')],
  ['bidi isolates around it', '\u2066Chi đoàn thôn Đồng Văn\u2069'],
  ['a right-to-left override', 'Chi đoàn thôn \u202eĐồng Văn'],
  ['only a zero-width space', '\u200b'],
  ['only zero-width characters', '\u200b\u200c\u200d\ufeff'],
  ['only combining marks', '\u0301\u0303\u0323'],
];

type SlowKind = 'unfinished body' | 'unfinished headers' | 'nothing sent' | 'body a byte at a time';
interface SlowOutcome {
  kind: SlowKind;
  /** The status line the server answered, if any. */
  answer: string;
  closedAfterMs: number;
  closedByServer: boolean;
}

/**
 * One connection of a slow-request attack on `origin`: it sends a command's headers and part of
 * its body and then nothing (or the headers only, or nothing at all, or the body a byte every
 * 100 ms, which no idle timeout catches), and waits for the server to close it, giving up after
 * `giveUpMs`.
 */
function slowRequest(origin: string, path: string, kind: SlowKind, headers: Record<string, string>, giveUpMs: number): Promise<SlowOutcome> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let data = '';
    let closedByServer = true;
    let trickle: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, giveUpMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      resolve({ kind, answer: data.split('\r\n')[0], closedAfterMs: Date.now() - started, closedByServer });
    });
    socket.on('connect', () => {
      const head = `POST /api/v1${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}`;
      if (kind === 'unfinished body') socket.write(`${head}content-length: 2000\r\n\r\n{"parentUnitId":"xa-1","name":"Chi đoàn chậm",`);
      if (kind === 'unfinished headers') socket.write(head);
      if (kind === 'body a byte at a time') {
        socket.write(`${head}content-length: 2000\r\n\r\n{`);
        trickle = setInterval(() => socket.write(' '), 100);
      }
    });
  });
}

/** Which distributed service a command path belongs to, and a command path of each. */
const ownerOf = (path: string) => (path.startsWith('/members') ? 'personnel' : 'organisation');
const COMMAND_OF: Record<string, string> = { organisation: '/branches', personnel: '/members' };

const SLOW_KINDS: SlowKind[] = ['unfinished body', 'unfinished headers', 'nothing sent', 'body a byte at a time'];
/** Node checks the timeouts every tenth of the header timeout; the rest is a loaded machine's slack. */
const CLOSED_WITHIN_MS = LIMITS.requestTimeoutMs + 1_500;

/** The tests both setups pass. */
function hostileOverHttp(name: string, start: () => Promise<Setup>) {
  describe(name, () => {
    let setup: Setup;
    let admin: Record<string, string>;

    beforeAll(async () => {
      setup = await start();
      admin = await setup.bearer({ sub: 'admin', roles: ['central-admin'] });
    });
    afterAll(async () => setup?.close());

    it('refuses JSON nested 10 000 deep, lone surrogates and NUL with a 400 naming the field and rule, appending nothing', async () => {
      const before = await setup.heads();
      const failures: string[] = [];
      for (const { what, path, payload, names } of hostileBodies()) {
        const r = await send(setup.gateway, 'POST', `/api/v1${path}`, admin, payload);
        if (r.status !== 400 || !r.problem || !rulesOf(r).includes(names)) failures.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
      expect(failures).toEqual([]);
      expect(await setup.heads()).toBe(before);
    });

    it('has each service refuse them too, before it asks who calls', async () => {
      const before = await setup.heads();
      for (const [service, origin] of Object.entries(setup.services)) {
        for (const { what, path, payload } of hostileBodies().filter((b) => ownerOf(b.path) === service)) {
          const r = await send(origin, 'POST', `/api/v1${path}`, {}, payload);
          expect([service, what, r.status, r.problem]).toEqual([service, what, 400, true]);
        }
      }
      expect(await setup.heads()).toBe(before);
    });

    it("admits a member whose name is well-formed Vietnamese and serves it back as sent (a Nôm character past the BMP: a surrogate pair), refusing an emoji", async () => {
      const emoji = await send(setup.gateway, 'POST', '/api/v1/members', admin, JSON.stringify({ id: 'm-emoji', branchId: 'b-1', fullName: 'Lương Thị 😀', dateOfBirth: '2002-02-02', gender: 'female', admittedOn: '2021-03-26', ...why('kết nạp') }));
      expect([emoji.status, emoji.body.errors?.[0]?.field, emoji.body.errors?.[0]?.rule]).toEqual([400, 'fullName', 'name-characters']);
      const fullName = 'Hờ A Dính Lò Thị Ngọc Ánh \u{21A38}';
      const r = await send(setup.gateway, 'POST', '/api/v1/members', admin, JSON.stringify({ id: 'm-well-formed', branchId: 'b-1', fullName, dateOfBirth: '2002-02-02', gender: 'female', admittedOn: '2021-03-26', consent: { givenOn: '2021-03-20', purposes: ['membership-register'] }, ...why('kết nạp') }));
      expect(r.status).toBe(201);
      const got = await send(setup.gateway, 'GET', '/api/v1/members/m-well-formed', admin);
      expect([got.status, got.body.fullName]).toEqual([200, fullName]);
    });

    it('answers 28 000 sourceBranchIds with a 400, no 5xx, appending nothing', async () => {
      const before = await setup.heads();
      const sourceBranchIds = Array.from({ length: 28_000 }, (_, k) => `b${k}`);
      const r = await send(setup.gateway, 'POST', '/api/v1/branch-mergers', admin, JSON.stringify({ sourceBranchIds, into: { branchId: 'b-2' }, ...why('sáp nhập') }));
      expect([r.status, r.problem]).toEqual([400, true]);
      expect(await setup.heads()).toBe(before);
    });

    it('refuses invisible and look-alike siblings of "Chi đoàn thôn Đồng Văn", and renames to them, appending nothing', async () => {
      const original = await send(setup.gateway, 'POST', '/api/v1/branches', admin, JSON.stringify({ id: 'dong-van', parentUnitId: 'xa-1', name: 'Chi đoàn thôn Đồng Văn', ...why('thành lập') }));
      expect(original.status).toBe(201);
      const before = await setup.heads();
      const accepted: string[] = [];
      for (const [what, name] of LOOK_ALIKES) {
        const created = await send(setup.gateway, 'POST', '/api/v1/branches', admin, JSON.stringify({ parentUnitId: 'xa-1', name, ...why('thành lập') }));
        const renamed = await send(setup.gateway, 'POST', '/api/v1/branches/b-2/renames', admin, JSON.stringify({ name, ...why('đổi tên') }));
        for (const [how, r] of [['created', created], ['renamed', renamed]] as const) {
          if (r.status < 400 || r.status >= 500 || !r.problem) accepted.push(`${how} with ${what} (${JSON.stringify(name)}): ${r.status}`);
        }
      }
      expect(accepted).toEqual([]);
      expect(await setup.heads()).toBe(before);
    });

    it('keeps the metrics off the API port of every server', async () => {
      for (const origin of [setup.gateway, ...Object.values(setup.services)]) {
        expect([origin, (await send(origin, 'GET', '/metrics', {})).status]).toEqual([origin, 404]);
        expect([origin, (await send(origin, 'GET', '/metrics', admin)).status]).toEqual([origin, 404]);
        expect([origin, (await send(origin, 'GET', '/health/live', {})).status]).toEqual([origin, 200]);
      }
    });

    it('logs X-Purpose as the UTF-8 text sent, and refuses one that is too long or not UTF-8, logging nothing', async () => {
      const asSent = (text: string) => Buffer.from(text, 'utf8').toString('latin1'); // the bytes, as a header value carries them
      const readsOf = async () => (await send(setup.gateway, 'GET', '/api/v1/members/m-well-formed/personal-data-reads', admin)).body.items as Array<{ purpose: string | null }>;
      const read = (purpose: string) => send(setup.gateway, 'GET', '/api/v1/members/m-well-formed', { ...admin, 'x-purpose': purpose });
      expect((await read(asSent('xét duyệt hồ sơ kết nạp Đảng'))).status).toBe(200);
      expect((await readsOf())[0].purpose).toBe('xét duyệt hồ sơ kết nạp Đảng');
      const longest = 'đ'.repeat(200);
      expect((await read(asSent(longest))).status).toBe(200);
      expect((await readsOf())[0].purpose).toBe(longest);
      const logged = (await readsOf()).length;
      for (const [purpose, rule] of [[asSent('đ'.repeat(201)), 'maxLength'], ['x'.repeat(7000), 'maxLength'], ['x\xe9t duy\xeat', 'utf-8']]) {
        const r = await read(purpose);
        expect([r.status, r.problem, rulesOf(r)]).toEqual([400, true, [`X-Purpose:${rule}`]]);
      }
      const list = await send(setup.gateway, 'GET', '/api/v1/members?branchId=b-1', { ...admin, 'x-purpose': 'x'.repeat(201) });
      expect([list.status, rulesOf(list)]).toEqual([400, ['X-Purpose:maxLength']]);
      expect((await readsOf()).length).toBe(logged);
    });

    it('closes 50 slow requests within the request timeout: no 5xx, nothing appended, every server', async () => {
      const before = await setup.heads();
      const targets: Array<[string, string]> = [[setup.gateway, '/branches'], ...Object.entries(setup.services).map(([service, o]): [string, string] => [o, COMMAND_OF[service]])];
      for (const [origin, path] of targets) {
        const started = Date.now();
        const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => slowRequest(origin, path, SLOW_KINDS[i % SLOW_KINDS.length], admin, CLOSED_WITHIN_MS + 5_000)));
        const late = outcomes.filter((o) => !o.closedByServer || o.closedAfterMs > CLOSED_WITHIN_MS);
        const answers = new Set(outcomes.map((o) => o.answer));
        expect([origin, late]).toEqual([origin, []]);
        expect([origin, [...answers].filter((a) => !/^HTTP\/1\.1 408 /.test(a))]).toEqual([origin, []]);
        // the headers alone, or nothing, are cut at the header timeout
        for (const o of outcomes.filter((x) => x.kind === 'unfinished headers' || x.kind === 'nothing sent')) expect(o.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + 1_000);
        expect(Date.now() - started).toBeLessThan(CLOSED_WITHIN_MS + 1_000);
        // and the server still serves
        expect((await send(origin, 'GET', '/health/live', {})).status).toBe(200);
      }
      expect(await setup.heads()).toBe(before);
    });

    it('closes connections beyond the cap as they arrive, and serves again once they are gone', async () => {
      const extra = 30;
      const outcomes = await Promise.all(Array.from({ length: LIMITS.maxConnections + extra }, () => slowRequest(setup.gateway, '/branches', 'nothing sent', {}, CLOSED_WITHIN_MS + 5_000)));
      const dropped = outcomes.filter((o) => o.answer === '' && o.closedAfterMs < LIMITS.headersTimeoutMs / 2);
      expect(dropped.length).toBeGreaterThanOrEqual(extra);
      expect(outcomes.filter((o) => !o.closedByServer || o.closedAfterMs > CLOSED_WITHIN_MS)).toEqual([]);
      expect(outcomes.filter((o) => o.answer !== '' && !/^HTTP\/1\.1 408 /.test(o.answer))).toEqual([]);
      expect((await send(setup.gateway, 'GET', '/api/v1/units/tw', admin)).status).toBe(200);
    });
  });
}

hostileOverHttp('embedded gateway on a port: hostile bodies, X-Purpose, timeouts, connection cap, metrics', embeddedSetup);
hostileOverHttp('distributed gateway and services: hostile bodies, X-Purpose, timeouts, connection cap, metrics', distributedSetup);
