/**
 * "Compare training for smoothing" in the Smoothing view: trains Gaussian augmentation, CAT-RS
 * and CRA on the playground's data, certifies each, adds the Gaussian model with sample
 * rejection, and all four curves share the certified-accuracy plot.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend, workerTensors } from './page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('Gaussian vs CAT-RS vs CRA vs Gaussian with rejection on one plot', async () => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const small = { view: 'smoothing', 'data.size': '160', 'training.epochs': '2', 'evaluation.attack.steps': '3', 'evaluation.gridResolution': '20' };
  await page.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  await waitForBackend(page);
  const tensors = await workerTensors(page);
  await page.fill('[data-testid="smoothing-n"]', '1000');
  await page.fill('[data-testid="smoothing-max"]', '10');
  await page.fill('[data-testid="rejection-denoiserEpochs"]', '2');
  await page.fill('[data-testid="rejection-rejectorEpochs"]', '2');
  await page.fill('[data-testid="rejection-trainMax"]', '100');
  await page.click('[data-testid=smoothing-compare-run]');
  await expect
    .poll(async () => (await page.$$('[data-testid=certify-run]')).length, { timeout: 240_000, interval: 1000 })
    .toBe(4);
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid=certify-run]')].some((tr) => /running/.test(tr.textContent ?? '')), undefined, { timeout: 120_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 60_000 });
  const names = await page.$$eval('[data-testid=certify-run] td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
  expect(names[0]).toMatch(/^Gaussian augmentation · σ=0.25/);
  expect(names[1]).toMatch(/^CAT-RS · σ=0.25/);
  expect(names[2]).toMatch(/^CRA · σ=0.25/);
  expect(names[3]).toMatch(/with rejection/);
  const done = await page.$$eval('[data-testid=certify-run] td:nth-child(2)', (tds) => tds.map((td) => td.textContent ?? ''));
  expect(done).toEqual(['10 / 10', '10 / 10', '10 / 10', '10 / 10']);
  await expect.poll(() => page.$eval('[data-testid=certified-curve-plot]', (el) => ((el as unknown as { data?: unknown[] }).data ?? []).length)).toBe(4);
  // The three models stay in the worker (each is a trained model the user can reuse), plus the
  // rejection system; nothing else.
  expect(await workerTensors(page)).toBeGreaterThan(tensors);
  expect(errors).toEqual([]);
});

test('the preset compares the methods at its own size from the top of the view, and its time is kept', async () => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${BASE_URL}?view=smoothing`);
  await waitForBackend(page);
  expect(await page.textContent('[data-testid=smoothing-preset-top-duration]')).toMatch(/^ \(≈ \d+ s\*\)$/);
  await page.click('[data-testid=smoothing-preset-top]');
  await expect.poll(async () => (await page.$$('[data-testid=certify-run]')).length, { timeout: 180_000, interval: 1000 }).toBe(4);
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid=certify-run]')].some((tr) => /running/.test(tr.textContent ?? '')), undefined, { timeout: 120_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 60_000 });
  // 500 points with a test fraction of 0.2: all 100 test inputs, each with n = 10,000.
  const done = await page.$$eval('[data-testid=certify-run] td:nth-child(2)', (tds) => tds.map((td) => td.textContent ?? ''));
  expect(done).toEqual(['100 / 100', '100 / 100', '100 / 100', '100 / 100']);
  expect(await page.inputValue('[data-testid="smoothing-n"]')).toBe('10000');
  // The panel's preset button now shows this browser's time (no reference star).
  await expect.poll(() => page.textContent('[data-testid=smoothing-compare-preset-duration]')).toMatch(/^ \(≈ \d+ s\)$/);
  expect(errors).toEqual([]);
}, 300_000);
