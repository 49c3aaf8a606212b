import type { OpenAPIObject } from '@nestjs/swagger';
import { Browser } from 'playwright-core';
import { Distributed, startDistributed } from '../gateway/distributed-app';
import { launchChromium, shownAnswer, tryItOut } from './swagger-ui-page';

jest.setTimeout(180_000);

/**
 * A person on the Swagger UI of the distributed gateway: the routes it shows are the services'
 * too (their documents merged into the gateway's, ServiceDocuments), and "Try it out" on a route
 * of organisation and one of personnel goes through the gateway to the service and shows 200.
 */
describe('the distributed gateway\'s Swagger UI, in a real browser', () => {
  let d: Distributed;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    d = await startDistributed('swagger-ui-distributed-secret-0123');
    base = (await d.gateway.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('runs GET /units/{id} (organisation) and GET /members (personnel) after Authorize, and shows 200 for each', async () => {
    const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenAPIObject;
    /** The UI's element of an operation: `operations-<its first tag>-<its operationId>`. */
    const idOf = (path: string) => {
      const operation = document.paths[path].get!;
      return `operations-${operation.tags?.[0] ?? 'default'}-${operation.operationId}`;
    };
    const token = d.admin.authorization.replace(/^Bearer /, '');
    const [unit, members] = await tryItOut(browser, base, token, [
      { id: idOf('/api/v1/units/{id}'), params: { id: 'qp' } },
      { id: idOf('/api/v1/members') },
    ]);
    const shownUnit = await shownAnswer(unit);
    expect(shownUnit.status).toBe('200');
    expect(shownUnit.body).toContain('Huyện đoàn Quế Phong');
    expect(shownUnit.curl).toContain(`${base}/api/v1/units/qp`);
    expect((await shownAnswer(members)).status).toBe('200');
  });
});
