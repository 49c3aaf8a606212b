import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailed } from './problem-details';

/** The rule a field that is absent (or null) breaks, whatever rules its content has: one name a client can recognise. */
export const REQUIRED_RULE = 'required';

/**
 * A missing field breaks every rule about its content too: only its absence is worth saying, as
 * `required` on every request. An empty one breaks its emptiness rule alone.
 */
function presenceFirst(error: ValidationError, field: string): Record<string, string> {
  const constraints = error.constraints ?? {};
  if (Object.keys(constraints).length > 0 && (error.value === undefined || error.value === null) && !('whitelistValidation' in constraints)) return { [REQUIRED_RULE]: `${field} is required` };
  for (const rule of ['isDefined', 'isNotEmpty', 'not-empty']) if (rule in constraints) return { [rule]: constraints[rule] };
  // A value of the wrong type breaks its range and length rules too ("2024" as text: not above 2200, not below 1950): its type is what to say.
  const type = TYPE_RULES.find((rule) => rule in constraints);
  return type ? { [type]: constraints[type] } : constraints;
}

/** class-validator's rules of a value's type. */
const TYPE_RULES = ['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject'];

/**
 * Field paths like `area.kind` or `sourceBranchIds.1`, one entry per broken rule (a missing field:
 * `required` alone). The errors must carry their values (`validationError.value`), never shown.
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(presenceFirst(error, field)).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown-field' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not a field of this request` : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Unknown fields are refused, not dropped: a typo must not silently change nothing. */
export function registerValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
