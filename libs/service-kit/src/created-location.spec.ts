import { createdLocation } from './created-location';

describe('the Location of a creation', () => {
  it('names the created entity where a GET reads it back', () => {
    expect(createdLocation('/api/v1/units', 'xa-1')).toBe('/api/v1/units/xa-1');
    expect(createdLocation('/api/v1/members', 'a b')).toBe('/api/v1/members/a%20b');
    expect(createdLocation('/api/v1/training-courses', 'c-1')).toBe('/api/v1/training-courses/c-1');
  });
  it('names none for a command on an entity, a collection without such a read, or an answer without an id', () => {
    expect(createdLocation('/api/v1/members/:id/transfers', 'm-1')).toBeUndefined();
    expect(createdLocation('/api/v1/branch-mergers', 'b-1')).toBeUndefined();
    expect(createdLocation('/api/v1/units', undefined)).toBeUndefined();
  });
});
