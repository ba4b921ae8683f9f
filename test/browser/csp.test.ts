/**
 * The built page runs under its Content-Security-Policy: the preview server sends it (for the page
 * and the worker), index.html carries it as a meta tag, and every view with a real job on the
 * WASM and WebGL backends runs with no violation — while an injected inline script is blocked.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BASE_URL, launchBrowser } from './launch';
import { waitForBackend } from './page';
import { CONTENT_SECURITY_POLICY } from '../../vite.config';

let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Violations reported by the page's documents and by its worker (as console errors). */
const violations: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.exposeBinding('__cspViolation', (_source, text: string) => void violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text().slice(0, 200));
  });
});
afterAll(async () => {
  await browser?.close();
});

test('the preview server sends the policy for the page and the worker; index.html carries it as a meta tag', async () => {
  const response = await page.goto(BASE_URL);
  const header = response!.headers()['content-security-policy'] ?? '';
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(header).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
  expect(header).toContain("frame-ancestors 'none'");
  const meta = await page.$eval('meta[http-equiv=Content-Security-Policy]', (m) => m.getAttribute('content'));
  expect(meta).toBe(CONTENT_SECURITY_POLICY);
  // The README gives a static host the same policy.
  expect(readFileSync('README.md', 'utf8')).toContain(CONTENT_SECURITY_POLICY);
  await waitForBackend(page);
  const workerUrl = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).find((n) => /worker[^/]*\.js$/.test(n)) ?? '');
  expect(workerUrl).toMatch(/^http.*worker/);
  const worker = await page.request.get(workerUrl);
  expect(worker.headers()['content-security-policy']).toBe(header);
});

test('every view, with a training job on WASM and on WebGL, runs without a violation; an inline script is blocked', async () => {
  for (const backend of ['wasm', 'webgl']) {
    await page.goto(`${BASE_URL}?backend=${backend}&data.size=120&training.epochs=2`);
    expect(await waitForBackend(page)).toBe(backend);
    await page.click('[data-testid=train]');
    await page.waitForSelector('[data-testid=metrics] [data-testid=split-table]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid=jobs][hidden]', { state: 'attached', timeout: 120_000 });
  }
  for (const view of ['lessons', 'figure1', 'images', 'smoothing', 'rejection', 'verify', 'bench']) {
    await page.click(`[data-testid=view-${view}]`);
    await page.waitForTimeout(300);
  }
  await page.click('[data-testid=view-images]');
  await page.click('[data-testid=load-fashion]');
  await page.waitForSelector('[data-testid=dataset-view]', { timeout: 60_000 });
  expect(violations).toEqual([]);
  // The policy is live: an inline script added to the page does not run, and is reported.
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.head.append(s);
    await new Promise((r) => setTimeout(r, 100));
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.some((v) => /script-src/.test(v))).toBe(true);
});
