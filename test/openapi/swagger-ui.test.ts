import { Browser, chromium } from 'playwright-core';
import { EmbeddedStart, startEmbedded } from './embedded-start';

/** Debian's chromium (.ci/run installs it); no browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await register?.stop();
  });

  it('runs GET /units/{id} after Authorize with a bearer token, and shows 200', async () => {
    const page = await browser.newPage();
    await page.goto(`${register.url}/api/docs`);

    await page.locator('.auth-wrapper .authorize').click();
    const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' });
    await bearer.locator('input').fill(register.token());
    await bearer.locator('button.authorize').click(); // "Authorize", labelled "Apply credentials"
    await page.locator('.modal-ux button.btn-done').first().click(); // "Close"
    await page.locator('.modal-ux').waitFor({ state: 'detached' });

    const operation = page.locator('#operations-units-UnitsController_get');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click(); // "Try it out"
    await operation.locator('tr[data-param-name="id"] input').fill('tw');
    await operation.locator('button.execute').click(); // "Execute"

    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor();
    expect((await live.first().locator('.response-col_status').innerText()).trim()).toBe('200');
    expect(await live.first().locator('.response-col_description').innerText()).toContain('Trung ương Đoàn');
    // The request the UI made carried the token: the curl it shows says so.
    expect(await operation.locator('.curl-command').innerText()).toContain('Authorization: Bearer');
  }, 120_000);
});
