import { plainMinPosition, PublishedThrough } from './published-through';
import { ServiceClient } from './service-client';

/** Services whose internal head endpoints answer from `heads`, which a test moves on. */
function servicesAnswering(heads: Record<string, { headPosition: number; publishedUpTo?: number } | 'down'>) {
  const asked: string[] = [];
  const client = {
    call: async (service: string) => {
      asked.push(service);
      const head = heads[service];
      if (head === 'down' || head === undefined) throw new Error(`${service} does not answer`);
      return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(head)) };
    },
  } as unknown as ServiceClient;
  return { client, asked };
}

describe('a read with minPosition through the distributed gateway', () => {
  it('takes a plain whole number only', () => {
    expect(plainMinPosition('/api/v1/members?branchId=b-1&minPosition=42')).toBe(42);
    expect(plainMinPosition('/api/v1/members?minPosition=organisation:4')).toBeUndefined();
    expect(plainMinPosition('/api/v1/members?branchId=b-1')).toBeUndefined();
    expect(plainMinPosition('/api/v1/members')).toBeUndefined();
  });

  it('given another log holding the position, not yet published, then waits until its relay has published it', async () => {
    const heads: Record<string, { headPosition: number; publishedUpTo?: number } | 'down'> = { organisation: { headPosition: 50, publishedUpTo: 30 }, training: { headPosition: 3, publishedUpTo: 3 }, evaluation: 'down' };
    const { client, asked } = servicesAnswering(heads);
    let done = false;
    const waiting = new PublishedThrough(client).wait(40, 'personnel', Date.now() + 5_000).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(done).toBe(false);
    heads.organisation = { headPosition: 50, publishedUpTo: 41 };
    await waiting;
    expect(asked).not.toContain('personnel');
  });

  it('given a relay that does not publish by the deadline, then lets the read go on', async () => {
    const { client } = servicesAnswering({ organisation: { headPosition: 50, publishedUpTo: 30 } });
    const started = Date.now();
    await new PublishedThrough(client).wait(40, 'personnel', started + 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });
});
