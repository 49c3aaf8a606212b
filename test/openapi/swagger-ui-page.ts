import { Browser, chromium, Locator } from 'playwright-core';

/** Debian's chromium (.ci/run installs it); no browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });

/**
 * A person on the Swagger UI at `base`/api/docs: Authorize with `token` as the bearer, then, for
 * each operation (its element id, `operations-<tag>-<operationId>`, and its path parameters),
 * "Try it out" and "Execute". Gives each operation's element, where the UI shows the answer.
 */
export async function tryItOut(browser: Browser, base: string, token: string, operations: Array<{ id: string; params?: Record<string, string> }>): Promise<Locator[]> {
  const page = await browser.newPage();
  await page.goto(`${base}/api/docs`);

  await page.locator('.auth-wrapper .authorize').click();
  const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' });
  await bearer.locator('input').fill(token);
  await bearer.locator('button.authorize').click(); // "Authorize", labelled "Apply credentials"
  await page.locator('.modal-ux button.btn-done').first().click(); // "Close"
  await page.locator('.modal-ux').waitFor({ state: 'detached' });

  const tried: Locator[] = [];
  for (const { id, params = {} } of operations) {
    const operation = page.locator(`#${id}`);
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click(); // "Try it out"
    for (const [name, value] of Object.entries(params)) await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
    await operation.locator('button.execute').click(); // "Execute"
    await operation.locator('.live-responses-table .response').first().waitFor();
    tried.push(operation);
  }
  return tried;
}

/** The status and the body the UI shows for an operation it executed. */
export async function shownAnswer(operation: Locator): Promise<{ status: string; body: string; curl: string }> {
  const live = operation.locator('.live-responses-table .response').first();
  return {
    status: (await live.locator('.response-col_status').innerText()).trim(),
    body: await live.locator('.response-col_description').innerText(),
    curl: await operation.locator('.curl-command').innerText(),
  };
}
