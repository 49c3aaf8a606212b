import { withoutSearchText } from './gateway-access';

describe('the URL a personal-data read leaves in the process log', () => {
  it('keeps ids and filters, and writes a search text (a name) as [redacted]', () => {
    expect(withoutSearchText('/api/v1/members?q=Vi%20Th%E1%BB%8B%20Th%C3%B9y&branchId=b-1&limit=5')).toBe('/api/v1/members?q=%5Bredacted%5D&branchId=b-1&limit=5');
    expect(withoutSearchText('/api/v1/members?branchId=b-1')).toBe('/api/v1/members?branchId=b-1');
    expect(withoutSearchText('/api/v1/members/m-1')).toBe('/api/v1/members/m-1');
  });
});
