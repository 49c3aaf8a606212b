import { deliver, Failure } from './delivery';

const policy = { maxAttempts: 3, backoff: { initialMs: 1, maxMs: 2 } };

describe('deliver: retry, then dead-letter and move on', () => {
  it('stops at the first success', async () => {
    let calls = 0;
    const outcome = await deliver(async () => void (++calls < 2 && (() => { throw new Error('flaky'); })()), policy, { deadLetter: async () => fail('no dead letter expected') });
    expect(outcome).toBe('handled');
    expect(calls).toBe(2);
  });

  it('dead-letters after maxAttempts with the last error, and resolves so the offset can move on', async () => {
    const letters: Failure[] = [];
    let beats = 0;
    const outcome = await deliver(() => Promise.reject(new Error('poison')), policy, {
      beforeRetry: async () => void beats++,
      deadLetter: async (f) => void letters.push(f),
    });
    expect(outcome).toBe('dead-lettered');
    expect(letters).toEqual([{ error: new Error('poison'), attempts: 3 }]);
    expect(beats).toBe(2);
  });

  it('does not acknowledge a message whose dead letter could not be written', async () => {
    await expect(deliver(() => Promise.reject(new Error('poison')), policy, { deadLetter: () => Promise.reject(new Error('broker away')) })).rejects.toThrow('broker away');
  });
});
