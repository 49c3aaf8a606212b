import { ValidationFailed } from '@register/service-kit';

/** The longest declared purpose, in characters: a phrase, not a document. */
export const MAX_PURPOSE_LENGTH = 200;

/** What the OpenAPI description of the header says (members' and reports' reads). */
export const PURPOSE_HEADER = {
  name: 'X-Purpose',
  required: false,
  description:
    `Why the caller reads members' personal data (Decree 356/2025), kept in the member's read log (GET /members/{id}/personal-data-reads). ` +
    `Free text of at most ${MAX_PURPOSE_LENGTH} characters, sent as UTF-8 bytes (curl -H 'X-Purpose: xét duyệt kết nạp Đảng' does); ` +
    'no control characters. A value that is not valid UTF-8 (e.g. Latin-1 bytes), longer, or with control characters is refused with 400.',
  schema: { type: 'string', maxLength: MAX_PURPOSE_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' },
};

/** C0 and C1 control characters and DEL: nothing a purpose needs, and what garbles a log. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The declared purpose of a read of personal data: the `X-Purpose` header decoded as UTF-8, NFC,
 * trimmed; null when absent or blank. Node hands header values over as Latin-1, one character a
 * byte, so the value is re-read as UTF-8 and must round-trip, else it was not UTF-8 (or not sent
 * through HTTP at all) and is refused rather than stored garbled. Throws ValidationFailed (400).
 */
export function purposeOf(headers: Record<string, string | string[] | undefined>): string | null {
  const raw = headers['x-purpose'];
  if (raw === undefined) return null;
  if (Array.isArray(raw)) throw refused('single', 'send X-Purpose once');
  const text = Buffer.from(raw, 'latin1').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('latin1') !== raw) throw refused('utf-8', 'X-Purpose must be text sent as UTF-8 bytes');
  const purpose = text.normalize('NFC').trim();
  if (purpose === '') return null;
  if (CONTROL.test(purpose)) throw refused('no-control-characters', 'X-Purpose must not hold control characters');
  if ([...purpose].length > MAX_PURPOSE_LENGTH) throw refused('maxLength', `X-Purpose must be at most ${MAX_PURPOSE_LENGTH} characters`);
  return purpose;
}

const refused = (rule: string, message: string) => new ValidationFailed([{ field: 'X-Purpose', rule, message }]);
