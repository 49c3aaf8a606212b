import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailed } from './problem-details';

/** A missing or empty field breaks every rule about its content too: only its absence is worth saying. */
function presenceFirst(constraints: Record<string, string>): Record<string, string> {
  for (const rule of ['isDefined', 'isNotEmpty']) if (rule in constraints) return { [rule]: constraints[rule] };
  return constraints;
}

/** Field paths like `area.kind` or `sourceBranchIds.1`, one entry per broken rule (a missing field: that alone). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(presenceFirst(error.constraints ?? {})).map(([rule, message]) => ({
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
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
