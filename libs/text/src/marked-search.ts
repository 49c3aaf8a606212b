import { canonicalTones, foldDiacritics, normaliseName } from './vietnamese';

/** A name as typed with its marks, for a search that honours them: NFC, canonical tone places, lower case. */
export const exactKey = (name: string | undefined | null) => canonicalTones(normaliseName(name ?? '')).toLocaleLowerCase('vi');

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each bare Latin letter with every lower-case Vietnamese letter that folds to it (o: o ò ó … ơ ợ; d: d đ). */
const MARKED_FORMS: ReadonlyMap<string, string> = (() => {
  const forms = new Map<string, string>();
  for (let code = 0xc0; code <= 0x1ef9; code++) {
    const letter = String.fromCodePoint(code).toLocaleLowerCase('vi');
    const bare = foldDiacritics(letter);
    if (letter !== bare && /^[a-z]$/.test(bare) && letter.length === 1 && !(forms.get(bare) ?? '').includes(letter)) forms.set(bare, `${forms.get(bare) ?? ''}${letter}`);
  }
  return forms;
})();

/**
 * A query typed with diacritics, as a pattern over the names' exact keys: a marked letter matches
 * itself, or the bare letter of a name typed without marks ("hồng" finds "Hồng" and "Hong", not
 * "Hông"); a bare letter matches any of its marked forms, as a query without marks does ("thi hồng"
 * finds "Thị Hồng": a probe found only the name without marks). A name imported without diacritics
 * was found by "hong" alone (a probe).
 */
export function markedNamePattern(exact: string): string {
  return [...exact].map((letter) => {
    const bare = foldDiacritics(letter);
    if (bare !== letter && bare.length === 1) return `[${letter}${bare}]`;
    const forms = MARKED_FORMS.get(letter);
    return forms ? `[${letter}${forms}]` : escape(letter);
  }).join('');
}

/** A text's two search keys: folded (no marks, lower case) and exact (its marks kept, lower case). */
export const textKeys = (text: string) => ({ search: foldDiacritics(text), exact: exactKey(text) });

/**
 * The store filter of a text query over documents keyed by textKeys: typed without diacritics it
 * matches any accented form ("thi huong" finds Hương and Hường); typed with them, those marks, or a
 * text kept without marks (markedNamePattern).
 */
export function textQueryFilter(q: string): { search: { $regex: string } } | { exact: { $regex: string } } {
  const { search, exact } = textKeys(q);
  return exact !== search ? { exact: { $regex: markedNamePattern(exact) } } : { search: { $regex: escape(search) } };
}

/** textQueryFilter, applied in memory to a text's keys. */
export function matchesTextQuery(keys: { search: string; exact: string }, q: string): boolean {
  const filter = textQueryFilter(q);
  return 'exact' in filter ? new RegExp(filter.exact.$regex).test(keys.exact) : keys.search.includes(textKeys(q).search);
}
