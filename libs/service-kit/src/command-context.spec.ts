import { parseRevisionTag } from './command-context';
import { ValidationFailed } from './problem-details';

describe('parseRevisionTag (If-Match)', () => {
  it('reads back every ETag the API gives, "-1" (no stream yet) included, strong or weak', () => {
    expect(['"3"', 'W/"3"', '"0"', '"-1"', 'W/"-1"', '-1'].map(parseRevisionTag)).toEqual([3, 3, 0, -1, -1, -1]);
    expect(parseRevisionTag(undefined)).toBeUndefined();
  });

  it('takes * (RFC 9110: any current representation) as asking no revision', () => {
    expect([parseRevisionTag('*'), parseRevisionTag(' * ')]).toEqual([undefined, undefined]);
  });

  it('refuses what no ETag of the API looks like with a 400', () => {
    // A number past what a revision can be would be read rounded, and echoed back as one the client did not send.
    for (const tag of ['"-2"', '"abc"', '"1.5"', '**', '"-0"', '"99999999999999999999"']) expect(() => parseRevisionTag(tag)).toThrow(ValidationFailed);
  });
});
