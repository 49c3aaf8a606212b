import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ExportQuery } from './log-integrity.dto';

const failures = async (query: Record<string, string>) => (await validate(plainToInstance(ExportQuery, query))).map((e) => [e.property, Object.keys(e.constraints ?? {})]);

describe('GET /audit/exports: the range of positions', () => {
  it('refuses toPosition before fromPosition (rule from-after-to, naming both), takes one position or an open range', async () => {
    const refused = await validate(plainToInstance(ExportQuery, { service: 'personnel', fromPosition: '12', toPosition: '10' }));
    expect(refused.map((e) => [e.property, e.constraints])).toEqual([['toPosition', { 'from-after-to': 'toPosition (10) must not be before fromPosition (12)' }]]);
    expect(await failures({ service: 'personnel', fromPosition: '10', toPosition: '10' })).toEqual([]);
    expect(await failures({ service: 'personnel', fromPosition: '12' })).toEqual([]);
    expect(await failures({ service: 'personnel', toPosition: '3' })).toEqual([]);
  });

  it('names the bound a negative position breaks (min), not "must be an integer" (found by a black-box probe); 1e3 or 5.0 is still no whole number', async () => {
    expect(await failures({ service: 'personnel', fromPosition: '-1' })).toEqual([['fromPosition', ['min']]]);
    expect((await failures({ service: 'personnel', fromPosition: '1e3' }))[0][1]).toContain('isInt');
    expect((await failures({ service: 'personnel', fromPosition: '5.0' }))[0][1]).toContain('isInt');
  });
});
