/**
 * The Rectified Rejection view (paper 000) as a user drives it: train an RR model in the
 * playground, evaluate its rejectors under attack, read the R-Con vs confidence scatter with
 * Theorem 1's lines, move the ξ and τ sliders, and find the metrics, curves and the R-Con map.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { colourCounts, regionImagePixels, waitForBackend, waitForRegionImage, workerTensors } from './page';

let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  page.on('pageerror', (e) => errors.push(e.message));
  const small = { 'data.size': '200', 'training.method': 'rr-pgd-at', 'training.epochs': '6', 'training.attack.steps': '3', 'evaluation.attack.steps': '3', 'evaluation.gridResolution': '30' };
  await page.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid="field-training.rr.lambda"]');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 180_000 });
  await page.click('[data-testid=view-rejection]');
  await page.waitForSelector('[data-testid=rr-source]');
});
afterAll(async () => {
  await browser?.close();
});

const shapesX = () => page.$eval('[data-testid=rr-scatter-plot]', (el) => ((el as unknown as { layout: { shapes: Array<{ x0: number }> } }).layout.shapes ?? []).map((s) => s.x0));
const metricRows = () => page.$$eval('[data-testid=rr-metric]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

test('bad settings are refused', async () => {
  await page.fill('[data-testid="rr-tpr"]', '1.5');
  await expect.poll(() => page.textContent('[data-testid=rr-problems]')).toMatch(/tpr/);
  expect(await page.isDisabled('[data-testid=rr-evaluate]')).toBe(true);
  await page.fill('[data-testid="rr-tpr"]', '0.95');
  await expect.poll(() => page.isEnabled('[data-testid=rr-evaluate]')).toBe(true);
});

test('evaluating fills the scatter, the table, the curves and the map; the sliders re-read live', async () => {
  const tensors = await workerTensors(page);
  await page.click('[data-testid=rr-evaluate]');
  await page.waitForSelector('[data-testid=rr-scatter-plot]', { timeout: 180_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 180_000 });
  // Clean, PGD l_inf at two eps, PGD l_2, one adaptive set; three scores each (confidence, R-Con, energy).
  const rows = await metricRows();
  expect(rows).toHaveLength(15);
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['Confidence', 'R-Con', 'Energy']));
  for (const r of rows) {
    const acc = parseFloat(r[2]);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(100);
  }
  // The adaptive attack read R-Con at the model's training τ (the default of "R-Con in the attack"), and its label says so.
  expect(await page.inputValue('[data-testid=rr-attack-tau]')).toBe('model');
  expect(rows.filter((r) => /^Adaptive .* · R-Con at τ=1$/.test(r[0]))).toHaveLength(3);
  const cleanAcc = parseFloat(rows[0][2]);
  const pgd2 = rows.find((r) => /PGD-10 l_inf 0\.2/.test(r[0]))!;
  expect(parseFloat(pgd2[2])).toBeLessThanOrEqual(cleanAcc);
  // Each rejector as deployed: one row per score and threat model (l∞ 0.1 with PGD and the adaptive
  // attack, l∞ 0.2, l₂ 0.2), robust accuracy at most the clean accuracy, with the definitions shown.
  await page.waitForSelector('[data-testid=rr-footing-table]');
  const footingRows = await page.$$eval('[data-testid=rr-footing-table] tbody tr', (trs) => trs.length);
  expect(footingRows).toBe(9);
  const cell = (id: string) => page.$eval(`[data-testid=${id}]`, (td) => parseFloat(td.textContent ?? ''));
  expect(await cell('rr-footing-rcon-robustAccuracy')).toBeLessThanOrEqual(await cell('rr-footing-rcon-cleanAccuracy'));
  expect(await page.textContent('[data-testid=rr-footing-table] thead')).toMatch(/robust error \(abstain = success\)/);
  expect(await page.isVisible('[data-testid=rr-footing-definitions]')).toBe(true);
  // Every point lies under the diagonal: R-Con = Con · A ≤ Con.
  // The markers are drawn on the canvas over the plot; it holds the layers it drew.
  const scatter = () => page.$eval('[data-testid=rr-scatter-plot-points]', (el) => ((el as unknown as { pointLayers?: Array<{ x: number[]; y: number[] }> }).pointLayers ?? []).flatMap((t) => Array.from(t.x, (x, i) => [x, t.y[i]])));
  await expect.poll(async () => (await scatter()).length).toBeGreaterThan(40);
  const points = await scatter();
  for (const [x, y] of points) expect(y).toBeLessThanOrEqual(x + 1e-6);
  // ξ moves the stage-1 line to 1/(2 − ξ).
  await page.fill('[data-testid=rr-xi]', '0.5');
  await expect.poll(async () => (await shapesX())[1]).toBeCloseTo(1 / 1.5, 6);
  // τ re-reads confidence: a lower temperature raises it, so more inputs pass stage 1.
  const passBefore = await page.$$eval('[data-testid=rr-coupled] tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent)));
  await page.fill('[data-testid=rr-temperature]', '-3');
  await expect.poll(async () => (await page.$$eval('[data-testid=rr-coupled] tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent))))[0]).toBeGreaterThanOrEqual(passBefore[0]);
  // ROC curves need both correct and wrong inputs: show a set whose accuracy is strictly between 0 and 100%.
  const mixed = rows.find((r) => parseFloat(r[2]) > 0 && parseFloat(r[2]) < 100);
  expect(mixed, 'some set has both correct and wrong inputs').toBeDefined();
  await page.selectOption('[data-testid=rr-curve-set]', { label: mixed![0] });
  await page.waitForSelector('[data-testid=rr-roc-plot]');
  const roc = () => page.$eval('[data-testid=rr-roc-plot]', (el) => ((el as unknown as { data?: Array<{ name: string }> }).data ?? []).map((t) => t.name));
  await expect.poll(async () => (await roc()).some((n) => /^R-Con \(AUC 0\.\d{3}|^R-Con \(AUC 1\.000/.test(n))).toBe(true);
  expect(await page.isVisible('[data-testid=rr-coverage-plot]')).toBe(true);
  // R-Con over the plane: an image of the grid in the diverging scale, and the level line R-Con = 1/2.
  await waitForRegionImage(page, '[data-testid=rr-map-plot]');
  const pixels = (await regionImagePixels(page, '[data-testid=rr-map-plot]'))!;
  expect(pixels.width).toBe(pixels.height);
  const colours = colourCounts(pixels);
  expect(colours.size).toBeGreaterThan(10); // a continuous scale, not a few flat classes
  const level = await page.$eval('[data-testid=rr-map-plot-points]', (el) => Array.from((el as unknown as { lineLayers?: Array<{ name: string; x: ArrayLike<number | null> }> }).lineLayers?.find((t) => t.name === 'R-Con = 1/2')?.x ?? []));
  expect(level.filter((v) => v !== null).length).toBeGreaterThan(4); // the rejector switches somewhere in the plane
  expect(await workerTensors(page)).toBe(tensors);
  await page.screenshot({ path: 'test-results/rectified-rejection.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('the preset "Coupled rejection — paper 000, Figure 1" trains, evaluates and shows its PGD-10 examples', async () => {
  await page.click('[data-testid=rr-preset-run]');
  await page.waitForFunction(() => /Pang et al\., Fig\. 1/.test(document.querySelector('[data-testid=rr-metrics]')?.textContent ?? ''), undefined, { timeout: 240_000 });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  // Plots redraw a moment after their data changes (paced by their cost): poll.
  const names = () => page.$$eval('.plot-box:has([data-testid=rr-scatter-plot]) .legend-entry', (els) => els.map((e) => (e.textContent ?? '').trim()));
  await expect.poll(async () => (await names()).every((n) => /^PGD-10 l_inf 0\.1, (correct|wrong)/.test(n))).toBe(true);
  expect((await shapesX())[1]).toBeCloseTo(1 / 1.8, 6);
  const rows = await metricRows();
  expect(rows.length).toBeGreaterThanOrEqual(12);
  expect(parseFloat(rows[0][2])).toBeGreaterThan(90); // clean accuracy of the preset's model
  expect(errors).toEqual([]);
}, 300_000);
