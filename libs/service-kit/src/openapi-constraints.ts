import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * The request schemas of the OpenAPI document say what class-validator checks, not what someone
 * remembered to write twice: before the document is built, each DTO property that has an
 * @ApiProperty gets the constraints of its validators (required unless @IsOptional, lengths,
 * patterns, enums, integers and bounds, array sizes). The property's own @ApiProperty keeps the
 * last word on anything it states explicitly (a description, an example, a default).
 *
 * Our own validators (ValidateBy, registerDecorator) say what they mean in schema terms with
 * `describeRule`; one that a schema cannot state (a rule across fields) declares nothing.
 */
type Fragment = Record<string, unknown>;

/** Where @ApiProperty keeps a property's schema (@nestjs/swagger's API_MODEL_PROPERTIES, not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
type Describer = (constraints: unknown[]) => Fragment;

const RULES = new Map<string, Describer>([
  ['isString', () => ({ type: 'string' })],
  ['isNotEmpty', () => ({ minLength: 1 })],
  ['maxLength', ([n]) => ({ maxLength: n })],
  ['minLength', ([n]) => ({ minLength: n })],
  ['matches', ([re]) => ({ pattern: re instanceof RegExp ? re.source : String(re) })],
  ['isIn', ([values]) => ({ enum: values })],
  ['isInt', () => ({ type: 'integer' })],
  ['isBoolean', () => ({ type: 'boolean' })],
  ['min', ([n]) => ({ minimum: n })],
  ['max', ([n]) => ({ maximum: n })],
  ['isArray', () => ({ type: 'array' })],
  ['arrayMinSize', ([n]) => ({ minItems: n })],
  ['arrayMaxSize', ([n]) => ({ maxItems: n })],
  ['arrayUnique', () => ({ uniqueItems: true })],
  ['isObject', () => ({ type: 'object' })],
  ['isIso8601', () => ({ type: 'string', format: 'date-time' })],
]);

/**
 * `one-of`: an object that either names an existing entity (constraints[0], alone) or describes a
 * new one (constraints[1] required, constraints[2] optional), never both and never neither.
 */
describeRule('one-of', ([existing, required, optional]) => {
  const fresh = [...(required as string[]), ...(optional as string[])];
  return {
    oneOf: [
      { required: [existing], not: { anyOf: fresh.map((field) => ({ required: [field] })) } },
      { required, not: { required: [existing] } },
    ],
  };
});

/** How a validator of ours reads as JSON Schema (called beside the validator's definition). */
export function describeRule(name: string, describe: Describer) {
  RULES.set(name, describe);
}

function validationMetadatas() {
  // class-validator keeps no public list of its targets; its storage's map is the one place they are.
  return (getMetadataStorage() as unknown as { validationMetadatas: Map<abstract new (...args: never[]) => unknown, ValidationMetadata[]> }).validationMetadatas;
}

/** Gives every validated DTO's @ApiProperty metadata its validators' constraints; call before createDocument. */
export function declareValidationConstraints() {
  for (const [target, metadatas] of validationMetadatas()) {
    const properties = new Set(metadatas.map((m) => m.propertyName));
    for (const property of properties) declareProperty(target.prototype as object, property, metadatas.filter((m) => m.propertyName === property));
  }
}

function declareProperty(prototype: object, property: string, rules: ValidationMetadata[]) {
  if (!Reflect.hasOwnMetadata(API_MODEL_PROPERTIES, prototype, property)) return;
  const declared = Reflect.getOwnMetadata(API_MODEL_PROPERTIES, prototype, property) as Fragment;
  const own: Fragment = {};
  const items: Fragment = {};
  const patterns: string[] = [];
  for (const rule of rules) {
    const fragment = RULES.get(rule.name ?? '')?.(rule.constraints ?? []) ?? {};
    const into = rule.each ? items : own;
    if (typeof fragment.pattern === 'string' && !rule.each) patterns.push(fragment.pattern);
    Object.assign(into, fragment);
  }
  // @IsOptional: may be left out. @ValidateIf: checked when its condition holds, which a schema
  // cannot state: the property's own @ApiProperty/@ApiPropertyOptional says whether it is required.
  const optional = rules.some((r) => r.type === 'conditionalValidation' && r.name === 'isOptional');
  const conditional = rules.some((r) => r.type === 'conditionalValidation' && r.name !== 'isOptional');
  const required = conditional ? declared.required !== false : !optional;
  // Several patterns (a name's characters and its letter) must all match: one pattern of lookaheads.
  const schema: Fragment = { ...own, ...(patterns.length > 1 ? { pattern: patterns.map((p) => `(?=${p})`).join('') } : {}) };
  if (Object.keys(items).length) schema.items = { ...(declared.items as Fragment), ...items };
  const type = own.type && [Number, String, Boolean, Object, undefined].includes(declared.type as NumberConstructor) ? { type: own.type } : {};
  Reflect.defineMetadata(API_MODEL_PROPERTIES, { ...schema, ...withoutUndefined(declared), ...type, required }, prototype, property);
}

function withoutUndefined(fragment: Fragment): Fragment {
  return Object.fromEntries(Object.entries(fragment).filter(([, v]) => v !== undefined));
}

/** The request schemas (by class name) whose fields come in pairs of which exactly one is given: the two words of one field. */
const EITHER_OF = new Map<string, Array<[string, string]>>();

/**
 * A request that takes either of two words for one field (api.md's and the register's own): the
 * schema requires exactly one of each pair, so that a client generated from the document can send
 * either form. The validation says the same (ValidateIf, and a 400 `one-of` for both).
 */
export function ApiEitherOf(...pairs: Array<[string, string]>): ClassDecorator {
  return (target) => void EITHER_OF.set(target.name, pairs);
}

/** Writes each ApiEitherOf pair into its schema: neither field required alone, exactly one of the two. */
export function declareEitherOf(schemas: Record<string, Fragment>): void {
  for (const [name, pairs] of EITHER_OF) {
    const schema = schemas[name];
    if (!schema) continue;
    const paired = new Set(pairs.flat());
    const required = ((schema.required as string[] | undefined) ?? []).filter((field) => !paired.has(field));
    schema.required = required;
    schema.allOf = pairs.map(([a, b]) => ({ oneOf: [{ required: [a], not: { required: [b] } }, { required: [b], not: { required: [a] } }] }));
  }
}
