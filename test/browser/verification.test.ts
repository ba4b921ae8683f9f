/**
 * The Verification view (paper 004) as a user drives it: train an IBP model with M = 2 abstain
 * classes in the playground (its abstain outputs get hues of their own), verify it with IBP and
 * CROWN, read the table and the eps-boxes, cancel a long verification, run PGD with the abstain
 * rule, be refused bad settings, and run the preset "Multiple abstain classes — paper 004".
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { TINY_IMAGE_SETTINGS, outlineCounts, trainImageModel, waitForBackend, waitForRegionImage, workerTensors } from './page';

let browser: Browser;
let page: Page;
const errors: string[] = [];

const jobsIdle = () => page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
const cells = (table: string, row: string) =>
  page.$$eval(`[data-testid=${table}] [data-testid=${row}]`, (trs) => trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [td.dataset.col ?? String(i), td.textContent ?? '']))));

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  page.on('pageerror', (e) => errors.push(e.message));
  const small = {
    'data.size': '300', 'model.depth': '2', 'model.width': '32', 'training.method': 'ibp', 'training.optimizer': 'adam', 'training.learningRate': '0.01',
    'training.epochs': '8', 'training.batchSize': '20', 'training.attack.eps': '0.15', 'training.ibp.abstainClasses': '2',
    'evaluation.attack.kind': 'pgd', 'evaluation.attack.steps': '3', 'evaluation.gridResolution': '40',
  };
  await page.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid="field-training.ibp.abstainClasses"]');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=jobs]:not([hidden])', { state: 'attached' });
  await jobsIdle();
});
afterAll(async () => {
  await browser?.close();
});

test('the IBP fields show for the IBP method, and abstain outputs get their own hues in the decision regions', async () => {
  for (const f of ['warmup', 'ramp', 'kappaEnd', 'lambdaEnd', 'regulariserMu', 'regulariserThreshold', 'iterations']) {
    expect(await page.isVisible(`[data-testid="field-training.ibp.${f}"]`), f).toBe(true);
  }
  // The regions are painted (their colours per output are checked in test/unit/region-image.test.ts).
  await waitForRegionImage(page, '[data-testid=regions-plot]');
  await page.click('[data-testid=view-verify]');
  await expect.poll(() => page.textContent('[data-testid=verify-info]'), { timeout: 20_000 }).toMatch(/K = 3 regular classes, M = 2 abstain classes \(5 outputs\); 60 test inputs/);
  expect(new URL(page.url()).searchParams.get('view')).toBe('verify');
});

test('bad settings flag the field and disable the buttons', async () => {
  for (const [field, bad] of [['eps', '-0.1'], ['eps', 'abc'], ['iterations', '5000'], ['steps', '0']]) {
    await page.fill(`[data-testid=verify-${field}]`, bad);
    await page.waitForSelector(`[data-testid=verify-error-${field}]`);
    expect(await page.isDisabled('[data-testid=verify-run]'), `${field} = ${bad}`).toBe(true);
    expect(await page.isDisabled('[data-testid=verify-pgd]'), `${field} = ${bad}`).toBe(true);
    await page.fill(`[data-testid=verify-${field}]`, field === 'iterations' ? '100' : field === 'steps' ? '10' : '0.15');
  }
  await expect.poll(() => page.isEnabled('[data-testid=verify-run]')).toBe(true);
});

test('verifying fills the table with IBP and CROWN side by side, and the eps-boxes plot', async () => {
  const tensors = await workerTensors(page);
  await page.selectOption('[data-testid=verify-bound]', 'both');
  await page.click('[data-testid=verify-run]');
  await page.waitForSelector('[data-testid=verify-row]', { timeout: 60_000 });
  await jobsIdle();
  const [row] = await cells('verify-table', 'verify-row');
  const standard = Number(row.standard);
  const ibp = Number(row['verified-ibp']);
  const crown = Number(row['verified-crown']);
  for (const v of [standard, ibp, crown, Number(row['abstain-clean'])]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  expect(ibp).toBeGreaterThanOrEqual(standard);
  expect(crown).toBeGreaterThanOrEqual(standard);
  expect(standard).toBeLessThan(0.2); // the model learned the three Gaussians
  expect(Number(row['3'])).toBe(60); // inputs
  // One box per verified input; the green ones are the verified inputs of the chosen bound.
  // Boxes per legend entry: 'verified (k)' and 'not verified (n − k)'.
  const boxes = async () => {
    const counts = await outlineCounts(page, '[data-testid=verify-boxes-plot]');
    const of = (re: RegExp) => Object.entries(counts).filter(([name]) => re.test(name)).reduce((n, [, c]) => n + c, 0);
    return { verified: of(/^verified \(/), not: of(/^not verified \(/) };
  };
  await page.waitForSelector('[data-testid=verify-boxes-plot]');
  // 30 of the 60 boxes by default (evenly spread), all on request.
  await expect.poll(async () => { const b = await boxes(); return b.verified + b.not; }).toBe(30);
  expect(await page.textContent('[data-testid=verify-boxes-caption]')).toMatch(/showing 30 of 60/);
  await page.check('[data-testid=verify-boxes-all]');
  await expect.poll(async () => { const b = await boxes(); return b.verified + b.not; }).toBe(60);
  expect((await boxes()).verified).toBe(Math.round((1 - ibp) * 60));
  await page.selectOption('[data-testid=verify-box-bound]', 'crown');
  await expect.poll(async () => (await boxes()).verified).toBe(Math.round((1 - crown) * 60));
  expect(await workerTensors(page)).toBe(tensors);
  await page.screenshot({ path: 'test-results/verification.png', fullPage: true });
});

test('cancelling a long verification keeps the previous results', async () => {
  const tensors = await workerTensors(page);
  const before = await cells('verify-table', 'verify-row');
  await page.fill('[data-testid=verify-iterations]', '1000');
  await page.click('[data-testid=verify-run]');
  await page.waitForSelector('[data-testid=cancel-job]');
  await page.click('[data-testid=cancel-job]');
  await jobsIdle();
  await expect.poll(() => page.textContent('.messages')).toMatch(/Verifying .*: cancelled/);
  expect(await cells('verify-table', 'verify-row')).toEqual(before);
  expect(await workerTensors(page)).toBe(tensors);
  await page.fill('[data-testid=verify-iterations]', '100');
});

test('PGD with the abstain rule: PGD error between standard and verified error, detections per abstain class', async () => {
  const tensors = await workerTensors(page);
  await page.click('[data-testid=verify-pgd]');
  await page.waitForSelector('[data-testid=verify-pgd-row]', { timeout: 60_000 });
  await jobsIdle();
  const [v] = await cells('verify-table', 'verify-row');
  const [p] = await cells('verify-pgd-table', 'verify-pgd-row');
  const [standard, pgd, detected, success] = [p.standard, p.pgd, p.detected, p.success].map(Number);
  expect(standard).toBe(Number(v.standard));
  expect(pgd).toBeGreaterThanOrEqual(standard);
  expect(pgd).toBeLessThanOrEqual(Number(v['verified-crown']) + 1e-9); // PGD never beats a sound certificate
  expect(detected + success).toBeLessThanOrEqual(1 + 1e-9);
  await expect.poll(() => page.$eval('[data-testid=verify-detect-plot]', (el) => ((el as unknown as { data?: Array<{ type: string; name: string }> }).data ?? []).map((t) => `${t.type}:${t.name}`))).toEqual(['bar:abstain a1', 'bar:abstain a2']);
  expect(await workerTensors(page)).toBe(tensors);
});

test('the preset trains, verifies and attacks four models: four rows in each table and both plots', async () => {
  await page.click('[data-testid=verify-preset]');
  await page.waitForSelector('[data-testid=jobs]:not([hidden])', { state: 'attached' });
  await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 150_000 });
  const preset = /no abstain class|Single abstain class|M = 3 abstain classes/;
  const rows = (await cells('verify-table', 'verify-row')).filter((r) => preset.test(r['0']));
  const pgdRows = (await cells('verify-pgd-table', 'verify-pgd-row')).filter((r) => preset.test(r['0']));
  expect(rows).toHaveLength(4);
  expect(pgdRows).toHaveLength(4);
  for (const r of rows) {
    expect(Number(r['verified-ibp'])).toBeGreaterThanOrEqual(Number(r.standard));
    expect(Number(r['verified-crown'])).toBeLessThanOrEqual(Number(r['verified-ibp']) + 1e-9);
  }
  // The points are drawn on the plot's canvas: one marker layer per model and bound.
  const series = () => page.$eval('[data-testid=verify-tradeoff-plot-points]', (el) => ((el as unknown as { pointLayers?: Array<{ name: string }> }).pointLayers ?? []).map((t) => t.name));
  await expect.poll(async () => (await series()).filter((n) => preset.test(n)).length).toBe(8); // IBP and CROWN per preset model
  const groups = () => page.$eval('[data-testid=verify-detect-plot]', (el) => ((el as unknown as { data?: Array<{ x: string[] }> }).data ?? []).map((t) => t.x.length));
  await expect.poll(groups).toEqual([4, 4, 4]); // a1..a3, over our model and the three preset models with abstain classes
  expect(await page.$$eval('[data-testid=verify-source] option', (os) => os.length)).toBe(5); // registered as playground models
  await page.screenshot({ path: 'test-results/verification-preset.png', fullPage: true });
  expect(errors).toEqual([]);
}, 180_000);

test('the trade-off sweep runs as one job over all its runs and cancels', async () => {
  await page.click('[data-testid=verify-sweep]');
  await page.waitForSelector('[data-testid=cancel-job]');
  await expect.poll(() => page.textContent('[data-testid=job]')).toMatch(/Trade-off sweep.*training M = 1, λ = 0\.5/);
  await page.click('[data-testid=cancel-job]');
  await jobsIdle();
  await expect.poll(() => page.textContent('.messages')).toMatch(/cancel/i);
  expect(await page.isEnabled('[data-testid=verify-run]')).toBe(true);
});

test('an image CNN: K and M shown, CROWN off with the reason, IBP verifies inside the pixel box', async () => {
  await page.click('[data-testid=view-images]');
  await page.click('[data-testid=load-fashion]');
  await expect.poll(() => page.textContent('[data-testid=dataset-train-count]'), { timeout: 60_000 }).toBe('2000');
  await page.selectOption('[data-testid="field-training.method"]', 'ibp');
  await page.fill('[data-testid="field-training.ibp.abstainClasses"]', '1');
  expect(await page.isVisible('[data-testid="field-training.ibp.regulariserMu"]')).toBe(true);
  await trainImageModel(page, [...TINY_IMAGE_SETTINGS, ['training.attack.eps', '1/255']]);
  await page.click('[data-testid=view-verify]');
  const option = await page.$eval('[data-testid=verify-source]', (el) => [...(el as HTMLSelectElement).options].map((o) => o.value).find((v) => v.startsWith('image:')));
  await page.selectOption('[data-testid=verify-source]', option!);
  await expect.poll(() => page.textContent('[data-testid=verify-info]'), { timeout: 20_000 }).toMatch(/K = 10 regular classes, M = 1 abstain classes \(11 outputs\)/);
  expect(await page.textContent('[data-testid=verify-crown-reason]')).toMatch(/CROWN.*conv2d|CROWN.*not supported/i);
  expect(await page.$eval('[data-testid=verify-bound] option[value=crown]', (o) => (o as HTMLOptionElement).disabled)).toBe(true);
  await page.fill('[data-testid=verify-eps]', '1/255');
  await page.fill('[data-testid=verify-count]', '20');
  const before = (await cells('verify-table', 'verify-row')).length;
  await page.click('[data-testid=verify-run]');
  await expect.poll(async () => (await cells('verify-table', 'verify-row')).length, { timeout: 60_000 }).toBe(before + 1);
  const row = (await cells('verify-table', 'verify-row'))[before];
  expect(row['3']).toBe('20');
  expect(Number(row['verified-ibp'])).toBeGreaterThanOrEqual(Number(row.standard));
  expect(row['verified-crown']).toBe('–');
  expect(errors).toEqual([]);
});
