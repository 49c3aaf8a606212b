import * as v8 from 'node:v8';
import { EventMessage } from '../codec';
import { InProcessBus, InProcessDeadLetter } from './bus';

const letter = (id: string): InProcessDeadLetter => ({
  topic: 'register.organisation.events',
  group: 'embedded',
  message: { key: 'organisation-structure', value: JSON.stringify({ eventId: id }), headers: { 'event-type': 'BranchEstablished' } },
  error: 'the replica was not ready',
  attempts: 3,
  failedAt: '2026-12-03T08:00:00.000Z',
});

describe('InProcessBus as a part of the embedded snapshot', () => {
  it('keeps its dead letters, and sends them back to their group once it opens after a restore', async () => {
    // given a bus holding a dead letter, taken into a snapshot
    const before = new InProcessBus();
    before.deadLetters.push(letter('e-1'));
    const state = v8.deserialize(v8.serialize(before.snapshotState()));

    // when a new process restores it and its consumer subscribes, then the bus opens
    const after = new InProcessBus();
    after.restoreState(state);
    const received: EventMessage[] = [];
    after.subscribe('register.organisation.events', 'embedded', async (message) => void received.push(message));
    expect(after.deadLetters).toHaveLength(1);
    after.open();
    await new Promise((resolve) => setImmediate(resolve));

    // then the consumer gets the letter, and the bus holds it no more
    expect(received.map((m) => JSON.parse(m.value).eventId)).toEqual(['e-1']);
    expect(after.deadLetters).toEqual([]);
  });

  it('is unchanged by events after its snapshot was taken', () => {
    const bus = new InProcessBus();
    bus.deadLetters.push(letter('e-1'));
    const state = bus.snapshotState();
    bus.deadLetters[0].message.headers['event-type'] = 'changed';
    bus.deadLetters.push(letter('e-2'));
    expect(state).toEqual([letter('e-1')]);
  });

  it('sends nothing back when nothing was restored', async () => {
    const bus = new InProcessBus();
    bus.restoreState([]);
    const received: EventMessage[] = [];
    bus.subscribe('register.organisation.events', 'embedded', async (message) => void received.push(message));
    bus.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([]);
  });
});
