import { ParseIdPipe } from './fields';
import { ValidationFailed } from './problem-details';

describe('ParseIdPipe', () => {
  const refusal = (value: string, data?: string) => {
    try {
      new ParseIdPipe().transform(value, data === undefined ? undefined : { type: 'param', data });
    } catch (error) {
      return (error as ValidationFailed).errors;
    }
    return undefined;
  };

  it('passes an id of the register', () => expect(new ParseIdPipe().transform('qc-x1-b2', { type: 'param', data: 'id' })).toBe('qc-x1-b2'));

  it("names the path's own parameter in its refusal (a probe read `id` for GET /ratings/member/{subjectId})", () => {
    expect(refusal('a b', 'subjectId')).toEqual([{ field: 'subjectId', rule: 'id', message: 'the subjectId in the path is not an id of this register' }]);
    expect(refusal('a b')).toEqual([expect.objectContaining({ field: 'id', rule: 'id' })]);
  });
});
