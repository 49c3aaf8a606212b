import { FieldError, registerValidationPipe, ValidationFailed } from '@register/service-kit';

/** The field rules a body breaks, as the 400 problem's `errors` names them (`field:rule`); none when it passes. */
export async function brokenRules(metatype: new () => object, body: unknown): Promise<string[]> {
  try {
    await registerValidationPipe().transform(body, { type: 'body', metatype });
    return [];
  } catch (e) {
    if (!(e instanceof ValidationFailed)) throw e;
    return e.errors.map((f: FieldError) => `${f.field}:${f.rule}`);
  }
}
