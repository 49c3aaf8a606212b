import { Client, ClientConfig } from 'pg';

/** Waits between attempts to open a lost LISTEN again, the last one repeated. */
const REOPEN_MS = [250, 500, 1000, 2000, 5000];

/**
 * LISTEN on a connection of its own, opened again whenever it is lost (the server restarted, the
 * connection ended by an administrator). Meanwhile subscribers fall back to their poll; once it is
 * back the listener is called without a payload, as appends made meanwhile were not heard. The
 * first opening must succeed: the caller decides what a store with no LISTEN does.
 */
export async function listenAgainWhenLost(config: ClientConfig, channel: string, listener: (payload?: string) => void): Promise<() => Promise<void>> {
  let closed = false;
  let current: Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  const open = async (): Promise<void> => {
    const client = new Client(config);
    // Heard from the start: an error that arrives with the end of the handshake has a listener too.
    client.on('error', () => undefined); // 'end' follows it, and opens the LISTEN again
    client.on('notification', (message) => listener(message.payload));
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (closed) return void (await client.end().catch(() => undefined));
    client.once('end', () => {
      if (!closed) reopenLater();
    });
    current = client;
  };
  const reopenLater = () => {
    current = undefined;
    timer = setTimeout(() => {
      open().then(
        () => {
          failures = 0;
          listener();
        },
        () => {
          failures++;
          reopenLater();
        },
      );
    }, REOPEN_MS[Math.min(failures, REOPEN_MS.length - 1)]);
    timer.unref();
  };
  await open();
  return async () => {
    closed = true;
    clearTimeout(timer);
    await current?.end().catch(() => undefined);
  };
}
