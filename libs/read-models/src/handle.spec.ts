import { RecordedEvent } from '@register/event-sourcing';
import { operationsOf } from './handle';
import { defineProjection, op, ProjectionReader } from './projection';

const event = { eventId: 'e1', streamId: 's', revision: 0, position: 7, type: 'BranchRenamed', schemaVersion: 1, data: {}, metadata: {}, recordedAt: '' } as unknown as RecordedEvent;
const reader: ProjectionReader = { read: async () => undefined };

/** A projection whose one handler answers `answer`, at once or as a promise. */
const answering = (answer: () => unknown) =>
  defineProjection({ name: 'handle-spec', version: 1, collections: { branches: {} }, handlers: { BranchRenamed: answer as never } });

describe('operationsOf', () => {
  it('gives a synchronous handler its checked operations without a promise', () => {
    expect(operationsOf(answering(() => op.update('branches', 'b1', { $set: { name: 'x' } })), event, reader)).toEqual([{ collection: 'branches', _id: 'b1', update: { $set: { name: 'x' } } }]);
  });

  it('names the event when an answer cannot be checked, whether it came at once or later', async () => {
    const broken = () => [null];
    expect(() => operationsOf(answering(broken), event, reader)).toThrow(/projection handle-spec at BranchRenamed@7/);
    await expect(operationsOf(answering(async () => broken()), event, reader)).rejects.toThrow(/projection handle-spec at BranchRenamed@7/);
  });

  it('names the event when a handler fails, whether at once or later', async () => {
    const fails = () => {
      throw new Error('no branch');
    };
    expect(() => operationsOf(answering(fails), event, reader)).toThrow('projection handle-spec at BranchRenamed@7: no branch');
    await expect(operationsOf(answering(async () => fails()), event, reader)).rejects.toThrow('projection handle-spec at BranchRenamed@7: no branch');
  });

  it('refuses an operation on a collection the projection does not have', async () => {
    await expect(operationsOf(answering(async () => op.update('nowhere', 'b1', { $set: { a: 1 } })), event, reader)).rejects.toThrow(/unknown collection nowhere/);
  });
});
