/**
 * The page stays responsive while jobs run: for each job the main thread's long tasks and the
 * input latency (95th percentile over clicks made during the job) are measured with
 * PerformanceObserver in the page, written to test-results/responsiveness.json, and held to the
 * budget (no task over 50 ms, input within 100 ms) with a margin for these shared 2-core machines,
 * whose speed swings by 2×: the longest task under 150 ms, the input 95th percentile under 200 ms.
 * Live data is drawn on canvases over plotly's axes; what plotly still redraws (a new plot's first
 * draw, a result bar chart) takes 20–45 ms here, and the report names the slowest redraws (the
 * page's own record) so the next cause is found at once. The first minutes are timed too, with
 * the same 2× margin: the moving boundary after Train (target 1 s) and the full result (15 s).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { layoutProblems, waitForBackend } from './page';
import { type JobFigures, PROBE_SCRIPT, measureJob } from './responsiveness';

let browser: Browser;
let context: BrowserContext;
let page: Page;
const report: { jobs: JobFigures[]; firstMinutes: Record<string, number> } = { jobs: [], firstMinutes: {} };

beforeAll(async () => {
  mkdirSync('test-results/views', { recursive: true });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(PROBE_SCRIPT);
  page = await context.newPage();
});
afterAll(async () => {
  writeFileSync('test-results/responsiveness.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log(report.jobs.map((j) => `${j.job}: ${(j.wallMs / 1000).toFixed(1)} s, ${j.longTasks} long tasks (longest ${j.longestTaskMs} ms, ${j.busyMs} ms busy), input p95 ${j.inputP95Ms} ms over ${j.interactions}; slowest redraws: ${j.slowestDraws.join(', ') || 'none'}`).join('\n'));
  console.log(JSON.stringify(report.firstMinutes));
  await browser?.close();
});

const jobsIdle = () => page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 300_000 });
const store = <T>(fn: string) => page.evaluate((f) => new Function('s', `return (${f})(s)`)((window as unknown as { __workbench: { store: { getState(): unknown } } }).__workbench.store.getState()) as T, fn);

function budget(f: JobFigures) {
  report.jobs.push(f);
  expect(f.interactions, `${f.job}: clicks made during the job`).toBeGreaterThan(3);
  expect(f.longestTaskMs, `${f.job}: longest main-thread task`).toBeLessThan(150);
  expect(f.inputP95Ms, `${f.job}: input latency, 95th percentile`).toBeLessThan(200);
}

test('Playground: Train with the defaults shows a moving boundary at once and a full result soon; the page stays responsive', async () => {
  await page.goto(BASE_URL);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid=train]:not([disabled])');
  let t0 = 0;
  let firstBoundary = 0;
  const toggle = page.locator('.toggles input[type=checkbox]').nth(1);
  const f = await measureJob(
    page,
    'playground training',
    async () => {
      t0 = Date.now();
      await page.click('[data-testid=train]');
    },
    async () => {
      await page.waitForFunction(() => {
        const s = (window as unknown as { __workbench: { store: { getState(): { activeModelId: string | null; grids: Record<string, unknown> } } } }).__workbench.store.getState();
        return !!s.activeModelId && !!s.grids[s.activeModelId];
      }, undefined, { timeout: 60_000, polling: 50 });
      firstBoundary = Date.now() - t0;
      await page.waitForSelector('[data-testid=metrics] [data-testid=split-table]', { timeout: 300_000 });
      await jobsIdle();
    },
    () => (process.env.POKE === 'key' ? page.keyboard.press('Shift') : toggle.click({ timeout: 5_000 })),
  );
  report.firstMinutes.firstBoundaryMs = firstBoundary;
  report.firstMinutes.fullResultMs = f.wallMs;
  budget(f);
  expect(firstBoundary, 'the first decision boundary after Train (ms)').toBeLessThan(2_000);
  expect(f.wallMs, 'Train to the full result: trained, attacked, split shown (ms)').toBeLessThan(30_000);
  expect(await store<boolean>('(s) => Object.keys(s.evaluations).length === 1')).toBe(true);
  // The README's screenshot: the page after its first job, every point shown.
  for (const box of await page.locator('.toggles input[type=checkbox]').all()) if (!(await box.isChecked())) await box.check();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: 'test-results/readme-screenshot.png' });
});

test('Playground: grid robustness stays responsive', async () => {
  const toggle = page.locator('.toggles input[type=checkbox]').nth(1);
  const f = await measureJob(page, 'grid robustness', () => page.click('[data-testid=grid-split]'), async () => {
    await page.waitForSelector('[data-testid=grid-split-summary]', { timeout: 300_000 });
    await jobsIdle();
  }, () => toggle.click({ timeout: 5_000 }));
  budget(f);
});

/** Clicks the first checkbox of `scope` (a harmless toggle of the view) as the poke during a job. */
const pokeIn = (scope: string) => () => page.locator(`${scope} input[type=checkbox]`).first().click({ timeout: 5_000 });
const keyPoke = () => page.keyboard.press('Shift');

