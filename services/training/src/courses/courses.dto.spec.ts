import { FieldError, registerValidationPipe, ValidationFailed } from '@register/service-kit';
import { CompletionRequest } from './courses.dto';

/** The field rules a body breaks, as the 400 problem's `errors` names them (`field:rule`). */
async function broken(metatype: new () => object, body: object): Promise<string[]> {
  try {
    await registerValidationPipe().transform(body, { type: 'body', metatype });
    return [];
  } catch (e) {
    if (!(e instanceof ValidationFailed)) throw e;
    return e.errors.map((f: FieldError) => `${f.field}:${f.rule}`);
  }
}

const why = { reason: 'bế giảng lớp' };

describe('a completion body', () => {
  it('takes one outcome per participant', async () =>
    expect(await broken(CompletionRequest, { results: [{ memberId: 'm1', outcome: 'completed', certificateNo: 'CN-1' }, { memberId: 'm2', outcome: 'not-completed' }], ...why })).toEqual([]));
  it('refuses a member named twice in results (400 arrayUnique): the last would win and a certificate be lost', async () =>
    expect(await broken(CompletionRequest, { results: [{ memberId: 'm1', outcome: 'completed', certificateNo: 'CN-1' }, { memberId: 'm1', outcome: 'completed', certificateNo: 'CN-2' }], ...why })).toEqual(['results:arrayUnique']));
  it('leaves items without a member id, or that are no objects, to their own rules (no repeat, no 500)', async () => {
    expect(await broken(CompletionRequest, { results: [{ outcome: 'completed' }, { outcome: 'completed' }], ...why })).not.toContain('results:arrayUnique');
    expect(await broken(CompletionRequest, { results: [null, 'm1'], ...why })).toEqual(['results.0:nestedValidation', 'results.1:nestedValidation']);
  });
});
