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
});
