import { createHash, randomUUID } from 'node:crypto';
import { applyDecorators, ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateBy, ValidationOptions } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { LEGACY_ENCODING, nameCharacterProblem, normaliseName, personNameProblem } from '@register/text';
import { describeRule } from './openapi-constraints';
import { ValidationFailed } from './problem-details';

/** Opaque ids: what we generate (UUIDs) and what an importing system may bring. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export function IsRegisterId(options: ValidationOptions = {}) {
  return applyDecorators(IsString(options), Matches(ID_PATTERN, { ...options, message: '$property must be an id: letters, digits, _ . : - (at most 100)' }));
}

/**
 * A name as people write it, in Vietnamese with diacritics: stored in NFC with single spaces.
 * Control characters and U+FFFD (what broken UTF-8 decodes to) are refused, not stored; so are
 * invisible and bidi characters and a name without a letter (rule `name-characters`), which
 * would let a name pass for another. `search`: a query, which may be digits only.
 */
export function IsRegisterName(max = 200, { search = false, person = false } = {}) {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? normaliseName(value) : value)),
    IsString(),
    IsNotEmpty(),
    MaxLength(max),
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    Matches(/^[^\u0000-\u001f\u007f\ufffd]+$/u, { message: '$property must be text without control characters or broken UTF-8' }),
    NameCharacters(!search),
    ...(person ? [PersonName()] : []),
  );
}

/** A person's full name: not a spreadsheet formula, nor TCVN3 or VNI text read as Unicode (personNameProblem). */
function PersonName() {
  const problem = (value: unknown) => (typeof value === 'string' ? personNameProblem(value) : undefined);
  return ValidateBy({
    name: 'person-name',
    validator: { validate: (value) => problem(value) === undefined, defaultMessage: (args) => `${args?.property} ${problem(args?.value) ?? 'is not a name'}` },
  });
}
describeRule('person-name', () => ({ pattern: `^(?![=+\\-@])[^${LEGACY_ENCODING.source.slice(1, -1)}]*$` }));

/**
 * What a name may hold, as the OpenAPI document says it: the characters of names in Vietnam's
 * scripts and their punctuation (Latin with Vietnamese letters, Greek, Cyrillic, CJK), without
 * control, invisible or bidi characters, combining marks or pictographs (© and ®), and for a name a letter. The server
 * takes more (any letter, a mark that follows one); a client keeps to this.
 */
const NAME_CHARACTER = '[ -~\\u00a0-\\u00a8\\u00aa-\\u00ac\\u00af-\\u02ff\\u0370-\\u0377\\u037a-\\u037f\\u0384-\\u038a\\u038c\\u038e-\\u03a1\\u03a3-\\u03ff\\u0400-\\u0482\\u048a-\\u04ff\\u1e00-\\u1eff\\u2010-\\u2027\\u4e00-\\u9fff]';
const LETTER = '[A-Za-z\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\u1e00-\\u1eff]';
/** A search takes what a name may hold, in any script: no invisible or bidi character, no combining mark. */
const SEARCH_CHARACTER =
  '[^\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufffb' +
  '\\u0300-\\u036f\\u0483-\\u0489\\u0591-\\u05c7\\u0610-\\u061a\\u064b-\\u065f\\u0670\\u06d6-\\u06ed\\u0900-\\u0903\\u093a-\\u094f\\u0e31\\u0e34-\\u0e3a\\u0e47-\\u0e4e\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]';
describeRule('name-characters', ([needsLetter]) => ({ pattern: needsLetter ? `^${NAME_CHARACTER}*${LETTER}${NAME_CHARACTER}*$` : `^${SEARCH_CHARACTER}*$` }));

/** Nothing invisible, no bidi control, no floating mark, and (for a name) at least one letter. */
function NameCharacters(needsLetter: boolean) {
  const problem = (value: unknown) => (typeof value === 'string' ? nameCharacterProblem(value, needsLetter) : undefined);
  return ValidateBy({
    name: 'name-characters',
    constraints: [needsLetter],
    validator: {
      validate: (value) => problem(value) === undefined,
      defaultMessage: (args) => `${args?.property} ${problem(args?.value) ?? 'has characters a name cannot have'}`,
    },
  });
}

/** Validates an id in the path: a bad one is a 400 naming the parameter, never a lookup. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  /** The refusal names the path's own parameter (`subjectId`, `memberId`), as the OpenAPI document does. */
  transform(value: string, metadata?: ArgumentMetadata): string {
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
      const field = metadata?.data ?? 'id';
      throw new ValidationFailed([{ field, rule: 'id', message: `the ${field} in the path is not an id of this register` }]);
    }
    return value;
  }
}

/**
 * The id of an entity a command creates. Under an Idempotency-Key it derives from the key, so a
 * retry names the same entity as the first attempt did.
 */
export function newEntityId(context: CommandContext, given?: string, part = ''): string {
  if (given) return given;
  if (!context.commandId) return randomUUID();
  // Under a caller's key, the caller is part of the seed: two callers' same key name two entities.
  const seed = context.caller === undefined ? context.commandId : JSON.stringify([context.caller, context.commandId]);
  return uuidOf(`${seed}/${part}`);
}

/**
 * The id of an entity that is one by what it says (a commendation: its subject, year, occasion,
 * title and issuer), unless the caller gives one: the same thing recorded twice, by any caller
 * or key, names one stream, and the second is refused as a conflict there, even when both race.
 */
export function naturalEntityId(given: string | undefined, part: string, key: unknown[]): string {
  return given || uuidOf(`${part}/${JSON.stringify(key)}`);
}

/** A name-based UUID (version 5's layout over SHA-256). */
function uuidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A required field that takes one of `values`: declared so in the OpenAPI document and checked. */
export function OneOf(values: readonly string[]) {
  return applyDecorators(ApiProperty({ enum: values }), IsIn(values as string[]));
}

/** Every field under `value` that is null, as dotted paths (`members.0.introducerId`). */
function nullFields(value: unknown, path: string): string[] {
  if (value === null) return [path];
  if (typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => nullFields(inner, path ? `${path}.${key}` : key));
}

/**
 * A batch's fields, its own and its items', are left out rather than sent null (400 no-null-field,
 * each naming its field). An optional field's @IsOptional lets null through: a single command then
 * answers its refusal as the request's status, but a batch answers each item's inside a 200, where
 * a request the schema does not allow must be refused whole.
 */
export function assertNoNullFields(request: object): void {
  const fields = nullFields(request, '');
  if (fields.length > 0) throw new ValidationFailed(fields.map((field) => ({ field, rule: 'no-null-field', message: `${field} must be left out rather than null` })));
}
