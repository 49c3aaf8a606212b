import { visit } from 'jsonc-parser';
import { FieldError } from './problem-details';

const MAX_NAMED = 20;

/**
 * The keys a JSON text gives twice in one object (RFC 8259 leaves their meaning open, and JSON.parse
 * keeps the last silently: `{"reason":"a","reason":"b"}` recorded "b" where a reviewer of the request
 * read "a"). Each is named by its path, as the other body rules name fields (`items.0.fullName`).
 * The text is known to be JSON: it has been parsed already.
 */
export function duplicateKeys(text: string): FieldError[] {
  const found: FieldError[] = [];
  const seen: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => void seen.push(new Set()),
    onObjectEnd: () => void seen.pop(),
    onObjectProperty: (key, _offset, _length, _line, _column, pathSupplier) => {
      const keys = seen[seen.length - 1];
      if (!keys.has(key)) return void keys.add(key);
      if (found.length >= MAX_NAMED) return;
      const field = [...pathSupplier(), key].join('.');
      found.push({ field, rule: 'duplicate-key', message: `${field} is given twice in one object: send each key once` });
    },
  }, { disallowComments: true });
  return found;
}
