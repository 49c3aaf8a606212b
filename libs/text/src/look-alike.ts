import { canonicalTones, foldDiacritics, normaliseName } from './vietnamese';
import unhomoglyph from 'unhomoglyph';

/**
 * Names that must not hide anything: a branch named "Chi đoàn thôn Đồng Văn" with a zero-width
 * space inside, a Cyrillic "С" or an RTL override looks like the original on every screen, so it
 * must be refused or recognised as the same name.
 */

/**
 * Invisible characters: format characters (Cf: zero-width space and joiners, word joiner, BOM,
 * soft hyphen, every bidi control) and the rest of Unicode's default-ignorables (combining
 * grapheme joiner, variation selectors, Hangul fillers), which render as nothing.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/** A combining mark with no letter before it: a floating accent, or a name made of marks only. */
const STRAY_MARK = /(^|[^\p{L}\p{M}])\p{M}/u;

/** The full-width and half-width forms of East Asian typesetting: a Latin letter typed in one ("Ｎguyễn") looks like the letter, and is not it. */
const WIDTH_FORM = /[\uFF01-\uFFEE]/u;

/**
 * In NFD, one letter carrying two tone marks (grave, acute, tilde, hook above, dot below) or one
 * mark twice: no Vietnamese letter is written so ("Hoà̀"). A breve over ê (Ê Đê) is still a letter.
 */
const STACKED_MARKS = /\p{L}\p{M}*(?:[\u0300\u0301\u0303\u0309\u0323]\p{M}*[\u0300\u0301\u0303\u0309\u0323]|(\p{M})\1)/u;

/**
 * What spreadsheets read as a formula: `=HYPERLINK(…)` stored as a member's name reaches every
 * export other systems make of the register (the register's own CSV escapes it; theirs may not).
 */
const FORMULA_START = /^[=+\-@\t\r]/u;

/**
 * Letters and signs of Latin-1 that no Vietnamese name writes (Vietnamese takes only à á â ã è é ê
 * ì í ò ó ô õ ù ú ý of that block), which text typed in the old TCVN3 (ABC) and VNI encodings shows
 * when read as Unicode: "TrÇn ThÞ Hoa", "Nguyeãn Vaên Höông" (a probe imported such names as they
 * were). The acute accent (´) is left to the apostrophe rule; ñ is left too (some Tây Nguyên
 * languages' Latin spellings write it).
 */
export const LEGACY_ENCODING = /[\u00a1-\u00b3\u00b5-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d0\u00d6-\u00d8\u00db\u00dc\u00de\u00df\u00e4-\u00e7\u00eb\u00ee-\u00f0\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]/u;

/** Emoji and pictographs, private-use and unassigned code points: nothing a person's or a branch's name is written with. */
const NOT_OF_A_NAME = /[\p{Extended_Pictographic}\p{Co}\p{Cn}]/u;

