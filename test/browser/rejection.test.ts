/**
 * What a user does with sample rejection (paper 003) in the Smoothing view: bad settings are
 * flagged and certifying before training is refused; training the denoiser and rejectors of a
 * 2-D model shows its losses and evaluation; certifying with rejection adds a "with rejection"
 * run to the certified-accuracy plot and draws Fig. 6 (counts per input under the line
 * x1 + x2 = N); cancelling a training keeps its finished epochs; Forget frees the worker's tensors.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend, workerTensors } from './page';

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Worker tensors before any rejection system, and with one. */
let start = 0;
let withSystem = 0;
const N = 500;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1500, height: 1100 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const small = { 'data.size': '200', 'training.method': 'standard', 'training.epochs': '3', 'evaluation.attack.steps': '5', 'evaluation.gridResolution': '40' };
  await page.goto(`${BASE_URL}?${new URLSearchParams(small)}`);
  await waitForBackend(page);
  await page.click('[data-testid=train]');
  await idle();
  await page.click('[data-testid=view-smoothing]');
  await page.waitForSelector('[data-testid=train-rejection]');
  await page.fill('[data-testid=smoothing-n]', String(N));
  await page.fill('[data-testid=smoothing-max]', '20');
});
afterAll(async () => {
  await browser?.close();
});

const idle = () => page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
const fill = (name: string, value: string) => page.fill(`[data-testid="rejection-${name}"]`, value);
const messages = () => page.textContent('.messages');
const runRows = () => page.$$eval('[data-testid=certify-run]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
const lossRows = () => page.$$eval('[data-testid=rejection-losses] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

test('bad settings are flagged; certifying before training is refused with a message', async () => {
  await fill('noiseDraws', '0');
  await expect.poll(() => page.textContent('[data-testid=rejection-error-noiseDraws]')).toMatch(/noise draws T must be between 1 and 1000/);
  expect(await page.isDisabled('[data-testid=train-rejection]')).toBe(true);
  await fill('threshold', '1.5');
  await expect.poll(() => page.textContent('[data-testid=rejection-error-threshold]')).toMatch(/threshold must be ≥ 0 and ≤ 1/);
  await fill('noiseDraws', '4');
  await fill('threshold', '0.5');
  await expect.poll(() => page.isEnabled('[data-testid=train-rejection]')).toBe(true);
  await page.click('[data-testid=certify-rejection]');
  await expect.poll(messages).toMatch(/has no denoiser and rejectors yet: press "Train denoiser \+ rejectors" first/);
  expect(await runRows()).toHaveLength(0);
});

test('training shows the losses and the rejectors’ evaluation', async () => {
  start = await workerTensors(page);
  await fill('denoiserEpochs', '4');
  await fill('rejectorEpochs', '3');
  await page.click('[data-testid=train-rejection]');
  await idle();
  await expect.poll(messages).toMatch(/Denoiser \+ rejectors for .*Trained 4 epochs \(mse\).*Trained 3 epochs \(rejection\)/);
  const losses = await lossRows();
  expect(losses.map((r) => r.slice(0, 3))).toEqual([
    ['denoiser', 'mse', '4'],
    ['rejectors', 'rejection', '3'],
  ]);
  expect(losses.every((r) => Number.isFinite(parseFloat(r[4])))).toBe(true);
  for (const id of ['rejection-reject-rate', 'rejection-accuracy', 'rejection-target-rate']) {
    const v = parseFloat((await page.textContent(`[data-testid=${id}]`)) ?? '');
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(100);
  }
  expect(await page.textContent('[data-testid=rejection-system]')).toMatch(/denoiser mlp, 4 \/ 4 epochs; rejectors mlp, 3 \/ 3 epochs/);
  withSystem = await workerTensors(page);
  expect(withSystem).toBeGreaterThan(start);
});

test('certifying with rejection adds a run to the plot and draws Fig. 6', async () => {
  await page.click('[data-testid=certify-rejection]');
  await idle();
  const rows = await runRows();
  expect(rows).toHaveLength(1);
  expect(rows[0][0]).toMatch(/with rejection · done/);
  expect(rows[0][1]).toBe('20 / 20');
  for (const cell of rows[0].slice(2, 8)) {
    const v = parseFloat(cell);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(100);
  }
  // Plots redraw a moment after their data changes (paced by their cost): poll for the new run.
  const curveNames = () => page.$eval('[data-testid=certified-curve-plot]', (el) => ((el as unknown as { data?: Array<{ name?: string }> }).data ?? []).map((t) => t.name ?? ''));
  await expect.poll(async () => (await curveNames()).join('|')).toMatch(/^[^|]*with rejection[^|]*$/);

  type Trace = { type?: string; name?: string; x?: number[]; y?: number[] };
  const histogram = () => page.$eval('[data-testid=rejection-histogram-plot]', (el) => ((el as unknown as { data?: Trace[] }).data ?? []).map((t) => ({ type: t.type, name: t.name, x: [...(t.x ?? [])], y: [...(t.y ?? [])] })));
  await expect.poll(async () => (await histogram()).find((t) => t.type === 'histogram2d')?.x.length ?? 0).toBe(20);
  const traces = await histogram();
  const hist = traces.find((t) => t.type === 'histogram2d')!;
  expect(hist.x).toHaveLength(20);
  const points = traces.filter((t) => ['certified, correct', 'certified, wrong', 'abstained'].includes(t.name ?? ''));
  const xs = points.flatMap((t) => t.x!);
  const ys = points.flatMap((t) => t.y!);
  expect(xs).toHaveLength(20);
  xs.forEach((x, i) => {
    expect(x).toBeGreaterThanOrEqual(0);
    expect(ys[i]).toBeGreaterThanOrEqual(0);
    expect(x + ys[i]).toBeLessThanOrEqual(N);
  });
  const line = traces.find((t) => t.name === 'x1 + x2 = N')!;
  expect([line.x, line.y]).toEqual([
    [0, N],
    [N, 0],
  ]);
  expect(await page.textContent('[data-testid=rejection-histogram-caption]')).toMatch(/Fig\. 6.*N = n = 500, 20 inputs/);
  expect(await workerTensors(page)).toBe(withSystem);
});

test('a certification at another σ is refused; cancelling a training keeps its finished epochs', async () => {
  await page.fill('[data-testid=smoothing-sigma]', '0.5');
  await page.click('[data-testid=certify-rejection]');
  await expect.poll(messages).toMatch(/were trained at σ = 0.25: certify at that σ/);
  await page.fill('[data-testid=smoothing-sigma]', '0.25');

  await fill('rejectorEpochs', '5000');
  await page.click('[data-testid=train-rejection]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=rejection-losses] td')].some((td) => td.textContent === 'rejection'), undefined, { timeout: 60_000 });
  await page.click('[data-testid=cancel-job]');
  await idle();
  await expect.poll(messages).toMatch(/Cancelled during epoch \d+; the model holds the weights from the end of epoch \d+/);
  expect(await page.textContent('[data-testid=rejection-system]')).toMatch(/rejectors mlp, \d+ \/ 5000 epochs; .* cancelled/);
  // The new system replaced the old one (same architecture): as many tensors as before.
  expect(await workerTensors(page)).toBe(withSystem);
});

test('Forget frees the worker’s denoiser and rejectors', async () => {
  await page.click('[data-testid=drop-rejection]');
  await expect.poll(() => page.textContent('[data-testid=rejection]')).toMatch(/No denoiser and rejectors for this model yet/);
  expect(await workerTensors(page)).toBe(start);
  expect(pageErrors).toEqual([]);
});
