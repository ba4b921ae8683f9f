/**
 * The Arena view as a user drives it: a bad setting is named and blocks the run; a small arena
 * over all ten families fills the table row by row with the six measures and their intervals,
 * the definitions, both plots and the decision regions; the CSV, the JSON and the config download
 * agree with the table; the worker's tensor count is unchanged; a cancel keeps the finished rows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend, workerTensors } from './page';

let browser: Browser;
let page: Page;
const errors: string[] = [];

const jobsIdle = () => page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 180_000 });
const runsEnded = async () => Number(await page.getAttribute('[data-testid=arena-view]', 'data-runs'));
/** Clicks Run and waits until that run has ended (the view counts ended runs: rows of an earlier run may still be shown at first). */
async function runToEnd(): Promise<void> {
  const before = await runsEnded();
  await page.click('[data-testid=arena-run]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=arena-view]')?.getAttribute('data-runs')) > n, before, { timeout: 180_000 });
  await jobsIdle();
}
const rowCells = () =>
  page.$$eval('[data-testid=arena-table] [data-testid=arena-row]', (trs) => trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [td.dataset.col ?? String(i), td.textContent ?? '']))));

const SMALL: Array<[string, string]> = [
  ['data-size', '200'],
  ['budget-epochs', '3'],
  ['budget-trainingAttackSteps', '3'],
  ['budget-attackSteps', '5'],
  ['smoothing-predictSamples', '200'],
  ['smoothing-certifyN', '1000'],
];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 1100 }, acceptDownloads: true });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${BASE_URL}?view=arena`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid=arena-view]');
});
afterAll(async () => {
  await browser?.close();
});

test('a bad setting is named under its field and blocks the run', async () => {
  await page.fill('[data-testid=arena-threat-eps]', '-1');
  await expect.poll(() => page.textContent('[data-testid=arena-error-threat-eps]')).toMatch(/eps must be > 0 and ≤ 10 \(got -1\)/);
  expect(await page.isDisabled('[data-testid=arena-run]')).toBe(true);
  await page.fill('[data-testid=arena-threat-eps]', '0.1');
  for (const f of ['standard', 'pgd-at', 'trades', 'era-selector', 'rr', 'gaussian', 'cat-rs', 'sample-rejection', 'ibp-m1', 'ibp-m3']) await page.uncheck(`[data-testid=arena-family-${f}]`);
  await expect.poll(() => page.textContent('[data-testid=arena-error-families]')).toMatch(/must be a non-empty list/);
  expect(await page.isDisabled('[data-testid=arena-run]')).toBe(true);
  for (const f of ['standard', 'pgd-at', 'trades', 'era-selector', 'rr', 'gaussian', 'cat-rs', 'sample-rejection', 'ibp-m1', 'ibp-m3']) await page.check(`[data-testid=arena-family-${f}]`);
  await expect.poll(() => page.isEnabled('[data-testid=arena-run]')).toBe(true);
});

test('a small arena fills the table, the definitions, both plots and the regions; the downloads agree with it', async () => {
  for (const [field, value] of SMALL) await page.fill(`[data-testid=arena-${field}]`, value);
  const tensors = await workerTensors(page);
  await runToEnd();
  const rows = await rowCells();
  expect(rows).toHaveLength(10);
  const share = (text: string) => Number(/^([\d.]+)%/.exec(text)![1]) / 100;
  for (const r of rows) {
    for (const m of ['cleanAccuracy', 'cleanAbstention', 'acceptedAccuracy', 'robustAccuracy', 'robustInaccuracy', 'robustErrorAbstainSuccess']) {
      // Accuracy on accepted inputs is undefined where a model declined every clean input.
      expect(r[m], `${r.family} ${m}`).toMatch(m === 'acceptedAccuracy' && share(r.cleanAbstention) === 1 ? /^— \(no input\)$/ : /^\d+\.\d% \[\d+\.\d%, \d+\.\d%\]$/);
    }
    // Robust and accurate is a part of accurate.
    expect(share(r.robustAccuracy)).toBeLessThanOrEqual(share(r.cleanAccuracy));
  }
  expect(rows[0].family).toMatch(/^Standard training/);
  expect(share(rows[0].cleanAbstention)).toBe(0);
  expect(rows[4].guarantees).toMatch(/No certificate/);
  expect(rows[5].guarantees).toMatch(/certified \(l2 radius ≥ eps·√2\): \d/);
  expect(rows[7].family).toMatch(/^Denoised smoothing \+ sample rejection/);
  expect(rows[7].guarantees).toMatch(/certified \(l2 radius ≥ eps·√2\): \d/);
  expect(rows[8].paper).toMatch(/verified error, abstain = success \(IBP\)/);
  const definitions = await page.textContent('[data-testid=arena-definitions]');
  expect(definitions).toMatch(/robust inaccuracy.*wrong answer no attack could move/);
  expect(definitions).toMatch(/an attack that only causes an abstention fails/);
  expect(await page.$$eval('[data-testid=arena-tradeoff-plot] .scatterlayer .trace', (t) => t.length)).toBe(10);
  // Confidence for the three plain models, R-Con, and the three smoothed classifiers' vote shares.
  expect(await page.$$eval('[data-testid=arena-coverage-plot] .scatterlayer .trace', (t) => t.length)).toBe(7);
  const abstainShares = await page.$$eval('[data-testid=arena-regions] canvas', (cs) => cs.map((c) => Number(c.getAttribute('data-abstain-share'))));
  expect(abstainShares).toHaveLength(10);
  expect(abstainShares[0]).toBe(0); // standard training never abstains
  expect(Math.max(...abstainShares)).toBeGreaterThan(0); // some family abstains somewhere on the plane
  expect(await workerTensors(page)).toBe(tensors);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=arena-download-csv]')]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(11);
  const header = lines[0].split(',');
  const standard = lines[1].split(',');
  expect(standard[0]).toBe('standard');
  expect(Number(standard[header.indexOf('robustAccuracy')])).toBeCloseTo(share(rows[0].robustAccuracy), 3);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=arena-download-json]')]);
  const result = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(result.complete).toBe(true);
  expect(result.rows).toHaveLength(10);
  expect(result.labels).toHaveLength(40);
  const [cfg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=arena-download-config]')]);
  const config = JSON.parse(readFileSync((await cfg.path())!, 'utf8'));
  expect(config).toMatchObject({ version: 1, data: { size: 200 }, budget: { epochs: 3, attackSteps: 5 }, threat: { norm: 'linf', eps: 0.1 } });
  expect(config).toEqual(result.config);

  const [md] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=arena-download-report]')]);
  const report = readFileSync((await md.path())!, 'utf8');
  expect(report.startsWith('# Abstain arena report')).toBe(true);
  const tableLines = report.split('\n').filter((l) => l.startsWith('| '));
  expect(tableLines).toHaveLength(2 + 10);
  expect(tableLines[2]).toContain(rows[0].robustAccuracy);
  // Two plots as PNG and SVG, and the ten families' regions as PNG, all embedded.
  expect(report.match(/\(data:image\/png;base64,[A-Za-z0-9+/=]{100,}\)/g)).toHaveLength(2 + 10);
  expect(report.match(/\(data:image\/svg\+xml,/g)).toHaveLength(2);
  const block = /```json\n([\s\S]*?)\n```/.exec(report)![1];
  expect(JSON.parse(block)).toEqual(result.config);
  expect(report).toMatch(/npm run cli -- arena arena-config\.json/);
  expect(report).toMatch(/- tfjs: \d+\.\d+\.\d+/);
});

test('kept models are reused from the library: the same table, the rows say where the model came from', async () => {
  // Two families, small: keep them, then run again and reuse them.
  for (const f of ['pgd-at', 'era-selector', 'rr', 'gaussian', 'cat-rs', 'sample-rejection', 'ibp-m1', 'ibp-m3']) await page.uncheck(`[data-testid=arena-family-${f}]`);
  await page.check('[data-testid=arena-library-keep]');
  await runToEnd();
  const first = await rowCells();
  expect(first.map((r) => r.family)).toEqual([expect.stringMatching(/^Standard training/), expect.stringMatching(/^TRADES/)]);
  expect(first[1].family).not.toMatch(/taken from the library/);
  await page.uncheck('[data-testid=arena-library-keep]');
  await runToEnd();
  const second = await rowCells();
  expect(second[1].family).toMatch(/taken from the library \(“Arena · TRADES · gaussians3, seed 1”\)/);
  for (const m of ['cleanAccuracy', 'robustAccuracy', 'robustInaccuracy', 'robustErrorAbstainSuccess']) expect(second.map((r) => r[m])).toEqual(first.map((r) => r[m]));
  for (const f of ['pgd-at', 'era-selector', 'rr', 'gaussian', 'cat-rs', 'sample-rejection', 'ibp-m1', 'ibp-m3']) await page.check(`[data-testid=arena-family-${f}]`);
});

test('cancelling keeps the families already finished', async () => {
  await page.fill('[data-testid=arena-budget-epochs]', '30');
  await page.click('[data-testid=arena-run]');
  // The earlier run's rows go first; then wait for a row of this run.
  await page.waitForSelector('[data-testid=arena-empty]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=arena-row]', { timeout: 60_000 });
  await page.click('[data-testid=cancel-job]');
  await jobsIdle();
  await expect.poll(() => page.textContent('.messages')).toMatch(/Abstain arena.*: cancelled/);
  const rows = await rowCells();
  expect(rows.length).toBeGreaterThanOrEqual(1);
  expect(rows.length).toBeLessThan(9);
  expect(errors).toEqual([]);
});

test('on images: the shipped Fashion-MNIST subset, a CNN per family, no regions, CROWN saying why it has no figure, and kept models reused only on the same records', async () => {
  await page.selectOption('[data-testid=arena-source]', 'images');
  await expect.poll(() => page.inputValue('[data-testid=arena-threat-eps]')).toBe('8/255');
  // Sample rejection's denoiser on every noisy copy is too slow for a default image arena: off, and said why when ticked.
  expect(await page.isChecked('[data-testid=arena-family-sample-rejection]')).toBe(false);
  await page.check('[data-testid=arena-family-sample-rejection]');
  await expect.poll(() => page.textContent('[data-testid=arena-slow-sample-rejection]')).toMatch(/Slow on images/);
  await expect.poll(() => page.textContent('[data-testid=arena-image-dataset]')).toMatch(/No image data set is loaded/);
  await page.click('[data-testid=arena-load-subset]');
  await expect.poll(() => page.textContent('[data-testid=arena-image-dataset]'), { timeout: 60_000 }).toMatch(/Fashion-MNIST.*2000 training, 500 test records of 28 × 28 × 1, 10 classes/);
  for (const [field, value] of [['images-trainLimit', '100'], ['count', '20'], ['budget-epochs', '1'], ['budget-attackSteps', '3'], ['smoothing-predictSamples', '50'], ['smoothing-certifyN', '200']]) await page.fill(`[data-testid=arena-${field}]`, value);
  for (const f of ['pgd-at', 'trades', 'era-selector', 'rr', 'cat-rs', 'sample-rejection', 'ibp-m3']) await page.uncheck(`[data-testid=arena-family-${f}]`);
  await page.check('[data-testid=arena-library-keep]');
  const tensors = await workerTensors(page);
  await runToEnd();
  const rows = await rowCells();
  expect(rows).toHaveLength(3);
  expect(rows[0].family).toMatch(/^Standard training/);
  expect(rows[1].family).toMatch(/^Gaussian augmentation, smoothed/);
  expect(rows[2].family).toMatch(/^IBP, one abstain class/);
  expect(rows[0].guarantees).toMatch(/CROWN bounds MLPs only/);
  expect(rows[1].guarantees).toMatch(/certified \(l2 radius ≥ eps·√784\)/);
  expect(await page.$$('[data-testid=arena-regions] canvas')).toHaveLength(0);
  expect(await workerTensors(page)).toBe(tensors);
  expect(rows.some((r) => /taken from the library/.test(r.family))).toBe(false);

  // The kept image models stand in for training on the same records: the same table.
  await page.uncheck('[data-testid=arena-library-keep]');
  await runToEnd();
  const again = await rowCells();
  expect(again[0].family).toMatch(/taken from the library \(“Arena · Standard training · Fashion-MNIST.*, seed 1”\)/);
  expect(again[2].family).toMatch(/taken from the library \(“Arena · IBP, one abstain class · Fashion-MNIST.*”\)/);
  for (const m of ['cleanAccuracy', 'robustAccuracy', 'robustInaccuracy', 'robustErrorAbstainSuccess', 'guarantees']) expect(again.map((r) => r[m])).toEqual(rows.map((r) => r[m]));
  // Fewer training images are other records: every family trains again.
  await page.fill('[data-testid=arena-images-trainLimit]', '50');
  await runToEnd();
  expect((await rowCells()).some((r) => /taken from the library/.test(r.family))).toBe(false);
  expect(await workerTensors(page)).toBe(tensors);
  expect(errors).toEqual([]);
});
