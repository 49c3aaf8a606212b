import { setRegisterTimeZone } from '@register/event-sourcing';
import { Clock } from '@register/service-kit';
import { Gateway, startSeeded } from './gateway-app';

/**
 * REGISTER_TIME_ZONE: a union office in Vietnam works on Vietnam's days. At 01:00 there (18:00 UTC
 * the day before), a command without an effective date takes effect on Vietnam's day, a member born
 * that day may be admitted, and a decision issued that day is not "to come".
 */
describe("the register's days in Vietnam's time zone", () => {
  let gw: Gateway;
  let admin: Awaited<ReturnType<typeof startSeeded>>['admin'];

  beforeAll(async () => {
    setRegisterTimeZone('Asia/Ho_Chi_Minh');
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    gw.app.get(Clock).setTo(new Date('2026-12-06T18:00:00Z'));
  });
  afterAll(async () => {
    setRegisterTimeZone('UTC');
    await gw?.close();
  });

  it("dates a command without an effective date on Vietnam's day, and takes that day as today", async () => {
    const admitted = await admin.post('/members', { id: 'm-tz', branchId: 'b-1', fullName: 'Hà Thị Ngày', dateOfBirth: '2008-12-07', gender: 'female', admittedOn: '2026-12-07', reason: 'kết nạp', decisionRef: { number: '12/QĐ-ĐTN', date: '2026-12-07' } });
    expect([admitted.status, admitted.raw]).toEqual([201, expect.any(String)]);
    const history = await admin.get('/members/m-tz/history');
    expect(history.body.items[0]).toMatchObject({ type: 'MemberAdmitted', effectiveDate: '2026-12-07' });
  });

  it("still refuses the day after Vietnam's today", async () => {
    const refused = await admin.post('/members', { id: 'm-tz2', branchId: 'b-1', fullName: 'Hà Văn Mai', dateOfBirth: '2026-12-08', gender: 'male', admittedOn: '2026-12-07', reason: 'kết nạp' });
    expect([refused.status, refused.body.rule]).toEqual([422, 'day-not-come']);
  });
});
