import { EventStore } from '@register/event-sourcing';
import { applyPersonnelEvent } from '../../services/organisation/src/people/personnel-events';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A branch dissolved while a transfer into it, recorded already, is still to take effect (embedded,
 * through HTTP): a probe dissolved it and the member arrived, unassigned, in a closed branch.
 */
describe('a dissolution dated before a transfer into the branch takes effect (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', { id: 'm-fut', branchId: 'b-1', fullName: 'Lò Thị Sắp Đến', dateOfBirth: '2001-05-10', gender: 'female', admittedOn: '2025-02-01', ...why('kết nạp', '2025-02-01') });
    expect([admitted.status, admitted.body.detail]).toEqual([201, undefined]);
    const transfer = await admin.post('/members/m-fut/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2099-02-28', ...why('chuyển sinh hoạt', '2099-02-01') });
    expect([transfer.status, transfer.body.detail]).toEqual([201, undefined]);
    // Organisation's people replica learns it, as its consumer of personnel's topic would.
    for (const e of await gw.app.get<EventStore>(PERSONNEL_LOG).readAll(0, 10_000)) applyPersonnelEvent(gw.app.get(PeopleReplica), e);
  });
  afterAll(() => gw?.close());

  it('refuses it (422 branch-has-arrivals naming the member) and changes nothing; dated on or after the arrival, or another branch, it stands', async () => {
    const refused = await refusedUnchanged(gw, 422, () => admin.post('/branches/b-2/dissolution', why('giải thể', '2098-12-01')));
    expect([refused.body.rule, refused.body.detail]).toEqual(['branch-has-arrivals', expect.stringContaining('m-fut')]);
    expect((await admin.post('/branches/b-3/dissolution', why('giải thể', '2025-12-01'))).status).toBe(201);
    expect((await admin.post('/branches/b-2/dissolution', why('giải thể', '2099-03-01'))).status).toBe(201);
  });
});
