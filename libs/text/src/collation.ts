import { canonicalTones } from './vietnamese';

/**
 * The order of the Vietnamese alphabet for lists sorted by name: A Ă Â B C D Đ E Ê G H I K L M N
 * O Ô Ơ P Q R S T U Ư V X Y (F, J, W, Z of foreign names in the Latin order), the letters first and
 * the tones after (a name is compared by its letters; two names with the same letters by their
 * tones, in the dictionary's order: none, huyền, hỏi, ngã, sắc, nặng), case last. So every Dương
 * comes before every Đặng, Anh before Ân, Uyên before Ước.
 *
 * `sortKey` is that order as a text compared code unit by code unit, as MongoDB, FerretDB and
 * JavaScript compare strings: stored beside a name, a list sorts and pages on it.
 */

/** Each base letter with its vowel mark (breve, circumflex, horn) or stroke, in the alphabet's order. */
const ALPHABET = ['a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z'];
/** The tone marks in the dictionary's order (none first): huyền, hỏi, ngã, sắc, nặng. */
const TONES = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
/** Past the letters' ranks (0x41 on): any other character follows this, then itself. */
const OTHER = '\u007f';
const LETTER_BASE = 0x41;
const LEVEL_SEPARATOR = '\u0001';

const RANK = new Map(ALPHABET.map((letter, i) => [letter, String.fromCharCode(LETTER_BASE + i)]));

/** A letter as NFD writes it, with its tone taken off: the letter (with its vowel mark) and its tone's rank (0: none). */
function split(cluster: string): { letter: string; tone: number } {
  let tone = 0;
  let letter = '';
  for (const ch of cluster) {
    const t = TONES.indexOf(ch);
    if (t >= 0) tone = t + 1;
    else letter += ch;
  }
  return { letter: letter.normalize('NFC'), tone };
}

/**
 * Any other character after every letter, by its code points written out (six hex digits each):
 * the same order in JavaScript's UTF-16 comparison and MongoDB's UTF-8 one, and no control
 * character in the key.
 */
const other = (text: string) => `${OTHER}${[...text].map((ch) => ch.codePointAt(0)!.toString(16).padStart(6, '0')).join('')}`;

/**
 * A letter's rank; one with a mark the alphabet has not (Ê Đê's ê̆, a foreign ö) ranks after its
 * letter, before the next: its letter's rank, then each further mark past every rank.
 */
function rankOf(letter: string): string | undefined {
  const known = RANK.get(letter);
  if (known !== undefined) return known;
  const marks: string[] = [];
  for (let base = letter.normalize('NFD'); /\p{M}$/u.test(base); ) {
    marks.unshift(base.slice(-1));
    base = base.slice(0, -1);
    const rank = RANK.get(base.normalize('NFC'));
    if (rank !== undefined) return `${rank}${marks.map(other).join('')}`;
  }
  return undefined;
}

/**
 * The sort key of a name: the letters' ranks (spaces lowest, numbers before letters and by their
 * value, punctuation left out, any other character after the letters by its code point), then the
 * tones, then the case. The name is read with one tone placement (Hoà as Hòa, Thuỷ as Thủy), as the
 * register compares names. Keys of two names compare as the names do in the Vietnamese alphabet.
 */
export function sortKey(name: string): string {
  let letters = '';
  let tones = '';
  let cases = '';
  let digits = '';
  // A number by its value: its length first (at most 9 digits counted), then its digits.
  const number = () => {
    const value = digits.replace(/^0+(?=\d)/u, '');
    if (digits) letters += `${String(Math.min(value.length, 99)).padStart(2, '0')}${value}`;
    digits = '';
  };
  for (const cluster of canonicalTones(name.normalize('NFC')).normalize('NFD').match(/\P{M}\p{M}*/gu) ?? []) {
    const lower = cluster.toLocaleLowerCase('vi');
    const { letter, tone } = split(lower);
    // Punctuation ends a number (lớp 10/1 is 10, then 1) and counts for nothing else.
    if (/^\p{P}$/u.test(letter)) {
      number();
      continue;
    }
    if (/^\d$/u.test(letter)) {
      digits += letter;
      continue;
    }
    number();
    letters += rankOf(letter) ?? (/^\s$/u.test(letter) ? ' ' : other(letter));
    tones += String.fromCharCode(0x30 + tone);
    cases += cluster === lower ? '0' : '1';
  }
  number();
  return `${letters}${LEVEL_SEPARATOR}${tones}${LEVEL_SEPARATOR}${cases}`;
}
