import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsRegisterId } from './fields';
import { describeRule } from './openapi-constraints';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, registerDecorator, ValidateNested, ValidationArguments, ValidationOptions } from 'class-validator';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD and a day that exists (2025-02-30 is refused). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[1] >= 1900 && +m[1] <= 2200;
}

/** The leap years from 1900 to 2200 (1900, 2100 and 2200 are not), whose 29 February is a day. */
const LEAP_YEAR = '(19(0[48]|[2468][048]|[13579][26])|20([02468][048]|[13579][26])|21(0[48]|[2468][048]|[13579][26]))';

/**
 * The dates isCalendarDate takes, as a pattern for the OpenAPI document: years 1900 to 2200, each
 * month's days, and 29 February of the leap years (a client validating against the document must
 * not refuse a member born on one; command-request.spec.ts checks every day against isCalendarDate).
 */
export const CALENDAR_DATE_PATTERN =
  `((19\\d\\d|2[01]\\d\\d|2200)-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2[0-8]))|${LEAP_YEAR}-02-29)`;
describeRule('isCalendarDate', () => ({ type: 'string', format: 'date', pattern: `^${CALENDAR_DATE_PATTERN}$` }));

export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options: { message: (a: ValidationArguments) => (a.value === undefined || a.value === '' ? `${propertyName} is required: a date written YYYY-MM-DD` : `${propertyName} must be a real date written YYYY-MM-DD`), ...options },
      validator: { validate: isCalendarDate },
    });
}

/**
 * Something a reader sees: one character that is not a space, a control or an invisible format
 * character (a zero-width space alone is not a reason). Written without Unicode classes, so that the
 * OpenAPI document can declare the same pattern (JSON Schema's regular expressions have none).
 */
// eslint-disable-next-line no-control-regex -- the controls are what the class leaves out
export const VISIBLE_TEXT = /[^\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/u;

/**
 * Free text auditors read (a reason, a decision's number and issuer) holds no bidi embedding,
 * override or isolate (U+202E shows "giải thể" reversed in an audit view), no line or paragraph
 * separator and no non-character (a probe sent them); names refuse them by their own rule.
 */
export const FREE_TEXT = /^[^\u2028-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]*$/u;
const freeText = (field: string) => ({ message: `${field} holds a bidi control, a line or paragraph separator or a non-character (U+202A–U+202E, U+2066–U+2069, U+2028, U+2029, U+FFFE…)` });

/** The decision that authorises a change: number, issuing body, date. */
export class DecisionRefDto {
  @ApiProperty({ example: '125-QĐ/HĐTN' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(VISIBLE_TEXT, { message: 'decisionRef.number must hold a character a reader sees, not only blanks or invisible characters' })
  @Matches(FREE_TEXT, freeText('decisionRef.number'))
  number!: string;

  @ApiPropertyOptional({ example: 'Ban Thường vụ Huyện đoàn Quế Phong' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(VISIBLE_TEXT, { message: 'decisionRef.issuedBy, when given, must hold a character a reader sees, not only blanks or invisible characters' })
  @Matches(FREE_TEXT, freeText('decisionRef.issuedBy'))
  issuedBy?: string;

  @ApiPropertyOptional({ example: '2025-06-30', description: 'The day it was issued: not after today (422 `decision-not-issued`, a decision is recorded once issued)' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

/** What every command that changes the register carries besides its own fields. */
export class CommandRequest {
  @ApiProperty({ description: 'Why the change is made; auditors read it.', example: 'Sáp nhập thôn theo Nghị quyết của HĐND tỉnh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(VISIBLE_TEXT, { message: 'reason must hold a character a reader sees, not only blanks or invisible characters' })
  @Matches(FREE_TEXT, freeText('reason'))
  reason!: string;

  @ApiPropertyOptional({ type: DecisionRefDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DecisionRefDto)
  decisionRef?: DecisionRefDto;

  @ApiPropertyOptional({ description: 'When the change takes effect (YYYY-MM-DD); today when absent.', example: '2025-07-01' })
  @IsOptional()
  @IsCalendarDate()
  effectiveDate?: string;
}

/** A command that creates an entity: the caller may bring its id (a system importing its own records). */
export class CreateRequest extends CommandRequest {
  @ApiPropertyOptional({ description: 'Give an id only when importing from another system; otherwise the register makes one.' })
  @IsOptional()
  @IsRegisterId()
  id?: string;
}
