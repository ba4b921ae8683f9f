/**
 * The preset "Robust inaccuracy — paper 001, Figure 1", run at a small size in the built page:
 * three decision-region panels with metrics, the composition, the backend badge, no leaked
 * tensors in the worker. Keeps a screenshot in test-results/.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { metricValue, plotTraceTypes, waitForBackend, waitForRegionImage, workerTensors } from './page';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
});
afterAll(async () => {
  await browser?.close();
});

test('the Figure 1 preset trains three models and shows their regions, metrics and composition', async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${BASE_URL}?view=figure1`);
  const backend = await waitForBackend(page);
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
  const before = await workerTensors(page);

  await page.fill('[data-testid=preset-size]', '240');
  await page.fill('[data-testid=preset-epochs]', '3');
  await page.click('[data-testid=run-preset]');
  await page.waitForSelector('[data-testid=composition-result]', { timeout: 110_000 });

  for (const m of ['standard', 'trades', 'era']) {
    const panel = `[data-testid=fig1-panel-${m}]`;
    // Decision regions (an image of the grid) and point sets in each panel: marker sets are drawn
    // on the canvas over the plot, the rest (outlines, arrows) by plotly.
    await waitForRegionImage(page, `[data-testid=fig1-plot-${m}]`);
    const types = await plotTraceTypes(page, `[data-testid=fig1-plot-${m}]`);
    const layers = await page.$eval(`[data-testid=fig1-plot-${m}-points]`, (el) => ((el as unknown as { pointLayers?: unknown[] }).pointLayers ?? []).length);
    expect(layers).toBeGreaterThanOrEqual(3);
    expect(types.filter((t) => t === 'scatter').length + layers).toBeGreaterThanOrEqual(4);
    const natural = await metricValue(page, `${panel} [data-testid=metric-natural]`);
    const robust = await metricValue(page, `${panel} [data-testid=metric-robust]`);
    const inacc = await metricValue(page, `${panel} [data-testid=metric-robust-inacc]`);
    // Three well-separated Gaussians: any of the three methods gets most points right.
    expect(natural).toBeGreaterThan(75);
    expect(natural).toBeLessThanOrEqual(100);
    expect(robust).toBeLessThanOrEqual(natural);
    expect(robust).toBeGreaterThan(40);
    expect(inacc).toBeLessThanOrEqual(100 - natural + 1e-9);
    const cells = await page.$$eval(`${panel} [data-testid^=split-]`, (els) => els.map((e) => parseFloat(e.textContent ?? '')));
    const cellsOnly = cells.filter((v) => Number.isFinite(v));
    expect(cellsOnly).toHaveLength(4);
    expect(cellsOnly.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  }
  const composedNatural = await metricValue(page, '[data-testid=composed-natural]');
  expect(composedNatural).toBeGreaterThan(75);
  // The authors' robust accuracy of H sits next to the lower bound, never below it, with its definition shown.
  const composedRobust = await metricValue(page, '[data-testid=composed-robust]');
  const authors = await metricValue(page, '[data-testid=composed-robust-authors]');
  expect(authors).toBeGreaterThanOrEqual(composedRobust - 1e-9);
  expect(authors).toBeLessThanOrEqual(100);
  expect(await page.isVisible('[data-testid=composed-authors-definition]')).toBe(true);

  // Jobs leave the worker's tensor count where they found it (the three stored models aside).
  const models = await page.evaluate(() => (window as unknown as { __workbench: { listModels(): Promise<unknown[]> } }).__workbench.listModels());
  expect(models).toHaveLength(3);
  const after = await workerTensors(page);
  // Each stored 4x64 MLP holds 10 weight tensors.
  expect(after - before).toBe(30);
  expect(errors).toEqual([]);

  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/figure1-preset.png', fullPage: true });
});
