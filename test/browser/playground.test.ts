/**
 * What a user does in the playground: invalid settings are flagged and block the job; the setup
 * lives in the URL; training shows curves, regions and metrics; cancelling keeps the model of
 * the last completed epoch; a diverging loss stops with a message; configs export and import.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseExperiment } from '../../src/core/settings';
import { BASE_URL, launchBrowser } from './launch';
import { colourCounts, metricValue, regionImagePixels, waitForBackend, waitForRegionImage, workerTensors } from './page';
import { SPLIT_COLORS } from '../../src/app/plots/colors';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

/** A small, fast setup, passed in the URL (which is how a shared link reproduces a setup). */
const SMALL = { 'data.size': '200', 'training.epochs': '2', 'training.attack.steps': '3', 'evaluation.attack.steps': '5', 'evaluation.gridResolution': '60' };

/** The page's URL with the small setup and some settings changed (later keys win). */
function smallUrl(overrides: Record<string, string>): string {
  return `${BASE_URL}?${new URLSearchParams({ ...SMALL, ...overrides }).toString()}`;
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  await context?.close();
  context = await browser.newContext({ viewport: { width: 1500, height: 1100 }, acceptDownloads: true });
  page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

async function setField(path: string, value: string) {
  await page.fill(`[data-testid="field-${path}"]`, value);
}

test('invalid fields are flagged beside the field and the job does not start', async () => {
  await page.goto(BASE_URL);
  await waitForBackend(page);
  const train = page.locator('[data-testid=train]');
  await expect.poll(() => train.isEnabled()).toBe(true);
  const cases: Array<[string, string]> = [
    ['data.size', '0'],
    ['data.size', '-5'],
    ['evaluation.attack.eps', '-0.1'],
    ['training.attack.steps', '0'],
    ['training.learningRate', '0'],
    ['training.learningRate', 'NaN'],
    ['data.noise', 'abc'],
  ];
  for (const [path, bad] of cases) {
    const original = await page.inputValue(`[data-testid="field-${path}"]`);
    await setField(path, bad);
    await expect.poll(() => page.locator(`[data-testid="error-${path}"]`).count()).toBe(1);
    expect(await train.isDisabled()).toBe(true);
    await setField(path, original);
    await expect.poll(() => page.locator(`[data-testid="error-${path}"]`).count()).toBe(0);
  }
  expect(await train.isEnabled()).toBe(true);
  await setField('evaluation.attack.steps', '0');
  expect(await page.locator('[data-testid="error-evaluation.attack.steps"]').textContent()).toMatch(/between 1 and 1000/);
  expect(await train.isDisabled()).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('the setup lives in the URL: a copied link reproduces it', async () => {
  await page.goto(BASE_URL);
  await waitForBackend(page);
  await page.selectOption('[data-testid="field-training.method"]', 'era');
  await page.selectOption('[data-testid="field-data.kind"]', 'moons');
  await setField('seed', '42');
  await setField('training.eraBeta', '0.5');
  const url = await page.evaluate(() => window.location.href);
  expect(url).toContain('training.method=era');
  expect(url).toContain('data.kind=moons');
  expect(url).toContain('seed=42');
  const other = await context.newPage();
  await other.goto(url);
  await waitForBackend(other);
  expect(await other.inputValue('[data-testid="field-training.method"]')).toBe('era');
  expect(await other.inputValue('[data-testid="field-data.kind"]')).toBe('moons');
  expect(await other.inputValue('[data-testid="field-seed"]')).toBe('42');
  expect(await other.inputValue('[data-testid="field-training.eraBeta"]')).toBe('0.5');
  await other.close();
});

test('training draws regions and curves live, then the attack fills the metrics; tensors are released', async () => {
  await page.goto(smallUrl({ 'training.method': 'trades' }));
  await waitForBackend(page);
  const before = await workerTensors(page);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=metrics] [data-testid=split-table]', { timeout: 90_000 });
  await waitForRegionImage(page, '[data-testid=regions-plot]');
  expect((await regionImagePixels(page, '[data-testid=regions-plot]'))?.width).toBe(60); // gridResolution
  // The curves are drawn on the plot's canvas: its marker layers hold the epochs drawn.
  const lossPoints = async () => Math.max(0, ...(await page.$eval('[data-testid=loss-plot-points]', (el) => ((el as unknown as { pointLayers?: Array<{ x: ArrayLike<number> }> }).pointLayers ?? []).map((t) => t.x.length))));
  await expect.poll(lossPoints).toBe(2); // two epochs
  const natural = await metricValue(page, '[data-testid=metric-natural]');
  const robust = await metricValue(page, '[data-testid=metric-robust]');
  expect(natural).toBeGreaterThan(60);
  expect(robust).toBeLessThanOrEqual(natural);
  // The robustness view: points coloured by category, arrows for non-robust points.
  // Dense point sets are canvas layers (plotly never redraws for them); the legend lists them.
  const traceNames = () => page.$eval('[data-testid=regions-plot-points]', (el) => ((el as unknown as { pointLayers?: Array<{ name: string }> }).pointLayers ?? []).map((t) => t.name));
  await expect.poll(async () => (await traceNames()).some((n) => n.startsWith('robust & accurate'))).toBe(true);
  // The legend is HTML under the plot: a click hides the entry's points (its group), another shows them again.
  const entry = page.locator('.plot-box:has([data-testid=regions-plot]) .legend-entry', { hasText: /^robust & accurate/ });
  const visibility = () => page.$eval('[data-testid=regions-plot-points]', (el) => !(el as unknown as { hiddenKeys?: Set<string> }).hiddenKeys?.has('robust & accurate'));
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached' });
  await page.waitForTimeout(500);
  await page.$eval('[data-testid=regions-plot]', (el) => {
    const gd = el as unknown as { on: (event: string, fn: () => void) => void; afterplots?: number };
    gd.afterplots = 0;
    gd.on('plotly_afterplot', () => void (gd.afterplots = (gd.afterplots ?? 0) + 1));
  });
  const redraws = () => page.$eval('[data-testid=regions-plot]', (el) => (el as unknown as { afterplots?: number }).afterplots ?? 0);
  const drawsBefore = await redraws();
  await entry.click();
  expect(await entry.getAttribute('aria-pressed')).toBe('false');
  await expect.poll(visibility).toBe(false);
  await entry.click();
  await expect.poll(visibility).toBe(true);
  // Hiding and showing a point set redrew the canvas alone, never the plotly plot.
  expect(await redraws()).toBe(drawsBefore);
  // Grid robustness on request.
  await page.click('[data-testid=grid-split]');
  await page.waitForSelector('[data-testid=grid-split-summary]', { timeout: 90_000 });
  // The summary gives all four shares of the split, and they add up to 100%.
  const summary = (await page.textContent('[data-testid=grid-split-summary]')) ?? '';
  const shares = ['robust & accurate', 'robust & inaccurate', 'non-robust & accurate', 'non-robust & inaccurate'].map((label) => {
    const m = new RegExp(`(?:^|, |: )${label} ([0-9.]+)%`).exec(summary);
    expect(m, `${label} in "${summary}"`).not.toBeNull();
    return Number(m![1]);
  });
  expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.5);
  // The plane is painted by the split, and each of its four colours has a legend entry with its share.
  const legendNames = () => page.$$eval('.plot-box:has([data-testid=regions-plot]) .legend-entry', (els) => els.map((e) => (e.textContent ?? '').trim()));
  await expect.poll(async () => (await legendNames()).filter((n) => n.startsWith('grid: ')).length).toBe(4);
  const splitOnly = async () => [...colourCounts((await regionImagePixels(page, '[data-testid=regions-plot]'))!).keys()].every((c) => Object.values(SPLIT_COLORS).includes(c));
  await expect.poll(splitOnly).toBe(true);
  // One stored model (10 weight tensors); every job released its own tensors.
  expect((await workerTensors(page)) - before).toBe(10);
  expect(pageErrors).toEqual([]);
});

test('cancelling mid-training keeps the model of the last completed epoch', async () => {
  await page.goto(smallUrl({ 'training.method': 'trades', 'training.epochs': '1000' }));
  await waitForBackend(page);
  await page.click('[data-testid=train]');
  // Wait until at least one epoch completed, then cancel.
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=loss-plot-points]') as unknown as { pointLayers?: Array<{ x: ArrayLike<number> }> } | null;
    return !!el?.pointLayers?.some((t) => t.x.length >= 1);
  }, undefined, { timeout: 60_000 });
  await page.click('[data-testid=cancel-job]');
  const msg = page.locator('[data-testid=message-info]').filter({ hasText: 'Cancelled during epoch' });
  await msg.waitFor({ timeout: 30_000 });
  const text = (await msg.textContent()) ?? '';
  const kept = Number(/end of epoch (\d+)/.exec(text)?.[1]);
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(1000);
  const models = (await page.evaluate(() => (window as unknown as { __workbench: { listModels(): Promise<Array<{ epochsCompleted: number }>> } }).__workbench.listModels())) as Array<{ epochsCompleted: number }>;
  expect(models).toHaveLength(1);
  expect(models[0].epochsCompleted).toBe(kept);
  // The job row leaves when the worker call settles, which can be a frame after the message.
  await expect.poll(() => page.locator('[data-testid=job]').count()).toBe(0);
});

