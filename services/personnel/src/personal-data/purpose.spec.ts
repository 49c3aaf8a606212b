import { ValidationFailed } from '@register/service-kit';
import { MAX_PURPOSE_LENGTH, purposeOf } from './purpose';

/** What Node hands over for a header sent as these UTF-8 bytes: one Latin-1 character a byte. */
const asSent = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const ruleOf = (headers: Record<string, string | string[] | undefined>) => {
  try {
    purposeOf(headers);
    return 'accepted';
  } catch (error) {
    return error instanceof ValidationFailed ? error.errors.map((e) => `${e.field}:${e.rule}`).join() : String(error);
  }
};

describe('purposeOf (the X-Purpose header)', () => {
  it('reads UTF-8 text, NFC and trimmed, and null when absent or blank', () => {
    expect(purposeOf({ 'x-purpose': asSent('  xét duyệt kết nạp Đảng ') })).toBe('xét duyệt kết nạp Đảng');
    expect(purposeOf({ 'x-purpose': asSent('xe\u0301t duye\u0323\u0302t') })).toBe('xét duyệt');
    expect(purposeOf({ 'x-purpose': 'party-admission-review' })).toBe('party-admission-review');
    expect(purposeOf({})).toBeNull();
    expect(purposeOf({ 'x-purpose': '   ' })).toBeNull();
    expect(purposeOf({ 'x-purpose': asSent('ư'.repeat(MAX_PURPOSE_LENGTH)) })).toBe('ư'.repeat(MAX_PURPOSE_LENGTH));
    expect(purposeOf({ 'x-purpose': asSent('😀'.repeat(MAX_PURPOSE_LENGTH)) })).toHaveLength(2 * MAX_PURPOSE_LENGTH);
  });

  it('refuses what is not UTF-8, too long, repeated or holds control characters', () => {
    expect(ruleOf({ 'x-purpose': 'x'.repeat(MAX_PURPOSE_LENGTH + 1) })).toBe('X-Purpose:maxLength');
    expect(ruleOf({ 'x-purpose': asSent('đ'.repeat(MAX_PURPOSE_LENGTH + 1)) })).toBe('X-Purpose:maxLength');
    expect(ruleOf({ 'x-purpose': 'x'.repeat(7000) })).toBe('X-Purpose:maxLength');
    // Latin-1 bytes (what a browser sends for "é"), a broken sequence, an encoded lone surrogate
    expect(ruleOf({ 'x-purpose': 'xét' })).toBe('X-Purpose:utf-8');
    expect(ruleOf({ 'x-purpose': Buffer.from([0x61, 0xc3, 0x28]).toString('latin1') })).toBe('X-Purpose:utf-8');
    expect(ruleOf({ 'x-purpose': Buffer.from([0xed, 0xa0, 0x80]).toString('latin1') })).toBe('X-Purpose:utf-8');
    // not from HTTP at all: a character beyond one byte
    expect(ruleOf({ 'x-purpose': 'xét duyệt' })).toBe('X-Purpose:utf-8');
    expect(ruleOf({ 'x-purpose': 'a\u0000b' })).toBe('X-Purpose:no-control-characters');
    expect(ruleOf({ 'x-purpose': 'a\u001b[31mb' })).toBe('X-Purpose:no-control-characters');
    expect(ruleOf({ 'x-purpose': asSent('a\u0085b') })).toBe('X-Purpose:no-control-characters');
    expect(ruleOf({ 'x-purpose': ['a', 'b'] })).toBe('X-Purpose:single');
  });
});
