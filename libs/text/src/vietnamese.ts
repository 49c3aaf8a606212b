/**
 * Vietnamese names in the register: stored as typed (NFC), searched with or without diacritics,
 * so that "thong thu" finds "Thông Thụ" and "Đoàn" matches "doan".
 */

/**
 * Letters that stand for Vietnamese Đ/đ in text from older encodings and keyboards: Ð/ð (U+00D0/F0,
 * the Icelandic eth, which Windows-1258 and VNI conversions give for Đ) and Ɖ/ɖ (U+0189/0256). They
 * look the same on screen, so a member typed with one is the member typed with Đ.
 */
const OTHER_D = /[\u00D0\u0189]/g;
const OTHER_d = /[\u00F0\u0256]/g;

/**
 * Apostrophes as word processors and phone keyboards type them (’ ‘ ʼ ʻ ʹ ′, the acute ´ and the backtick), for
 * the one in Ê Đê and Gia Rai names (H'Hen Niê, Ksor H'Bơ): stored as the plain apostrophe, so that
 * one name is one text.
 */
const OTHER_APOSTROPHE = /[\u2018\u2019\u02BC\u02BB\u02B9\u2032\u00B4`]/g;

/** One canonical form for storage and comparison: Unicode NFC, Đ/đ and the apostrophe for their look-alikes, single spaces, trimmed. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').replace(OTHER_D, 'Đ').replace(OTHER_d, 'đ').replace(OTHER_APOSTROPHE, "'").replace(/\s+/g, ' ').trim();
}

/** In NFD, a word's end: o or u, then a, e or y carrying one of the five tone marks (grave, acute, tilde, hook above, dot below). */
const NEW_PLACEMENT = /([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])$/u;

/**
 * One tone placement for comparison: Vietnamese writes hòa and hoà, thúy and thuý, khỏe and khoẻ for
 * the same syllable (the old and the new placement, both common in typed names). In a word ending
 * in oa, oe or uy (no final consonant), the comparison keys take the old one, the tone on the first
 * vowel; qu + y is left alone (its u belongs to the consonant: quý either way). Names are stored as typed.
 */
export function canonicalTones(text: string): string {
  return text.normalize('NFD').replace(/[\p{L}\p{M}]+/gu, toneOnFirstVowel).normalize('NFC');
}

function toneOnFirstVowel(word: string): string {
  const m = NEW_PLACEMENT.exec(word);
  if (!m) return word;
  const [, first, second, tone] = m;
  const pair = `${first}${second}`.toLowerCase();
  const before = word.slice(0, m.index);
  if (!['oa', 'oe', 'uy'].includes(pair) || (pair === 'uy' && /[qQ]$/.test(before))) return word;
  return `${before}${first}${tone}${second}`;
}

/** Lower case without tone marks or vowel marks; đ becomes d. For search keys only. */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đ\u00F0\u0256]/g, 'd')
    .replace(/[Đ\u00D0\u0189]/g, 'D')
    .replace(OTHER_APOSTROPHE, "'")
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
