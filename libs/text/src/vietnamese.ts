/**
 * Vietnamese names in the register: stored as typed (NFC), searched with or without diacritics,
 * so that "thong thu" finds "Thông Thụ" and "Đoàn" matches "doan".
 */

/** One canonical form for storage and comparison: Unicode NFC, single spaces, trimmed. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Lower case without tone marks or vowel marks; đ becomes d. For search keys only. */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A search key for a name: the folded words, so that a folded query can match any part of it. */
export function searchKey(...parts: Array<string | undefined | null>): string {
  return foldDiacritics(parts.filter(Boolean).join(' '));
}

/** A regular expression source matching the folded query as a substring, safe for any input. */
export function searchPattern(query: string): string {
  return foldDiacritics(query).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
