import { registerDecorator } from 'class-validator';

/**
 * `into` names an existing entity ({ [existing] }) or describes a new one (with `required`, and
 * any of `created`), never both and never neither: a merger must not guess which was meant.
 */
export function isOneTarget(into: unknown, existing: string, required: string, created: readonly string[]): boolean {
  if (typeof into !== 'object' || into === null) return true; // @IsObject answers for that
  const given = (field: string) => (into as Record<string, unknown>)[field] !== undefined;
  return given(existing) ? !created.some(given) : given(required);
}

/** The class-validator rule `one-of` over isOneTarget, with the message that names both shapes. */
export function IsOneTarget(existing: string, required: string, created: readonly string[], shapes: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'one-of',
      target: target.constructor,
      propertyName,
      // What the OpenAPI document says of it (service-kit's describeRule('one-of')).
      constraints: [existing, [required], created.filter((field) => field !== required)],
      options: { message: `${propertyName} must be either ${shapes}, not both and not neither` },
      validator: { validate: (into: unknown) => isOneTarget(into, existing, required, created) },
    });
}
