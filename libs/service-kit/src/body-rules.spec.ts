import { checkBody, checkQuery, MAX_BODY_DEPTH } from './body-rules';

/** `levels` objects, one inside the other. */
const nested = (levels: number) => JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
const rules = (body: unknown) => checkBody(body).map((e) => `${e.field}:${e.rule}`);

describe('checkBody: what no command body may hold', () => {
  it('passes ordinary bodies, Vietnamese and emoji included', () => {
    expect(rules({ name: 'Chi đoàn thôn Đồng Văn', reason: 'sáp nhập 😀', decisionRef: { number: '12/QĐ-TWĐTN' }, parts: [{ name: 'A', memberIds: ['m-1'] }] })).toEqual([]);
    expect(rules(nested(MAX_BODY_DEPTH))).toEqual([]);
    expect(rules(undefined)).toEqual([]);
    expect(rules(12)).toEqual([]);
  });

  it('refuses nesting beyond the limit, without recursing into it', () => {
    expect(rules(nested(MAX_BODY_DEPTH + 1))).toEqual([`${Array(MAX_BODY_DEPTH).fill('a').join('.')}:max-depth`]);
    const deep = JSON.parse('{"reason":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}');
    expect(rules(deep)).toEqual([`reason${'.0'.repeat(MAX_BODY_DEPTH - 1)}:max-depth`]);
  });

  it('refuses lone surrogates and NUL in any string or key, naming the field', () => {
    expect(rules({ name: 'Chi đoàn \ud800' })).toEqual(['name:well-formed-unicode']);
    expect(rules({ reason: 'x\udc00y' })).toEqual(['reason:well-formed-unicode']);
    expect(rules({ decisionRef: { number: '1/\ud800QĐ' } })).toEqual(['decisionRef.number:well-formed-unicode']);
    expect(rules({ sourceBranchIds: ['b-1', 'b-\udfff'] })).toEqual(['sourceBranchIds.1:well-formed-unicode']);
    expect(rules({ reason: 'a\u0000b' })).toEqual(['reason:no-nul-character']);
    expect(rules({ reason: 'lý do\u0007\u001b[31m đỏ' })).toEqual(['reason:no-control-character']);
    expect(rules({ decisionRef: { issuedBy: 'BTV\u0085' } })).toEqual(['decisionRef.issuedBy:no-control-character']);
    expect(rules({ reason: 'dòng một\r\ndòng hai\tcột' })).toEqual([]);
    // Object.prototype's names are no field, and the validator would take them for one (a probe sent ?constructor=1).
    expect(rules({ reason: 'x', decisionRef: { toString: 'a' } })).toEqual(['decisionRef.toString:unknown-field']);
    expect(checkQuery({ constructor: '1', asOf: '2025-01-01', valueOf: 'x' }).map((e) => `${e.field}:${e.rule}`)).toEqual(['constructor:unknown-field', 'valueOf:unknown-field']);
    expect(rules({ area: { ['k\ud800']: 1 } })).toEqual(['area.(key):well-formed-unicode']);
    expect(rules('\ud800')).toEqual(['(body):well-formed-unicode']);
  });

  it('stops at twenty problems', () => {
    expect(checkBody({ ids: Array(28_000).fill('\u0000') })).toHaveLength(20);
  });
});
