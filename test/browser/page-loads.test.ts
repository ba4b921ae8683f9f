/** The built page is served and has its shell: a title and the React root. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BASE_URL, launchBrowser } from './launch';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test(`${BASE_URL} has a non-empty <title> and an element #root`, async () => {
  const page = await browser.newPage();
  const response = await page.goto(BASE_URL);
  expect(response?.ok()).toBe(true);
  expect((await page.title()).trim()).not.toBe('');
  expect(await page.locator('#root').count()).toBe(1);
  await page.close();
});
