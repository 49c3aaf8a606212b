import { MODULE_METADATA } from '@nestjs/common/constants';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { OPEN_READS, policyOf, ROUTE_POLICIES, TARGET_LIST_LIMITS } from '@register/auth';
import { API_PREFIX } from '@register/service-kit';
import { PUBLIC } from '../../services/gateway/src/security/gateway-access';
import { BranchMergerRequest, BranchSplitRequest } from '../../services/organisation/src/reorganisation/reorganisation.dto';
import { UnitMergerRequest } from '../../services/organisation/src/reorganisation/unit-merger.dto';
import { EnrolRequest } from '../../services/training/src/courses/courses.dto';
import { AdmitMembersRequest } from '../../services/personnel/src/admission-batches/admission-batches.dto';
import { ChangeStatusesRequest } from '../../services/personnel/src/status-change-batches/status-change-batches.dto';
import { RecordRatingsRequest } from '../../services/evaluation/src/rating-batches/rating-batches.dto';
import { TrainingModule } from '../../services/training/src/training.module';
import { multipartBody } from '../support/member-import-files';
import { Gateway, seedTree, startGateway, why } from './gateway-app';

const PREFIX = `/${API_PREFIX}`;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Each operation of the document as the route table writes it: `GET /members/:id`. */
function operationsOf(document: OpenAPIObject) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Record<string, unknown>)[m] !== undefined).map((m) => ({
      method: m.toUpperCase(),
      path: path.replace(/\{(\w+)\}/g, ':$1'),
      query: ((item as Record<string, { parameters?: Array<{ name: string; in: string }> }>)[m].parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
}

/** What an answer may not show to a caller out of the member's scope. */
const PERSONAL_FIELDS = /"(fullName|dateOfBirth|gender|ethnicity|phone|nationalId)"/;

/**
 * Walks every route of the OpenAPI document the gateway serves (/api/openapi.json; built here as
 * createHttpApp builds it, on the embedded app of the tests) and holds it against the route table:
 * each route has a route policy, or is public (outside /api/v1, PUBLIC), or is one of the reads
 * any caller may make (OPEN_READS), which are called here for real and show no personal data.
 * Anything else is refused by the gateway (deny by default): this test is where a new route
 * without a policy is found.
 */
describe('gateway: every route of the OpenAPI document has a route policy', () => {
  let gw: Gateway;
  let document: OpenAPIObject;
  const names = ['Hà Thị Riêng Tư', 'Lục Văn Bí Mật'];
  let importId = '';

  /** A position is one service's log's (a minPosition beyond that log's head is a 400): each read gets its own service's head. */
  const positionsByService = async () => {
    const [organisation, personnel, evaluation, training] = (await gw.heads()).split('/').map(Number);
    return (route: string) =>
      /^\/(training-|competitions|mentor-assignments)|\/mentors$/.test(route) ? training : /^\/(ratings|commendations|support-visits)/.test(route) ? evaluation : /^\/(members|personnel-reports)|\/officers$|\/secretary-turnover$/.test(route) ? personnel : organisation;
  };

  beforeAll(async () => {
    gw = await startGateway();
    document = SwaggerModule.createDocument(gw.app, new DocumentBuilder().setTitle('Union Register').addBearerAuth().build());
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    await seedTree(admin);
    await gw.syncPersonnel();
    // Data behind every read: members with names in b-9, one away, one an interim secretary whose congress is overdue.
    for (const [i, fullName] of names.entries()) {
      const r = await admin.post('/members', {
        id: `oa-m${i}`, branchId: 'b-9', fullName, dateOfBirth: '2002-02-02', gender: 'female', admittedOn: '2022-03-26', phone: '0912345678',
        consent: { givenOn: '2022-03-01', purposes: ['membership-register'] }, ...why('kết nạp'),
      });
      if (r.status !== 201) throw new Error(r.raw);
    }
    const steps = [
      await admin.post('/members/oa-m1/status-changes', { status: 'away-study', ...why() }),
      await admin.post('/branches/b-9/officer-appointments', { memberId: 'oa-m0', role: 'secretary', method: 'interim', source: 'teacher', startsOn: '2025-01-01', ...why() }), // the day b-9 was established
    ];
    for (const r of steps) if (r.status !== 201) throw new Error(r.raw);
    // A course in Thanh Hóa with oa-m0 enrolled, behind training's reads.
    await gw.syncTraining();
    const course = await admin.post('/training-courses', { id: 'oa-course', organiserUnitId: 'th', title: 'Lớp bồi dưỡng', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() });
    const enrolled = await admin.post('/training-courses/oa-course/enrolments', { memberIds: ['oa-m0'], ...why() });
    const competition = await admin.post('/competitions', { id: 'oa-competition', organiserUnitId: 'th', title: 'Bí thư chi đoàn giỏi', heldOn: '2025-06-01', ...why() });
    for (const r of [course, enrolled, competition]) if (r.status !== 201) throw new Error(r.raw);
    const upload = multipartBody(Buffer.from(`fullName,dateOfBirth,gender,admittedOn,branch\r\n${names[0]},2002-02-02,female,2022-03-26,b-9\r\n`), 'a.csv', { reason: 'thử', dryRun: 'true' });
    const imported = await gw.inject({ method: 'POST', url: `${PREFIX}/member-imports?unitId=th`, headers: { ...(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })), 'content-type': upload.contentType }, payload: upload.payload });
    if (imported.status !== 202) throw new Error(imported.raw);
    importId = imported.body.id;
    // Evaluation learns the members rated by id (a subject it never heard of is 404).
    await gw.syncEvaluation();
  });
  afterAll(async () => gw?.close());

  it('builds the document of every service of the embedded start (training and evaluation are in gateway-app)', () => {
    expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, TrainingModule)?.length).toBeGreaterThan(0);
    expect(operationsOf(document).some((o) => o.path === '/api/v1/training-courses/:id/enrolments')).toBe(true);
    expect(operationsOf(document).some((o) => o.path === '/api/v1/ratings')).toBe(true);
    expect(operationsOf(document).length).toBeGreaterThan(30);
  });

  it('names every operation under /api/v1 in the route table, and every other one is public', () => {
    const missing: string[] = [];
    for (const { method, path } of operationsOf(document)) {
      if (!path.startsWith(PREFIX)) {
        if (!PUBLIC.has(path)) missing.push(`${method} ${path} is outside /api/v1 but not public`);
        continue;
      }
      if (!policyOf(method, path.slice(PREFIX.length))) missing.push(`${method} ${path} has no route policy`);
    }
    expect(missing).toEqual([]);
  });

  it('names nothing the API does not have', () => {
    const declared = new Set(operationsOf(document).map((o) => `${o.method} ${o.path}`));
    expect(ROUTE_POLICIES.map((p) => `${p.method} ${PREFIX}${p.path}`).filter((r) => !declared.has(r))).toEqual([]);
  });

  it('lets any caller make only reads, and only the OPEN_READS: which show no personal data, even of members out of the caller\'s scope', async () => {
    expect(ROUTE_POLICIES.filter((p) => p.open).map((p) => `${p.method} ${p.path}`)).toEqual(OPEN_READS.map((p) => `GET ${p}`));
    const outsider = gw.api(await gw.bearer({ sub: 'bt-b1', roles: ['branch-secretary'], scopeBranchId: 'b-1' }));
    const positionOf = await positionsByService();
    for (const path of OPEN_READS) {
      const url = `${path.replace(/^\/units\/:id/, '/units/xa-9').replace(/:id/, 'b-9')}?minPosition=${positionOf(path)}`;
      const r = await outsider.get(url);
      expect([url, r.status]).toEqual([url, 200]);
      expect([url, PERSONAL_FIELDS.test(r.raw), names.filter((n) => r.raw.includes(n))]).toEqual([url, false, []]);
    }
    // The open reads do see the data (a secretary, a post, an overdue interim officer), so the check above means something.
    expect((await outsider.get('/branches/b-9/officers')).body.items.map((p: { memberId: string }) => p.memberId)).toEqual(['oa-m0']);
    expect((await outsider.get('/personnel-reports/overdue-interim-officers')).body.items.map((p: { memberId: string }) => p.memberId)).toEqual(['oa-m0']);
  });

  it("gives every read whose answer shows a member's personal data the member.read rule (or the auditors' audit.read)", async () => {
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    const positionOf = await positionsByService();
    const shows: string[] = [];
    for (const { method, path, query } of operationsOf(document).filter((o) => o.method === 'GET' && o.path.startsWith(PREFIX))) {
      const route = path.slice(PREFIX.length);
      const url = route
        .replace('/audit/entities/:type/:id', '/audit/entities/member/oa-m1')
        .replace('/audit/logs/:service/events/:position/proof', '/audit/logs/personnel/events/1/proof')
        .replace(/^\/audit\/exports$/, '/audit/exports?service=personnel')
        .replace('/ratings/:subjectType/:subjectId', '/ratings/member/oa-m1')
        .replace(/^\/training-courses\/:id/, '/training-courses/oa-course')
        .replace(/^\/competitions\/:id/, '/competitions/oa-competition')
        .replace(/^\/reports\/units\/:id\/summary$/, '/reports/units/th/summary?year=2025')
        .replace(/^\/training-records$/, '/training-records?memberId=oa-m0')
        .replace(/^\/training-compliance$/, '/training-compliance?unitId=th&year=2025')
        .replace(/^\/reports\/units\/:id\/secretary-turnover$/, '/reports/units/th/secretary-turnover?from=2020-01-01&to=2025-12-31')
        .replace(/^\/members\/:id/, '/members/oa-m1')
        .replace(/^\/member-imports\/:id/, `/member-imports/${encodeURIComponent(importId)}`)
        .replace(/^\/units\/:id/, '/units/xa-9')
        .replace(/:id/g, 'b-9');
      // The summary's minPosition names a position per service (organisation:12,personnel:40): it reads without one here.
      const waits = query.includes('minPosition') && !route.endsWith('/summary');
      const r = await admin.get(waits ? `${url}${url.includes('?') ? '&' : '?'}minPosition=${positionOf(route)}` : url);
      expect([url, r.status]).toEqual([url, 200]);
      if (PERSONAL_FIELDS.test(r.raw) || names.some((n) => r.raw.includes(n))) shows.push(`${method} ${route} ${policyOf(method, route)?.action}`);
    }
    expect(shows.filter((s) => !/ (member|audit)\.read$/.test(s))).toEqual([]);
    // The member lists of the reports are among them (issue 14, hole 2).
    expect(shows).toEqual(expect.arrayContaining(['GET /personnel-reports/members-away member.read', 'GET /members/:id member.read', 'GET /members member.read']));
  });

  it("caps the target lists as the DTOs do (@ArrayMaxSize), so that the gateway refuses before looking up what the service would refuse", () => {
    const maxOf = (target: object, property: string) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(target as new () => unknown, '', true, false)
        .find((m) => m.propertyName === property && m.name === 'arrayMaxSize')?.constraints[0];
    expect({ sourceBranchIds: maxOf(BranchMergerRequest, 'sourceBranchIds'), parts: maxOf(BranchSplitRequest, 'parts'), into: maxOf(BranchSplitRequest, 'into'), sourceUnitIds: maxOf(UnitMergerRequest, 'sourceUnitIds'), memberIds: maxOf(EnrolRequest, 'memberIds'), members: maxOf(AdmitMembersRequest, 'members'), changes: maxOf(ChangeStatusesRequest, 'changes'), ratings: maxOf(RecordRatingsRequest, 'ratings') }).toEqual(TARGET_LIST_LIMITS);
  });
});
