import { Browser } from 'playwright-core';
import { EmbeddedStart, startEmbedded } from './embedded-start';
import { launchChromium, shownAnswer, tryItOut } from './swagger-ui-page';

/**
 * A person on the Swagger UI of the embedded start: Authorize with a minted bearer token, then
 * "Try it out" and "Execute" on GET /units/{id} for the root of the tree, and the UI shows 200
 * with the unit. In a real browser, so that what the UI sends (the Authorization header from the
 * document's security schemes, the path parameter) is what a person's browser sends.
 */
describe('the Swagger UI at /api/docs, in a real browser', () => {
  let register: EmbeddedStart;
  let browser: Browser;

  beforeAll(async () => {
    register = await startEmbedded();
    const token = register.token();
    const created = await fetch(`${register.url}/api/v1/units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'tw', kind: 'central', name: 'Trung ương Đoàn', reason: 'khởi tạo sổ' }),
    });
    if (created.status !== 201) throw new Error(await created.text());
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await register?.stop();
  });

  it('runs GET /units/{id} after Authorize with a bearer token, and shows 200', async () => {
    const [operation] = await tryItOut(browser, register.url, register.token(), [{ id: 'operations-units-UnitsController_get', params: { id: 'tw' } }]);
    const shown = await shownAnswer(operation);
    expect(shown.status).toBe('200');
    expect(shown.body).toContain('Trung ương Đoàn');
    // The request the UI made carried the token: the curl it shows says so.
    expect(shown.curl).toContain('Authorization: Bearer');
  }, 120_000);
});
