import { RecordedEvent } from '@register/event-sourcing';
import { personnelSchemas } from './schemas';

describe('a transfer of version 1, read through the schemas', () => {
  const v1 = (duesSettledUpTo: string | null) =>
    ({ type: 'MemberTransferred', schemaVersion: 1, data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-15', duesSettledUpTo, cause: 'transfer' } }) as unknown as RecordedEvent;
  it('reads as version 2, its dues day as written', () => expect(personnelSchemas.upcast(v1('2024-06-30'))).toMatchObject({ schemaVersion: 2, data: { duesSettledUpTo: '2024-06-30' } }));
  it('keeps the null that version-1 events recorded before the version was raised already held', () => expect(personnelSchemas.upcast(v1(null)).data).toMatchObject({ duesSettledUpTo: null }));
});
