import { FieldError, ValidationFailed } from './problem-details';

/**
 * How deep a request body may nest. The deepest command is three levels (a split's
 * `parts.0.memberIds.0`); class-transformer and class-validator recurse once a level, and a body
 * nested ten thousand deep overflowed their stack (a 500).
 */
export const MAX_BODY_DEPTH = 16;

/**
 * Refuses, with a 400 naming the field and the rule, a JSON body no command can hold, before any
 * validation or handler sees it:
 * - nested deeper than MAX_BODY_DEPTH (rule `max-depth`);
 * - a string (value or key) that is not well-formed UTF-16, i.e. holds a lone surrogate such as
 *   \ud800 (rule `well-formed-unicode`): it has no UTF-8 form, so the event log (PostgreSQL JSON)
 *   refused it with a 500, and a sealed field (a member's name) came back as U+FFFD;
 * - a string holding U+0000 (rule `no-nul-character`), which PostgreSQL's JSON refuses too;
 * - a string holding another control character but tab, line feed and carriage return (rule
 *   `no-control-character`).
 * Walks the parsed body once, without recursion deeper than the limit. `undefined` and bodies that
 * are not objects or arrays pass: other rules answer them.
 */
export function checkBody(body: unknown): FieldError[] {
  if (body === null || typeof body !== 'object') return typeof body === 'string' ? checkString(body, '(body)') : [];
  const errors: FieldError[] = [];
  walk(body as object, '', 1, errors);
  return errors;
}

/**
 * Names of Object.prototype's own members (constructor, toString, valueOf…): no request field has
 * one, and the validator's check of unknown fields looks names up on a plain object, where these are
 * always found, so `?constructor=1` passed as a field (a black-box probe). Refused as unknown fields.
 */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The query's parameters that no request takes and the validator would let through (see PROTOTYPE_NAMES). */
export function checkQuery(query: unknown): FieldError[] {
  if (query === null || typeof query !== 'object') return [];
  return Object.keys(query)
    .filter((key) => PROTOTYPE_NAMES.has(key))
    .map((field) => ({ field, rule: 'unknown-field', message: `${field} is not a field of this request` }));
}

/** Throws ValidationFailed (400 problem+json) when checkBody finds anything. */
export function refuseHostileBody(body: unknown) {
  const errors = checkBody(body);
  if (errors.length) throw new ValidationFailed(errors);
}

const MAX_ERRORS = 20;

function walk(node: object, at: string, depth: number, errors: FieldError[]) {
  if (depth > MAX_BODY_DEPTH) {
    errors.push({ field: at || '(body)', rule: 'max-depth', message: `${at || 'the body'} nests deeper than ${MAX_BODY_DEPTH} levels` });
    return;
  }
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length && errors.length < MAX_ERRORS; i++) visit(node[i], at ? `${at}.${i}` : String(i), depth, errors);
    return;
  }
  for (const key of Object.keys(node)) {
    if (errors.length >= MAX_ERRORS) return;
    if (PROTOTYPE_NAMES.has(key)) {
      errors.push({ field: at ? `${at}.${key}` : key, rule: 'unknown-field', message: `${at ? `${at}.${key}` : key} is not a field of this request` });
      continue;
    }
    const keyErrors = checkString(key, at ? `${at}.(key)` : '(key)');
    if (keyErrors.length) errors.push(...keyErrors);
    else visit((node as Record<string, unknown>)[key], at ? `${at}.${key}` : key, depth, errors);
  }
}

function visit(value: unknown, field: string, depth: number, errors: FieldError[]) {
  if (typeof value === 'string') errors.push(...checkString(value, field));
  else if (value !== null && typeof value === 'object') walk(value, field, depth + 1, errors);
}

/** String.prototype.isWellFormed (Node 20), which the ES2023 library of our TypeScript does not declare. */
const isWellFormed = (value: string) => (value as string & { isWellFormed(): boolean }).isWellFormed();

function checkString(value: string, field: string): FieldError[] {
  if (!isWellFormed(value)) {
    return [{ field, rule: 'well-formed-unicode', message: `${field} holds a lone surrogate (not a character): send text as well-formed UTF-8` }];
  }
  if (value.includes('\u0000')) return [{ field, rule: 'no-nul-character', message: `${field} holds the NUL character (U+0000)` }];
  const control = CONTROL.exec(value)?.[0];
  if (control !== undefined) {
    const code = `U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return [{ field, rule: 'no-control-character', message: `${field} holds the control character ${code}: only tab, line feed and carriage return may stand in text` }];
  }
  return [];
}

/**
 * C0 and C1 control characters but tab, line feed and carriage return: a reason holding ESC [31m
 * recolours an auditor's terminal when the log is read or exported, and is kept in the signed log
 * for good (a probe sent BEL and ESC in a reason). Names refuse them by their own pattern already;
 * free text refuses bidi controls too (command-request.ts, FREE_TEXT).
 */
// eslint-disable-next-line no-control-regex -- the controls are what it finds
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
