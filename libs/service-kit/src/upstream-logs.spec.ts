import { LogRelay } from '@register/messaging';
import { UpstreamLogs } from './upstream-logs';

/** A relay that has published up to `published` and acknowledges what `publish` says, when told. */
function fakeLog(head: number, published: number) {
  let acked = published;
  const waiters: Array<() => void> = [];
  const relay = {
    get publishedUpTo() {
      return acked;
    },
    async whenPublished(position: number, deadline: number) {
      while (acked < position && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => (waiters.push(resolve), (timer = setTimeout(resolve, deadline - Date.now()))));
        clearTimeout(timer);
      }
      return acked >= position;
    },
  } as unknown as LogRelay;
  return {
    store: { headPosition: async () => head, appendedUpTo: head },
    relay,
    publish(position: number) {
      acked = position;
      waiters.splice(0).forEach((wake) => wake());
    },
  };
}

describe('UpstreamLogs (a read\'s minPosition across the logs of one process)', () => {
  const soon = () => Date.now() + 200;

  it('given no other log that holds the position, when a read settles, then it waits for nothing', async () => {
    const logs = new UpstreamLogs();
    const organisation = fakeLog(12, 12);
    logs.addLocal('organisation', organisation.store, organisation.relay);
    logs.addLocal('personnel', fakeLog(900, 900).store, fakeLog(900, 900).relay);
    expect(await logs.settle(40, 'personnel', soon())).toBe('none');
  });

  it('given another log that holds the position, published, then the read is settled', async () => {
    const logs = new UpstreamLogs();
    const organisation = fakeLog(50, 50);
    logs.addLocal('organisation', organisation.store, organisation.relay);
    expect(await logs.settle(40, 'personnel', soon())).toBe('settled');
  });

  it('given another log that holds the position, not yet published, then the read waits for its relay', async () => {
    const logs = new UpstreamLogs();
    const organisation = fakeLog(50, 30);
    logs.addLocal('organisation', organisation.store, organisation.relay);
    const settling = logs.settle(40, 'personnel', Date.now() + 5_000);
    let answered: string | undefined;
    void settling.then((s) => (answered = s));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answered).toBeUndefined();
    organisation.publish(45);
    expect(await settling).toBe('settled');
  });

  it('given a relay that does not publish in time, then the read is behind', async () => {
    const logs = new UpstreamLogs();
    const organisation = fakeLog(50, 30);
    logs.addLocal('organisation', organisation.store, organisation.relay);
    expect(await logs.settle(40, 'personnel', Date.now() + 50)).toBe('behind');
  });

  it('given its own log only, then the read waits for nothing more', async () => {
    const logs = new UpstreamLogs();
    const personnel = fakeLog(50, 30);
    logs.addLocal('personnel', personnel.store, personnel.relay);
    expect(await logs.settle(40, 'personnel', soon())).toBe('none');
  });

  it('given a consumer of other services\' topics (distributed), then it asks the consumer', async () => {
    const logs = new UpstreamLogs();
    let caughtUp = false;
    logs.attachConsumer({ handledAllNow: async () => caughtUp });
    expect(await logs.settle(40, 'personnel', soon())).toBe('behind');
    caughtUp = true;
    expect(await logs.settle(40, 'personnel', soon())).toBe('settled');
  });

  it('given one read\'s two settles of a position (before its controller, then in its read model\'s wait), then the topics are asked once', async () => {
    const logs = new UpstreamLogs();
    const handledAllNow = jest.fn(async () => true);
    logs.attachConsumer({ handledAllNow });
    expect(await logs.settle(40, '', soon())).toBe('settled');
    expect(await logs.settle(40, 'personnel', soon())).toBe('settled');
    expect(handledAllNow).toHaveBeenCalledTimes(1);
    expect(await logs.settle(41, 'personnel', soon())).toBe('settled');
    expect(handledAllNow).toHaveBeenCalledTimes(2);
  });

  describe('a command naming what the process has not heard of (untilKnown)', () => {
    const twoLogs = (organisation: ReturnType<typeof fakeLog>) => {
      const logs = new UpstreamLogs();
      logs.addLocal('organisation', organisation.store, organisation.relay);
      logs.addLocal('personnel', fakeLog(7, 7).store, fakeLog(7, 7).relay);
      return logs;
    };

    it('given every log of the process published to its head, when an id is unknown, then the wait ends at once, not at its deadline', async () => {
      const logs = twoLogs(fakeLog(50, 50));
      expect(await logs.arrivedNow(soon())).toBe(true);
      // The test's own timeout (5 s) is far below the waits' end if the arrival were not heard: 500 ms each, a hundred times.
      for (let i = 0; i < 100; i++) await logs.untilKnown(['typo'], () => false);
    }, 5_000);

    it('given a log not yet published to its head, then the wait lasts until it is, and the id is known by then', async () => {
      const organisation = fakeLog(50, 30);
      const logs = twoLogs(organisation);
      let known = false;
      let done = false;
      const waiting = logs.untilKnown(['branch-1'], () => known).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(done).toBe(false);
      known = true;
      organisation.publish(50);
      await waiting;
      expect(done).toBe(true);
    });

    it('given a consumer of other services\' topics (distributed), then arrival cannot be known and the wait is not cut short', async () => {
      const logs = twoLogs(fakeLog(50, 50));
      logs.attachConsumer({ handledAllNow: async () => true });
      expect(await logs.arrivedNow(soon())).toBe(false);
      const started = Date.now();
      await logs.untilKnown(['typo'], () => false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    });

    it('given arrival that cannot be known, then the wait still lets timers run, and ends when the id is known', async () => {
      const logs = new UpstreamLogs();
      let known = false;
      setTimeout(() => (known = true), 100);
      await logs.untilKnown(['branch-1'], () => known);
      expect(known).toBe(true);
    });

    it('given one service\'s log alone in the process, then arrival cannot be known', async () => {
      const logs = new UpstreamLogs();
      logs.addLocal('personnel', fakeLog(7, 7).store, fakeLog(7, 7).relay);
      expect(await logs.arrivedNow(soon())).toBe(false);
    });
  });
});

