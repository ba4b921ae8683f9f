/**
 * Persistence: a saved model and the recorded runs survive a reload; a saved model loads back
 * into the playground with its decision regions; rename and delete work.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend, waitForRegionImage } from './page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('a saved model and its run survive a reload, load back, rename and delete', async () => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1100 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${BASE_URL}?data.size=200&training.epochs=2&training.method=standard&evaluation.attack.steps=5&evaluation.gridResolution=60`);
  await waitForBackend(page);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=split-table]', { timeout: 90_000 });
  // The attack after training is recorded as a run.
  await page.waitForSelector('[data-testid=library-runs-item]', { timeout: 30_000 });
  await page.click('[data-testid=save-model]');
  await page.waitForSelector('[data-testid=library-models-item]', { timeout: 30_000 });

  await page.reload();
  await waitForBackend(page);
  const models = page.locator('[data-testid=library-models-item]');
  await models.first().waitFor({ timeout: 30_000 });
  expect(await models.count()).toBe(1);
  expect(await models.first().textContent()).toMatch(/Standard/);
  expect(await page.locator('[data-testid=library-runs-item]').count()).toBeGreaterThanOrEqual(1);
  expect(await page.locator('[data-testid=library-runs-item]').first().textContent()).toMatch(/natural \d/);

  // Load it back: it becomes the active model with its decision regions.
  await page.click('[data-testid=library-load]');
  await waitForRegionImage(page, '[data-testid=regions-plot]', 30_000);
  expect(await page.locator('[data-testid=model-list] li').count()).toBe(1);

  // Rename, then delete (two steps).
  await page.click('[data-testid=library-models-item] [data-testid=library-rename]');
  await page.fill('[data-testid=library-rename-input]', 'my baseline');
  await page.press('[data-testid=library-rename-input]', 'Enter');
  await expect.poll(() => models.first().textContent()).toMatch(/my baseline/);
  await page.reload();
  await waitForBackend(page);
  await models.first().waitFor();
  expect(await models.first().textContent()).toMatch(/my baseline/);
  await page.click('[data-testid=library-models-item] [data-testid=library-delete]');
  await page.click('[data-testid=library-models-item] [data-testid=library-delete-confirm]');
  await expect.poll(() => models.count()).toBe(0);
  expect(errors).toEqual([]);
  await context.close();
});
