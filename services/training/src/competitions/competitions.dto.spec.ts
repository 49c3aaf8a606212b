import { brokenRules } from '../testing/field-rules';
import { ResultsRequest } from './competitions.dto';

const why = { reason: 'công bố kết quả hội thi' };

describe('a competition results body', () => {
  it('takes one award per entrant', async () =>
    expect(await brokenRules(ResultsRequest, { awards: [{ memberId: 'm1', award: 'Giải nhất' }, { memberId: 'm2', award: 'Giải ba' }], ...why })).toEqual([]));
  it('refuses two awards for one member in one call (400 arrayUnique on awards)', async () =>
    expect(await brokenRules(ResultsRequest, { awards: [{ memberId: 'm1', award: 'Giải nhất' }, { memberId: 'm1', award: 'Giải khuyến khích' }], ...why })).toEqual(['awards:arrayUnique']));
});
