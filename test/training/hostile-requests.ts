import { seededRandom } from '@register/event-sourcing';
import { why } from './training-app';

/**
 * The hostile-input suite's requests over the training routes (a course's id given, one member m-1
 * enrolled, m-2 admitted): the embedded gateway's suite (hostile-input.test.ts) and the distributed
 * one (test/gateway/distributed-training-evaluation.test.ts) send the same ones.
 */
const WRONG_VALUES: unknown[] = [42, -1, 1e308, true, [], {}, [1, 2], { $ne: null }, '', ' '];
const BAD_DATES = ['2025-02-30', '2025-13-01', '2025-00-10', '0000-01-01', '99999-01-01', '2025-1-1', '01/02/2025', 'yesterday', '2025-06-31T00:00:00Z', ''];
const BAD_IDS = ["' OR '1'='1", '../../etc/passwd', '\u0000', 'a'.repeat(150), '😀', '-leading', 'has space', '\u202e', "';--", '{"$gt":""}', '__proto__x y'];
const BAD_PATH_IDS = ["'%20OR%201=1", '..%2F..%2Fetc', '%00', 'a'.repeat(150), '%F0%9F%98%80', '%C3%28', '-leading', 'has%20space', '%E2%80%AE', '%27%3B--'];

/** Valid bodies of each training write; the hostile ones are broken copies. */
const validBodies = (course: string): Array<{ path: string; body: Record<string, unknown> }> => [
  { path: '/training-courses', body: { organiserUnitId: 'qp', title: 'Lớp bồi dưỡng', kind: 'skills', topics: [{ title: 'Sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', location: 'Hội trường', partner: 'Trung tâm chính trị', ...why() } },
  { path: `/training-courses/${course}/enrolments`, body: { memberIds: ['m-2'], ...why() } },
  { path: `/training-courses/${course}/attendance`, body: { on: '2025-05-10', presentMemberIds: ['m-1'], ...why() } },
  { path: `/training-courses/${course}/completion`, body: { results: [{ memberId: 'm-1', outcome: 'completed' }], ...why() } },
  { path: `/training-courses/${course}/cancellation`, body: why() },
];
const DATE_FIELDS = ['startsOn', 'endsOn', 'on', 'effectiveDate'];
const ID_FIELDS = ['organiserUnitId', 'memberIds', 'presentMemberIds', 'results'];

export type Req = { method: 'GET' | 'POST'; path: string; body?: unknown; raw?: string };

export function hostileRequests(count: number, course: string): Array<{ kind: string; req: Req }> {
  const { pick, next } = seededRandom(20261202);
  const makers: Array<[string, (i: number) => Req]> = [
    ['wrong type', () => {
      const v = pick(validBodies(course));
      const field = pick(Object.keys(v.body));
      // An empty list of those present is a day nobody came: no wrong type there.
      const wrong = WRONG_VALUES.filter((w) => !(field === 'presentMemberIds' && Array.isArray(w) && w.length === 0));
      return { method: 'POST', path: v.path, body: { ...v.body, [field]: pick(wrong) } };
    }],
    ['missing reason', () => {
      const v = pick(validBodies(course));
      const { reason: _reason, ...rest } = v.body;
      return { method: 'POST', path: v.path, body: rest };
    }],
    ['unknown field', (i) => {
      const v = pick(validBodies(course));
      return { method: 'POST', path: v.path, body: { ...v.body, [pick(['isAdmin', 'actor', 'constructor', 'organiserKnown', `x${i}`, 'position', 'status'])]: pick([true, 'central-admin', 1]) } };
    }],
    ['prototype pollution', () => {
      const v = pick(validBodies(course));
      return { method: 'POST', path: v.path, raw: JSON.stringify(v.body).replace(/^\{/, '{"__proto__":{"isAdmin":true},') };
    }],
    ['bad date', () => {
      const v = pick(validBodies(course).filter((b) => DATE_FIELDS.some((f) => f in b.body)));
      const field = pick(DATE_FIELDS.filter((f) => f in v.body));
      return { method: 'POST', path: v.path, body: { ...v.body, [field]: pick(BAD_DATES) } };
    }],
    ['bad id in body', () => {
      const v = pick(validBodies(course).filter((b) => ID_FIELDS.some((f) => f in b.body)));
      const field = pick(ID_FIELDS.filter((f) => f in v.body));
      const bad = pick(BAD_IDS);
      const value = field === 'organiserUnitId' ? bad : field === 'results' ? [{ memberId: bad, outcome: 'completed' }] : ['m-1', bad];
      return { method: 'POST', path: v.path, body: { ...v.body, [field]: value } };
    }],
    ['bad id in path', () => ({ method: 'POST', path: `/training-courses/${pick(BAD_PATH_IDS)}/${pick(['enrolments', 'attendance', 'completion', 'cancellation'])}`, body: { memberIds: ['m-1'], ...why() } })],
    ['too many ids', () => {
      const ids = Array.from({ length: 501 + Math.floor(next() * 5000) }, (_, i) => `m-${i}`);
      return pick<Req>([
        { method: 'POST', path: `/training-courses/${course}/enrolments`, body: { memberIds: ids, ...why() } },
        { method: 'POST', path: `/training-courses/${course}/attendance`, body: { on: '2025-05-10', presentMemberIds: ids, ...why() } },
        { method: 'POST', path: `/training-courses/${course}/completion`, body: { results: ids.map((memberId) => ({ memberId, outcome: 'completed' })), ...why() } },
      ]);
    }],
    ['duplicates, empties and wrong enums', () =>
      pick<Req>([
        { method: 'POST', path: `/training-courses/${course}/enrolments`, body: { memberIds: ['m-1', 'm-1'], ...why() } },
        { method: 'POST', path: `/training-courses/${course}/enrolments`, body: { memberIds: [], ...why() } },
        { method: 'POST', path: `/training-courses/${course}/completion`, body: { results: [{ memberId: 'm-1', outcome: 'passed' }], ...why() } },
        { method: 'POST', path: `/training-courses/${course}/completion`, body: { results: [{ memberId: 'm-1', outcome: 'completed' }, { memberId: 'm-1', outcome: 'not-completed' }], ...why() } },
        { method: 'POST', path: '/training-courses', body: { ...validBodies(course)[0].body, kind: pick(['cooking', 'SKILLS', '', 7]) } },
        { method: 'POST', path: '/training-courses', body: { ...validBodies(course)[0].body, topics: pick([[], [{}], [{ title: '' }], [{ title: '\u202e' }], 'topic', [{ title: 'x'.repeat(500) }]]) } },
      ])],
    ['an array or a scalar for the body', () => ({ method: 'POST', path: pick(validBodies(course)).path, raw: pick(['[]', '[{"reason":"x"}]', '"x"', '42', 'null', '{"reason":']) })],
    ['hostile query', () => {
      const bad = encodeURIComponent(pick([...BAD_IDS.filter((b) => !b.includes('\u0000')), '-1']));
      return {
        method: 'GET',
        path: pick([
          `/training-courses?year=${bad}`,
          `/training-courses?limit=${pick(['0', '501', '-5', 'abc', '1.5'])}`,
          `/training-courses?cursor=${bad}`,
          `/training-courses?organiserUnitId=${bad}`,
          `/training-courses/${course}?asOf=${pick(['2025-02-30', 'tomorrow', '2025-13-01T00:00:00Z', bad])}`,
          `/training-courses/${course}?minPosition=${pick(['-1', 'abc', '1.5', '99999999'])}`,
          `/training-records?memberId=${bad}`,
          '/training-records',
          `/training-compliance?unitId=qp&year=${pick(['abc', '20255', '-1', ''])}`,
          `/training-compliance?unitId=${bad}&year=2025`,
          `/training-compliance?unitId=qp&year=2025&asOf=${pick(['2025-02-30', 'x', bad])}`,
          '/training-compliance?year=2025',
        ]),
      };
    }],
  ];
  return Array.from({ length: count }, (_, i) => {
    const [kind, make] = makers[i % makers.length];
    return { kind, req: make(i) };
  });
}