test('a diverging loss stops training with a message', async () => {
  await page.goto(smallUrl({ 'training.method': 'standard', 'training.learningRate': '10', 'training.optimizer': 'sgd', 'training.momentum': '0.99', 'training.epochs': '30' }));
  await waitForBackend(page);
  await page.click('[data-testid=train]');
  const err = page.locator('[data-testid=message-error]').filter({ hasText: 'loss became' });
  await err.waitFor({ timeout: 60_000 });
  expect(await err.textContent()).toMatch(/(NaN|Infinity)/);
  expect(await page.locator('[data-testid=train]').isEnabled()).toBe(true);
});

test('the setup exports as the CLI config and imports back; a malformed file changes nothing', async () => {
  await page.goto(`${BASE_URL}?data.kind=circles&seed=9&training.method=pgd-at`);
  await waitForBackend(page);
  // Sharing, export and import live in the header's Setup menu.
  await page.click('[data-testid=setup-menu] > summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-config]')]);
  const file = await download.path();
  const config = parseExperiment(readFileSync(file!, 'utf8'));
  expect(config.data.kind).toBe('circles');
  expect(config.seed).toBe(9);
  expect(config.training.method).toBe('pgd-at');

  // Import a changed config.
  const changed = { ...config, seed: 123, data: { ...config.data, kind: 'xor' } };
  await page.setInputFiles('[data-testid=import-config-file]', { name: 'exp.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(changed)) });
  await expect.poll(() => page.inputValue('[data-testid="field-seed"]')).toBe('123');
  expect(await page.inputValue('[data-testid="field-data.kind"]')).toBe('xor');

  // A malformed one: an error message, and the settings stay as they were.
  await page.setInputFiles('[data-testid=import-config-file]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"data": {"size": -3}, "nope": 1}') });
  await page.locator('[data-testid=message-error]').filter({ hasText: 'Could not load bad.json' }).waitFor();
  expect(await page.inputValue('[data-testid="field-seed"]')).toBe('123');
  expect(await page.inputValue('[data-testid="field-data.size"]')).not.toBe('-3');
  // One over the size limit is refused before it is read, naming the file, its size and the limit.
  await page.setInputFiles('[data-testid=import-config-file]', { name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(17 * 2 ** 20, 32) });
  await page.locator('[data-testid=message-error]').filter({ hasText: /huge\.json is 17\.8 MB; the workbench reads config files up to 16\.8 MB\. Nothing was changed\./ }).waitFor();
  expect(await page.inputValue('[data-testid="field-seed"]')).toBe('123');
});

test('?backend=cpu forces the CPU backend and the badge says so', async () => {
  await page.goto(`${BASE_URL}?backend=cpu`);
  expect(await waitForBackend(page)).toBe('cpu');
});
