import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { Distributed, startDistributed } from '../gateway/distributed-app';
import { handOver } from '../gateway/gateway-app';
import { EXPECTED, turnoverYears } from './secretary-turnover-scenario';

/**
 * Issue 19, point 2, distributed: the gateway forwards the turnover report to the personnel service
 * (PostgreSQL log, read models on FerretDB), which answers the same figures as the embedded start.
 */
describe('secretary turnover (issue 19), distributed', () => {
  let d: Distributed;

  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  it('answers the 20 departures by cause, the vacancy days and the tenures through the gateway', async () => {
    const sync = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
    const { district, position } = await turnoverYears({ post: (path, body) => d.gw.post(path, body, d.admin), get: (path) => d.gw.get(path, d.admin), sync, prefix: 'd', rootUnitId: 'tw' });
    const r = await d.gw.get(`/reports/units/${district}/secretary-turnover?from=2018-01-01&to=2020-12-31&minPosition=${position}`, d.admin);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ branches: EXPECTED.branches, departures: EXPECTED.departures, tenure: EXPECTED.tenure, vacancies: EXPECTED.vacancies, changedMoreThanOnce: EXPECTED.changedMoreThanOnce, longestServing: EXPECTED.longestServing });
    expect(r.body.vacancies.items.map((v: { days: number }) => v.days).sort((a: number, b: number) => a - b)).toEqual(EXPECTED.vacancyDays);
    const outside = await d.token({ sub: 'th-officer', roles: ['unit-officer'], scopeUnitId: 'th' });
    expect((await d.gw.get(`/reports/units/${district}/secretary-turnover?from=2018-01-01&to=2020-12-31`, outside)).status).toBe(403);
    const reversed = await d.gw.get(`/reports/units/${district}/secretary-turnover?from=2020-12-31&to=2018-01-01`, d.admin);
    expect([reversed.status, reversed.body.errors?.[0]?.field]).toEqual([400, 'to']);
  }, 180_000);
});
