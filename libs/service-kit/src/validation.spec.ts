import { plainToInstance } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, validate } from 'class-validator';
import { flattenValidationErrors } from './validation';

class Sample {
  @IsString() @IsNotEmpty() reason!: string;
  @IsString() @Matches(/^[a-z0-9-]+$/) unitId!: string;
  @IsInt() @Min(1950) @Max(2200) year!: number;
  @IsOptional() @IsString() note?: string;
}

const rulesOf = async (body: object) =>
  flattenValidationErrors(await validate(plainToInstance(Sample, body), { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: true } }))
    .map((e) => `${e.field}:${e.rule}`)
    .sort();

describe('the rules a 400 names', () => {
  it('names a field absent or null by one rule, required, whatever its other rules (it was isNotEmpty here, isString and matches there)', async () => {
    expect(await rulesOf({})).toEqual(['reason:required', 'unitId:required', 'year:required']);
    expect(await rulesOf({ reason: null, unitId: 'xa-1', year: 2025 })).toEqual(['reason:required']);
  });

  it('names a value of the wrong type by its type rule alone, not its range; an empty one by its emptiness; an unknown field as such', async () => {
    expect(await rulesOf({ reason: 'x', unitId: 'xa-1', year: '2024' })).toEqual(['year:isInt']);
    expect(await rulesOf({ reason: '', unitId: 'XA 1', year: 1900, extra: 1 })).toEqual(['extra:unknown-field', 'reason:isNotEmpty', 'unitId:matches', 'year:min']);
  });
});
