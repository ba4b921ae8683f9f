/**
 * The bench view's noise generator check in Chromium: Philox4x32-10
 * (Salmon et al. 2011) + Box–Muller drawn by the WGSL kernel on webgpu and the GLSL ES 3.0
 * program on webgl (both on SwiftShader here), and in WebAssembly SIMD on wasm and cpu. Small draws
 * (65,536) so that it runs in seconds; asserts, per backend, the source, a passing row, mean /
 * variance / lag-1 within 5 standard errors, and the largest difference to the JavaScript
 * reference (≤ 1e-5 on the GPU backends, ≤ 1e-6 in WASM SIMD), and that the worker leaks no tensor.
 * Then the noise-1m bench case (1,000,000 draws + read-back) on webgpu, webgl and wasm.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend, workerTensors } from './page';

const DRAWS = 65536;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('the noise generator check passes on webgpu, webgl (device) and wasm, cpu (WASM SIMD)', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}?view=bench`);
  await waitForBackend(page);
  await page.locator('label', { hasText: 'Gaussian noise, 1M draws' }).waitFor();
  const tensorsBefore = await workerTensors(page);
  await page.fill('[data-testid=noise-draws]', String(DRAWS));
  await page.click('[data-testid=noise-run]:not([disabled])');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=noise-table] tbody tr').length === 4, undefined, { timeout: 90_000 });
  const rows = await page.$$eval('[data-testid=noise-table] tbody tr', (trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
      return { id: tr.getAttribute('data-testid'), status: d.status, source: cells[1], result: cells.at(-1), maxDiff: Number(d.maxDiff), mean: Number(d.mean), variance: Number(d.variance), lag1: Number(d.lag1), rate: Number(d.rate) };
    }),
  );
  console.log(rows.map((r) => `${r.id}: ${r.source} ${(r.rate / 1e6).toFixed(2)}M draws/s, max |Δ| ${r.maxDiff.toExponential(2)}, ${r.result}`).join('\n'));
  expect(rows.map((r) => r.id)).toEqual(['noise-row-webgpu', 'noise-row-webgl', 'noise-row-wasm', 'noise-row-cpu']);
  const se = 1 / Math.sqrt(DRAWS);
  for (const r of rows) {
    expect(r.status, `${r.id}: ${r.result}`).toBe('passed');
    expect(r.source).toBe(r.id === 'noise-row-webgpu' || r.id === 'noise-row-webgl' ? 'device' : 'wasm');
    expect(Math.abs(r.mean)).toBeLessThan(5 * se);
    expect(Math.abs(r.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (DRAWS - 1)));
    expect(Math.abs(r.lag1)).toBeLessThan(5 * se);
    expect(r.maxDiff).toBeLessThanOrEqual(r.source === 'device' ? 1e-5 : 1e-6);
    expect(r.rate).toBeGreaterThan(0);
  }
  // The check restores the page's backend and frees what it drew.
  await page.waitForSelector('[data-testid=noise-run]:not([disabled])');
  expect(await workerTensors(page)).toBe(tensorsBefore);
});

test('the bench view times noise-1m on webgpu, webgl and wasm', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}?view=bench`);
  await waitForBackend(page);
  await page.waitForSelector('[data-testid=bench-run]:not([disabled])');
  await page.locator('.bench input[type=number]').first().fill('1');
  for (const b of ['webgpu', 'webgl', 'wasm']) await page.locator(`[data-testid=bench-backend-${b}]`).check();
  await page.locator('[data-testid=bench-backend-cpu]').uncheck();
  const labels = await page.$$eval('.bench label.toggle[title]', (ls) => ls.map((l) => l.textContent?.trim() ?? ''));
  for (const label of labels) {
    if (label.includes('repeats')) continue;
    // A label can be contained in another ('TRADES epoch' in 'RR-TRADES epoch'): act on every match.
    const boxes = await page.locator('label', { hasText: label }).locator('input').all();
    if (label === 'Gaussian noise, 1M draws') await boxes[0].check();
    else for (const box of boxes) await box.uncheck();
  }
  await page.click('[data-testid=bench-run]');
  // WASM runs with one thread and with two (cross-origin isolated, 2 cores): four rows.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=bench-table] tbody tr').length === 4, undefined, { timeout: 90_000 });
  const rows = await page.$$eval('[data-testid=bench-table] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  console.log(rows.map((r) => r.join(' | ')).join('\n'));
  expect(rows.map((r) => r[1]).sort()).toEqual(['wasm', 'wasm', 'webgl', 'webgpu']);
  expect(rows.filter((r) => r[1] === 'wasm').map((r) => r[2]).sort()).toEqual(['1', '2']);
  for (const r of rows) {
    expect(r[0]).toBe('Gaussian noise, 1M draws');
    expect(parseFloat(r[3])).toBeGreaterThan(0);
    expect(r[5]).toMatch(/M draws\/s|k draws\/s/);
  }
});
