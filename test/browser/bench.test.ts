/** The in-page bench view: runs the core's bench cases in the worker and fills the table. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend } from './page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('the bench view times the grid forward pass and the 40k split on wasm', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}?view=bench`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
  // Keep wasm only and one timed run; untick the training epochs (TRADES, PGD-AT and their RR
  // forms) and the CNN cases (the slow ones), and the noise case (test/browser/noise.test.ts
  // covers the noise generator). A label text may match several cases ('TRADES epoch' also
  // matches 'RR-TRADES epoch'): untick every match.
  const repeats = page.locator('.bench input[type=number]').first();
  await repeats.fill('1');
  for (const label of ['TRADES epoch', 'RR-TRADES epoch', 'PGD-AT epoch', 'RR-PGD-AT epoch', 'CNN forward', 'CNN epoch', 'CNN PGD-10', 'CNN PGD-AT epoch', 'CNN RR-PGD-AT epoch', 'CERTIFY, 2-D MLP', 'CERTIFY, CNN', 'Gaussian noise']) {
    for (const box of await page.locator('label', { hasText: label }).locator('input').all()) await box.uncheck();
  }
  await page.click('[data-testid=bench-run]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=bench-table] tbody tr').length === 2, undefined, { timeout: 90_000 });
  const rows = await page.$$eval('[data-testid=bench-table] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  expect(rows.map((r) => r[1])).toEqual(['wasm', 'wasm']);
  for (const r of rows) {
    const ms = parseFloat(r[2]);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(60_000);
    expect(r[4]).toMatch(/\/s/);
  }
});
