import { causedBy } from './command-handler';

describe("a reaction's context from the event that caused it", () => {
  it('names the person behind the change, through a chain of reactions, with the causing event, its correlation and decision', () => {
    const merger = { eventId: 'e1', metadata: { actor: 'user:can-bo-huyen', correlationId: 'c1', decision: { number: '12-QĐ/HĐTN' } } };
    expect(causedBy(merger)).toEqual({ causationId: 'e1', correlationId: 'c1', decision: { number: '12-QĐ/HĐTN' }, onBehalfOf: 'user:can-bo-huyen' });
    const moved = { eventId: 'e2', metadata: { actor: 'personnel.org-reactions', onBehalfOf: 'user:can-bo-huyen', correlationId: 'c1' } };
    expect(causedBy(moved)).toEqual({ causationId: 'e2', correlationId: 'c1', onBehalfOf: 'user:can-bo-huyen' });
    expect(causedBy({ eventId: 'e3' })).toEqual({ causationId: 'e3' });
  });
});