/** The invisible characters of a text, as U+XXXX, each once (empty when there are none). */
export function invisibleCharacters(text: string): string[] {
  const found = new Set(Array.from(text.matchAll(INVISIBLE), ([c]) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`));
  return [...found];
}

/** Why a name is not acceptable as written, or undefined when it is. `needsLetter`: a name, not a search. */
export function nameCharacterProblem(text: string, needsLetter = true): string | undefined {
  const invisible = invisibleCharacters(text);
  if (invisible.length) return `contains invisible or bidi control characters (${invisible.slice(0, 5).join(', ')})`;
  if (STRAY_MARK.test(text)) return 'has a combining mark that follows no letter';
  if (needsLetter && !/\p{L}/u.test(text)) return 'has no letter';
  if (needsLetter && NOT_OF_A_NAME.test(text)) return 'contains an emoji, a pictograph or a character no script writes';
  if (needsLetter && WIDTH_FORM.test(text)) return 'contains a full-width or half-width form (type the ordinary letter)';
  if (needsLetter && STACKED_MARKS.test(text.normalize('NFD'))) return 'has a letter with two tone marks, or one mark twice';
  return undefined;
}

/**
 * Why a person's full name is not acceptable beyond nameCharacterProblem, or undefined: it begins
 * as a spreadsheet formula does, or holds a Latin-1 sign or letter no Vietnamese name writes (text
 * typed in TCVN3 or VNI). Only persons' names: a gift, a title or a place may hold ×, ½ or °.
 */
export function personNameProblem(text: string): string | undefined {
  if (FORMULA_START.test(text)) return 'begins with =, +, -, @ or a tab, as a spreadsheet formula does: a name begins with a letter';
  const legacy = LEGACY_ENCODING.exec(text.normalize('NFC'))?.[0];
  if (legacy !== undefined) return `holds "${legacy}", which no Vietnamese name writes: text typed in TCVN3 or VNI (the old ABC and VNI fonts) reads so; convert it to Unicode (Unikey's converter does) and send it again`;
  return undefined;
}

/**
 * Unicode TR39's skeleton: NFD, every character mapped to its prototype by confusables.txt (the
 * mapping unhomoglyph ships), NFD again. Two texts that look alike have the same skeleton. It is a
 * key for comparison, never shown.
 *
 * Vietnamese diacritics survive it: confusables.txt maps a combining mark only onto a mark that
 * looks the same (caron → breve, U+0340 → grave), never one of the five tone marks, the breve,
 * circumflex or horn onto another; đ becomes d + U+0335 (a stroke), still apart from d. So
 * "Đồng" and "Đông" keep different skeletons (look-alike.spec.ts checks every Vietnamese letter).
 */
export function skeleton(text: string): string {
  // Digits stay digits: "Khu phố 11" and "Khu phố II" are two residential groups (confusables.txt takes 1 and I for l).
  return text
    .normalize('NFD')
    .split(/(\d+)/u)
    .map((part, i) => (i % 2 === 1 ? part : unhomoglyph(part)))
    .join('')
    .normalize('NFD');
}

/** The Latin letter a letter of another script imitates: confusables.txt gives l for the capitals that look like I (Cyrillic І, Greek Ι), which a capital reads as I. */
const imitated = (ch: string) => {
  const latin = unhomoglyph(ch);
  return latin === 'l' && /\p{Lu}/u.test(ch) ? 'I' : latin;
};

/**
 * Letters of other scripts that imitate Latin ones (Cyrillic "Т", Greek "ο", Cherokee "Ꭺ") as the
 * Latin letters, and compatibility forms (full-width "Ｎ") as the ordinary ones, in NFC: the letters
 * a reader sees, before tones or case are compared. Latin letters, digits and marks stay as they
 * are: their case is folded after (the skeleton of a capital I is l, of a small one i).
 */
const asSeen = (text: string) =>
  text
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/[^\p{Script=Latin}\p{M}\p{N}\p{Z}\p{P}]/gu, imitated)
    .normalize('NFC');

/** What a name is compared by: its skeleton, and the skeleton of its lower case. */
export interface NameLikeness {
  asTyped: string;
  anyCase: string;
}

/**
 * The key two members' names are held the same person by (with their date of birth): look-alikes
 * (NFKC, then TR39's skeleton) as the letters they imitate, one tone placement, lower case, so that
 * a Cyrillic "А" or "Т", a full-width "Ｎ" or a typographic apostrophe ("H’Bơ") does not make a
 * second record of one person. Import rows name branches by the same key.
 */
export function namesakeKey(name: string): string {
  // Not the skeleton of the lower case: within Latin it takes "Kim" for "Kirn" (rn) and "Il" for "ll", two people.
  return canonicalTones(asSeen(normaliseName(name))).toLocaleLowerCase('vi');
}

/**
 * A name's namesake key without its marks: "Đỗ Thị Thúy Hằng" and "Do Thi Thuy Hang" share it.
 * Compared only where one of the two names was typed without any mark (typedWithoutMarks): two
 * names both typed with marks are two people when their marks differ ("Hương" and "Hường").
 */
export function bareNamesakeKey(name: string): string {
  return foldDiacritics(namesakeKey(name));
}

/** Whether a name was typed without any Vietnamese mark (a keyboard without them, a list retyped on a phone). */
export function typedWithoutMarks(name: string): boolean {
  const key = namesakeKey(name);
  return key === foldDiacritics(key);
}

export function likenessOf(name: string): NameLikeness {
  // Look-alikes first, so that a Greek ο in "Hοà" is an o when the tone's placement is read, and a
  // Cyrillic capital (Н, В, Т) is a Latin one before the case is folded (a probe found both passing);
  // then one tone placement (hoà and hòa are one name), as the register compares members' names.
  const seen = canonicalTones(asSeen(name));
  return { asTyped: skeleton(seen), anyCase: skeleton(seen.toLocaleLowerCase('vi')) };
}

/**
 * Two names a reader would take for one: equal ignoring case, or confusable as typed. Both are
 * needed: the lower case of "Il" is "il", apart from "ll", while their skeletons are equal; and
 * "M" has no prototype while "m" has one ("rn"), so "Mai" and "mai" meet only in lower case.
 */
export function looksAlike(a: NameLikeness, b: NameLikeness): boolean {
  return a.asTyped === b.asTyped || a.anyCase === b.anyCase;
}