describe('UpstreamLogs for commands (distributed: decided on replicas that hold what the topics hold, answered once published)', () => {
  const soon = () => Date.now() + 200;

  it('given a consumer that has not handled what the topics hold, then a command may not be decided yet; once it has, it may', async () => {
    const logs = new UpstreamLogs();
    let handled = false;
    logs.attachConsumer({ handledAllNow: async () => handled });
    expect(await logs.commandsMayDecide(soon())).toBe(false);
    handled = true;
    expect(await logs.commandsMayDecide(soon())).toBe(true);
  });

  it('given no consumer (the embedded start), then commands are decided at once and answered once the bus has handled their events (the other services\' reactions recorded)', async () => {
    const logs = new UpstreamLogs();
    const training = fakeLog(10, 4);
    logs.addLocal('training', training.store, training.relay);
    logs.addLocal('personnel', fakeLog(5, 5).store, fakeLog(5, 5).relay);
    expect(await logs.commandsMayDecide(soon())).toBe(true);
    const answered = logs.publishedAnswer(10, Date.now() + 2000);
    let done = false;
    void answered.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    training.publish(10);
    expect(await answered).toBe(true);
    // A command that changed nothing (position 0) waits for nothing.
    expect(await logs.publishedAnswer(0, soon())).toBe(true);
  });

  it("given a service's own log not yet published to a command's position, then its answer waits until it is, or says false at the deadline", async () => {
    const logs = new UpstreamLogs();
    const personnel = fakeLog(20, 18);
    logs.addLocal('personnel', personnel.store, personnel.relay);
    logs.attachConsumer({ handledAllNow: async () => true });
    const answered = logs.publishedAnswer(20, Date.now() + 2000);
    let done = false;
    void answered.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    personnel.publish(20);
    expect(await answered).toBe(true);
    expect(await logs.publishedAnswer(25, soon())).toBe(false);
  });
});