test('Smoothing: certification stays responsive', async () => {
  await page.click('[data-testid=view-smoothing]');
  await page.waitForSelector('[data-testid=smoothing-source]');
  await page.fill('[data-testid="smoothing-n"]', '10000');
  await page.fill('[data-testid="smoothing-max"]', '100');
  await page.waitForSelector('[data-testid=certify]:not([disabled])');
  const f = await measureJob(page, 'certification', () => page.click('[data-testid=certify]'), jobsIdle, keyPoke);
  budget(f);
});

test('Arena: ten families trained and attacked in a row stay responsive as their rows arrive', async () => {
  await page.click('[data-testid=view-arena]');
  await page.fill('[data-testid=arena-budget-epochs]', '4');
  await page.waitForSelector('[data-testid=arena-run]:not([disabled])');
  const f = await measureJob(page, 'arena', () => page.click('[data-testid=arena-run]'), jobsIdle, keyPoke);
  budget(f);
  expect(await page.$$eval('[data-testid=arena-row]', (rows) => rows.length)).toBe(10);
});

test('Paper presets: Figure 1, coupled rejection and multiple abstain classes stay responsive', async () => {
  await page.click('[data-testid=view-figure1]');
  const fig1 = await measureJob(page, 'preset: robust inaccuracy (Figure 1)', () => page.click('[data-testid=run-preset]'), async () => {
    // Several jobs in a row (train ×3, attack ×3, compose): done when the composition is stored.
    await page.waitForFunction(() => (window as unknown as { __workbench: { store: { getState(): { composition: { robustId: string } | null } } } }).__workbench.store.getState().composition?.robustId === 'fig1-era', undefined, { timeout: 600_000, polling: 200 });
    await jobsIdle();
  }, pokeIn('[data-testid=figure1-view] .toggles'));
  budget(fig1);
  await page.click('[data-testid=view-rejection]');
  const rr = await measureJob(page, 'preset: coupled rejection', () => page.click('[data-testid=rr-preset-run]'), async () => {
    await page.waitForFunction(() => /Pang et al\., Fig\. 1/.test(document.querySelector('[data-testid=rr-metrics]')?.textContent ?? ''), undefined, { timeout: 300_000 });
    await jobsIdle();
  }, keyPoke);
  budget(rr);
  await page.click('[data-testid=view-verify]');
  const ver = await measureJob(page, 'preset: multiple abstain classes', () => page.click('[data-testid=verify-preset]'), async () => {
    await page.waitForSelector('[data-testid=jobs]:not([hidden])', { state: 'attached' });
    await jobsIdle();
  }, keyPoke);
  budget(ver);
}, 900_000);

test('Images: training a CNN on the shipped Fashion-MNIST subset stays responsive', async () => {
  await page.click('[data-testid=view-images]');
  await page.click('[data-testid=load-fashion]');
  await page.waitForSelector('[data-testid=train-image]:not([disabled])', { timeout: 60_000 });
  for (const [path, value] of [['data.trainLimit', '2000'], ['training.epochs', '1']]) await page.fill(`[data-testid="field-${path}"]`, value);
  const f = await measureJob(page, 'image training', () => page.click('[data-testid=train-image]'), async () => {
    await page.waitForSelector('[data-testid=jobs]:not([hidden])', { state: 'attached' });
    await jobsIdle();
  }, keyPoke);
  budget(f);
});

test('the Bench view shows the same measurement for the jobs that ran', async () => {
  await page.click('[data-testid=view-bench]');
  await page.waitForSelector('[data-testid=responsiveness-table]');
  const rows = await page.$$eval('[data-testid=responsiveness-row]', (trs) =>
    trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [td.getAttribute('data-col') ?? String(i), td.textContent ?? '']))),
  );
  const labels = rows.map((r) => r['0']);
  expect(labels.some((l) => /^Training /.test(l))).toBe(true);
  expect(labels.some((l) => /^Attacking /.test(l))).toBe(true);
  expect(labels.some((l) => /^Grid robustness /.test(l))).toBe(true);
  expect(labels.length).toBeGreaterThanOrEqual(6);
  // The page's count of long tasks agrees with this test's own probe (its spans are a little shorter).
  const pageLong = rows.reduce((s, r) => s + Number(r.long), 0);
  const probeLong = report.jobs.reduce((s, j) => s + j.longTasks, 0);
  expect(Number.isInteger(pageLong)).toBe(true);
  expect(pageLong).toBeLessThanOrEqual(probeLong + 2);
  for (const r of rows) expect(r.input).toMatch(/^(no input|\d+ ms \(\d+ inputs\))$/);
});

test('with results in every view, no card, table or plot overflows at 1280 × 800 or 1920 × 1080', async () => {
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const view of ['playground', 'figure1', 'images', 'smoothing', 'rejection', 'verify', 'bench', 'lessons']) {
      await page.click(`[data-testid=view-${view}]`);
      await page.waitForTimeout(1200);
      const p = await layoutProblems(page);
      expect(p.overflow, `${view} at ${width}: elements wider than their box`).toEqual([]);
      expect(p.small, `${view} at ${width}: text under 11 px`).toEqual([]);
      expect(p.oneRow, `${view} at ${width}: header on one row`).toBe(true);
      expect(p.overlapping, `${view} at ${width}: overlapping tick labels`).toEqual([]);
      await page.screenshot({ path: `test-results/views/${view}-${width}.png`, fullPage: true });
    }
  }
});
