/**
 * What a user does in the Smoothing view: certify a trained 2-D model and watch the curve and the
 * table fill in, cancel a certification and keep the inputs already certified, draw the smoothed
 * regions with the radii as circles, import a log certified elsewhere (and be refused a malformed
 * one), export a run's log, and get bad settings flagged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseCertificationLog } from '../../src/core/settings';
import { BASE_URL, launchBrowser } from './launch';
import { TINY_IMAGE_SETTINGS, colourCounts, outlineCounts, regionImagePixels, trainImageModel, waitForBackend, waitForRegionImage, workerTensors } from './page';
import { CLASS_COLORS } from '../../src/app/plots/colors';
import { ABSTAIN_GREY } from '../../src/app/features/smoothing/smoothedRegions';

let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1500, height: 1100 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Gaussian augmentation at the sigma the tests certify with (the training for smoothing).
  const small = { 'data.size': '200', 'training.method': 'gaussian', 'training.sigma': '0.25', 'training.epochs': '3', 'evaluation.attack.steps': '5', 'evaluation.gridResolution': '40' };
  await page.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  await waitForBackend(page);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  await page.click('[data-testid=view-smoothing]');
  await page.waitForSelector('[data-testid=smoothing-source]');
});
afterAll(async () => {
  await browser?.close();
});

async function fill(name: string, value: string) {
  await page.fill(`[data-testid="smoothing-${name}"]`, value);
}

const runRows = () => page.$$eval('[data-testid=certify-run]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
const curveTraces = () => page.$eval('[data-testid=certified-curve-plot]', (el) => ((el as unknown as { data?: unknown[] }).data ?? []).length);

test('bad settings are flagged and block certification', async () => {
  await fill('sigma', '0');
  await expect.poll(() => page.textContent('[data-testid=smoothing-error-sigma]')).toMatch(/sigma must be > 0 and ≤ 10000/);
  expect(await page.isDisabled('[data-testid=certify]')).toBe(true);
  await fill('alpha', '1.5');
  await expect.poll(() => page.textContent('[data-testid=smoothing-error-alpha]')).toMatch(/alpha must be > 0 and < 1/);
  await fill('sigma', '0.25');
  await fill('alpha', '0.001');
  await expect.poll(() => page.isEnabled('[data-testid=certify]')).toBe(true);
});

test('certify fills the curve and the table input by input', async () => {
  const tensors = await workerTensors(page);
  await fill('n', '2000');
  await fill('max', '20');
  await page.click('[data-testid=certify]');
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  const rows = await runRows();
  expect(rows).toHaveLength(1);
  expect(rows[0][1]).toBe('20 / 20');
  expect(rows[0][0]).toMatch(/done/);
  const acr = parseFloat(rows[0][8]);
  expect(acr).toBeGreaterThan(0.02); // three well-separated Gaussians, sigma 0.25
  expect(parseFloat(rows[0][3])).toBeGreaterThan(50); // certified accuracy at radius 0
  expect(rows[0][10]).toMatch(/draws\/s/);
  await expect.poll(curveTraces).toBe(1);
  // The radii are drawn as circles around the certified test points.
  const circles = async () => Object.entries(await outlineCounts(page, '[data-testid=smoothed-regions-plot]')).filter(([name]) => name.startsWith('certified radius')).reduce((n, [, c]) => n + c, 0);
  await expect.poll(circles).toBeGreaterThan(5);
  expect(await workerTensors(page)).toBe(tensors);
});

test('cancelling keeps the inputs already certified', async () => {
  // Cohen et al.'s n = 100,000 in batches of 1,000: long enough to cancel midway.
  await fill('n', '100000');
  await fill('max', '200');
  await page.click('[data-testid=certify]');
  await page.waitForFunction(() => {
    const tr = document.querySelectorAll('[data-testid=certify-run]')[1];
    return tr && parseInt(tr.querySelectorAll('td')[1].textContent ?? '0', 10) >= 3;
  }, undefined, { timeout: 60_000 });
  await page.click('[data-testid=cancel-job]');
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 60_000 });
  const rows = await runRows();
  const done = parseInt(rows[1][1], 10);
  expect(rows[1][0]).toMatch(/cancelled/);
  expect(done).toBeGreaterThanOrEqual(3);
  expect(done).toBeLessThan(200);
  await expect.poll(curveTraces).toBe(2);
});

test('smoothed regions: PREDICT per grid cell with abstain in grey', async () => {
  await fill('gridN', '200');
  await fill('gridResolution', '30');
  await page.click('[data-testid=smoothed-grid]');
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  await waitForRegionImage(page, '[data-testid=smoothed-regions-plot]');
  const pixels = (await regionImagePixels(page, '[data-testid=smoothed-regions-plot]'))!;
  expect(pixels.width * pixels.height).toBe(900);
  // Some cells abstain (between the classes) and both big classes appear (the third class of
  // this dataset is a small blob that the smoothed classifier may not keep).
  const colours = colourCounts(pixels);
  expect(colours.has(ABSTAIN_GREY)).toBe(true);
  expect(colours.has(CLASS_COLORS[0]) && colours.has(CLASS_COLORS[1])).toBe(true);
});

test('a log certified elsewhere is imported; a malformed one is refused; a run exports its log', async () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'certify-log.json'), 'utf8'));
  const before = (await runRows()).length;
  await page.setInputFiles('[data-testid=import-log]', { name: 'noise_0.25.tsv', mimeType: 'text/plain', buffer: Buffer.from(fixture.certify_log) });
  await expect.poll(async () => (await runRows()).length).toBe(before + 1);
  const imported = (await runRows())[before];
  expect(imported[0]).toMatch(/noise_0\.25\.tsv/);
  expect(imported[1]).toBe(String(fixture.rows.length));
  await expect.poll(curveTraces).toBe(3);

  await page.setInputFiles('[data-testid=import-log]', { name: 'bad.tsv', mimeType: 'text/plain', buffer: Buffer.from('idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t0.5\n') });
  await expect.poll(() => page.textContent('.messages')).toMatch(/bad\.tsv is not a certification log: Line 2: expected 6 tab-separated fields/);
  expect((await runRows()).length).toBe(before + 1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-log]').first().click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const log = parseCertificationLog(text);
  expect(log.kind).toBe('certify');
  expect(log.rows).toHaveLength(20);
  expect(pageErrors).toEqual([]);
});

test('an image model (Gaussian augmentation on the shipped Fashion-MNIST subset) is certified too', async () => {
  await page.click('[data-testid=view-images]');
  await page.click('[data-testid=load-fashion]');
  await expect.poll(() => page.textContent('[data-testid=dataset-train-count]'), { timeout: 60_000 }).toBe('2000');
  await page.selectOption('[data-testid="field-training.method"]', 'gaussian');
  await trainImageModel(page, TINY_IMAGE_SETTINGS);
  await page.click('[data-testid=view-smoothing]');
  const option = await page.$eval('[data-testid=smoothing-source]', (el) => [...(el as HTMLSelectElement).options].map((o) => o.value).find((v) => v.startsWith('image:')));
  expect(option).toBeDefined();
  await page.selectOption('[data-testid=smoothing-source]', option!);
  await fill('n', '500');
  await fill('max', '5');
  await fill('batchSize', '250');
  const before = (await runRows()).length;
  await page.click('[data-testid=certify]');
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  const rows = await runRows();
  expect(rows).toHaveLength(before + 1);
  expect(rows[before][1]).toBe('5 / 5');
  expect(rows[before][0]).toMatch(/done/);
  // The image run has no 2-D plane: the regions panel is not shown for it.
  expect(await page.locator('[data-testid=smoothed-regions]').count()).toBe(0);
  expect(pageErrors).toEqual([]);
});

test('certification runs are kept in the library and plotted again after a reload', async () => {
  await page.reload();
  await waitForBackend(page);
  await page.click('[data-testid=view-smoothing]');
  const items = page.locator('[data-testid=library-runs-item]').filter({ hasText: 'certify · σ 0.25' });
  await expect.poll(() => items.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const twenty = items.filter({ hasText: '20 inputs' }).first();
  expect(await twenty.textContent()).toMatch(/ACR \d\.\d{3}/);
  expect(await runRows()).toHaveLength(0);
  await twenty.locator('[data-testid=library-load-certification]').click();
  await expect.poll(async () => (await runRows()).length).toBe(1);
  expect((await runRows())[0][1]).toBe('20');
  // Plots draw in a task of their own after the next frame: wait for the curve, do not race it.
  await expect.poll(curveTraces).toBe(1);
});

/** Trains and certifies a small 2-D model on one backend; returns the speed cell and the per-input rows. */
async function certifyOn(backend: string) {
  const ctx = await browser.newContext({ viewport: { width: 1500, height: 1100 } });
  const p = await ctx.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  const small = { backend, 'data.size': '120', 'training.method': 'gaussian', 'training.sigma': '0.25', 'training.epochs': '4', 'evaluation.attack.steps': '3', 'evaluation.gridResolution': '20' };
  await p.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  expect(await waitForBackend(p)).toBe(backend);
  await p.click('[data-testid=train]');
  await p.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 180_000 });
  await p.click('[data-testid=view-smoothing]');
  await p.waitForSelector('[data-testid=smoothing-source]');
  await p.fill('[data-testid="smoothing-n"]', '2000');
  await p.fill('[data-testid="smoothing-max"]', '8');
  await p.click('[data-testid=certify]');
  await p.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 180_000 });
  const run = await p.$eval('[data-testid=certify-run]', (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
  const inputs = await p.$$eval('[data-testid=latest-inputs] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  expect(errors).toEqual([]);
  await ctx.close();
  return { run, inputs: inputs.sort((a, b) => Number(a[0]) - Number(b[0])) };
}

test('on webgl the noise is drawn by the GPU kernel and the certificates match those on wasm', async () => {
  const gl = await certifyOn('webgl');
  const wasm = await certifyOn('wasm');
  expect(gl.run[1]).toBe('8 / 8');
  expect(gl.run[10]).toMatch(/^webgl, noise on GPU/);
  expect(wasm.run[10]).toMatch(/^wasm, noise on CPU \(WASM SIMD\)/);
  // Same seed: the same noise (to float32 rounding) on a model trained the same way, so the same
  // predictions and nearly the same radii (the two trainings differ in float rounding, which moves
  // a few of the 2,000 votes).
  expect(gl.inputs.map((r) => r[2])).toEqual(wasm.inputs.map((r) => r[2]));
  gl.inputs.forEach((r, i) => expect(Math.abs(parseFloat(r[3]) - parseFloat(wasm.inputs[i][3]))).toBeLessThan(0.06));
});
