/**
 * The image workflow in the page: a CIFAR-10 file made here is dropped in and shown; the shipped
 * Fashion-MNIST subset loads; a tiny CNN trains for one epoch and is attacked; the saved model is
 * still listed after a reload; malformed and unsupported files give a message and change nothing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { normaliseImageExperiment } from '../../src/core/settings';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { TINY_IMAGE_SETTINGS, trainImageModel, waitForBackend } from './page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** n CIFAR-10 records (1 label byte + 3,072 pixel bytes) with labels i % 10. */
function cifarBytes(n: number, seed: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(i % 10);
    for (let p = 0; p < 3072; p++) out.push((i * 31 + p * 7 + seed) % 256);
  }
  return out;
}

/** Drops files on the drop zone as a user would (a real drop event with a DataTransfer). */
async function drop(page: Page, files: Array<{ name: string; bytes: number[] }>) {
  const dataTransfer = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, files);
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
}

test('drop a CIFAR file, use Fashion-MNIST, train a tiny CNN, attack it, save it, and find it after a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1100 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${BASE_URL}?view=images`);
  await waitForBackend(page);

  await drop(page, [
    { name: 'data_batch_1.bin', bytes: cifarBytes(40, 1) },
    { name: 'test_batch.bin', bytes: cifarBytes(10, 2) },
  ]);
  await page.waitForSelector('[data-testid=dataset-view]', { timeout: 60_000 });
  expect(await page.textContent('[data-testid=dataset-train-count]')).toBe('40');
  expect(await page.textContent('[data-testid=dataset-test-count]')).toBe('10');
  expect(await page.textContent('.dataset-line')).toContain('32×32×3');
  expect(await page.locator('[data-testid=thumbnails] canvas').count()).toBe(40);
  expect(await page.textContent('[data-testid=thumbnails]')).toContain('airplane');

  // A malformed file: a message, and the dataset shown stays the same.
  await drop(page, [{ name: 'data_batch_2.bin', bytes: Array(100).fill(3) }]);
  await page.locator('[data-testid=message-error]').filter({ hasText: 'data_batch_2.bin' }).waitFor();
  expect(await page.textContent('[data-testid=dataset-train-count]')).toBe('40');
  await drop(page, [{ name: 'pngs.zip', bytes: [0x50, 0x4b, 3, 4] }]);
  await page.locator('[data-testid=message-error]').filter({ hasText: 'pngs.zip is not a readable zip archive' }).waitFor();
  expect(await page.textContent('[data-testid=dataset-train-count]')).toBe('40');

  // The shipped Fashion-MNIST subset, then a tiny CNN for one epoch on 200 images.
  await page.click('[data-testid=load-fashion]');
  await expect.poll(() => page.textContent('[data-testid=dataset-train-count]'), { timeout: 60_000 }).toBe('2000');
  expect(await page.textContent('[data-testid=dataset-test-count]')).toBe('500');
  // The default image-scale eps is written as people type it, not as 0.03137254901960784.
  expect(await page.inputValue('[data-testid="field-evaluation.attack.eps"]')).toBe('8/255');
  await trainImageModel(page, [...TINY_IMAGE_SETTINGS, ['evaluation.count', '50'], ['evaluation.attack.eps', '8/255']]);
  expect(await page.locator('[data-testid=image-model-select] option').count()).toBe(1);
  await page.click('[data-testid=attack-image]');
  await page.waitForSelector('[data-testid=attack-examples]', { timeout: 90_000 });
  expect(await page.locator('[data-testid=attack-example]').count()).toBe(8);
  expect(await page.textContent('[data-testid=image-attack-panel] .attack-desc')).toContain('8.0/255 on 50 test images');
  const natural = parseFloat((await page.textContent('[data-testid=image-metric-natural] .v')) ?? '');
  const robust = parseFloat((await page.textContent('[data-testid=image-metric-robust] .v')) ?? '');
  expect(natural).toBeGreaterThan(20); // well above chance (10%) after one epoch on 200 images
  expect(robust).toBeLessThanOrEqual(natural);

  // Results and settings export: CSV with one row per attacked image, the config as JSON.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=image-attack-panel] [data-testid=download-csv]')]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('index,prediction,adversarialPrediction,category');
  expect(lines).toHaveLength(51);
  const [cfg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-image-config]')]);
  const exported = normaliseImageExperiment(JSON.parse(readFileSync((await cfg.path())!, 'utf8')));
  expect(exported.model).toMatchObject({ kind: 'cnn', convLayers: 1, filters: 4, dense: 0 });
  expect(exported.evaluation.attack.eps).toBeCloseTo(8 / 255, 12);

  await page.click('[data-testid=save-image-model]');
  await page.locator('[data-testid=library-models-item]').first().waitFor({ timeout: 30_000 });
  await page.reload();
  await waitForBackend(page);
  const saved = page.locator('[data-testid=library-models-item]');
  await saved.first().waitFor({ timeout: 30_000 });
  expect(await saved.count()).toBe(1);
  expect(await saved.first().textContent()).toMatch(/image · standard · Fashion-MNIST/);
  expect(errors).toEqual([]);
  await context.close();
});
